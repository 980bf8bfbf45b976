import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEMO_TENANTS_DIR } from '../../testing/test-db.ts';
import { loadTenantFile, loadTenantsDir, TenantProfileError } from './tenants.loader.ts';
import { TenantRegistry } from './tenants.service.ts';

function writeVariant(mutate: (p: Record<string, unknown>) => void, name = 'alacant.yaml'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-tenant-'));
  const profile = parse(readFileSync(path.join(DEMO_TENANTS_DIR, 'alacant.yaml'), 'utf8')) as Record<string, unknown>;
  delete (profile.branding as Record<string, unknown>).logo;
  mutate(profile);
  const file = path.join(dir, name);
  writeFileSync(file, stringify(profile));
  return file;
}

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof TenantProfileError) return err.problems;
    throw err;
  }
  throw new Error('expected a TenantProfileError');
}

describe('council profiles', () => {
  it('loads the two demo councils, which differ in languages and offices', () => {
    const tenants = loadTenantsDir(DEMO_TENANTS_DIR).map((t) => t.profile);
    expect(tenants.map((t) => t.id)).toEqual(['alacant', 'medina-rioseco']);
    expect(tenants[0]?.languages).toEqual(['es', 'ca', 'en']);
    expect(tenants[1]?.languages).toEqual(['es', 'en']);
    expect(tenants[0]?.offices.length).toBeGreaterThan(tenants[1]?.offices.length ?? 0);
  });

  it('reports a bad colour contrast with the field path', () => {
    const file = writeVariant((p) => {
      (p.branding as Record<string, unknown>).onPrimaryColor = '#1c5a90';
    });
    const problems = problemsOf(() => loadTenantFile(file));
    expect(problems).toContainEqual({ path: 'branding.onPrimaryColor', message: expect.stringContaining('below the 4.5:1 WCAG AA minimum') as string });
  });

  it('requires every text in every enabled language, and known office ids', () => {
    const file = writeVariant((p) => {
      const offices = p.offices as { names: Record<string, string> }[];
      delete offices[1]?.names.ca;
      const services = p.appointmentServices as { offices: string[] }[];
      services[0]?.offices.push('atlantis');
    });
    const problems = problemsOf(() => loadTenantFile(file));
    expect(problems).toContainEqual({ path: 'offices[1].names.ca', message: 'missing the ca text (the council has ca enabled)' });
    expect(problems).toContainEqual({ path: 'appointmentServices[0].offices[2]', message: 'unknown office "atlantis"' });
  });

  it('names the file in the error message and rejects an id that does not match it', () => {
    const file = writeVariant(() => undefined, 'other.yaml');
    try {
      loadTenantFile(file);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain(file);
      expect((err as TenantProfileError).problems).toEqual([{ path: 'id', message: 'must match the file name ("other")' }]);
    }
  });

  it('reports YAML syntax errors instead of crashing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-tenant-'));
    const file = path.join(dir, 'x.yaml');
    writeFileSync(file, 'id: x\nnames: [unclosed\n');
    expect(problemsOf(() => loadTenantFile(file))[0]?.message).toMatch(/^not valid YAML/);
  });

  it('finds a council by host name, ignoring the port and case', () => {
    const reg = new TenantRegistry(loadTenantsDir(DEMO_TENANTS_DIR));
    expect(reg.fromHost('Alacant.localhost:3000')?.id).toBe('alacant');
    expect(reg.fromHost('example.org')).toBeUndefined();
    expect(reg.single()).toBeUndefined();
  });
});
