import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ZTenantProfile, type TenantProfile } from './tenant.schema.ts';

export interface LoadedTenant {
  profile: TenantProfile;
  /** Absolute path of the profile file. */
  file: string;
  /** SHA-256 of the file's bytes, to notice edits. */
  hash: string;
  /** The logo file's absolute path, when the profile names one. */
  logoPath?: string;
}

/** A profile that cannot be used: the message names the file, the field path and the problem. */
export class TenantProfileError extends Error {
  readonly file: string;
  readonly problems: { path: string; message: string }[];
  constructor(file: string, problems: { path: string; message: string }[]) {
    super(`Invalid council profile ${file}:\n` + problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n'));
    this.name = 'TenantProfileError';
    this.file = file;
    this.problems = problems;
  }
}

function formatPath(p: readonly PropertyKey[]): string {
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join('');
}

/** Parses and validates one profile file (YAML or JSON). */
export function loadTenantFile(file: string): LoadedTenant {
  const abs = path.resolve(file);
  let raw: Buffer;
  try {
    raw = readFileSync(abs);
  } catch (err) {
    throw new TenantProfileError(abs, [{ path: '', message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  let data: unknown;
  try {
    data = abs.endsWith('.json') ? JSON.parse(raw.toString('utf8')) : parseYaml(raw.toString('utf8'));
  } catch (err) {
    throw new TenantProfileError(abs, [{ path: '', message: `not valid ${abs.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const parsed = ZTenantProfile.safeParse(data);
  if (!parsed.success) {
    throw new TenantProfileError(
      abs,
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  const profile = parsed.data;
  const stem = path.basename(abs).replace(/\.(ya?ml|json)$/, '');
  if (stem !== profile.id) {
    throw new TenantProfileError(abs, [{ path: 'id', message: `must match the file name ("${stem}")` }]);
  }
  let logoPath: string | undefined;
  if (profile.branding.logo) {
    logoPath = path.resolve(path.dirname(abs), profile.branding.logo);
    if (!existsSync(logoPath)) throw new TenantProfileError(abs, [{ path: 'branding.logo', message: `file not found: ${logoPath}` }]);
    if (!/\.(svg|png)$/i.test(logoPath)) throw new TenantProfileError(abs, [{ path: 'branding.logo', message: 'must be an .svg or .png file' }]);
  }
  return { profile, file: abs, hash: createHash('sha256').update(raw).digest('hex'), ...(logoPath ? { logoPath } : {}) };
}

/** Loads every *.yaml, *.yml and *.json profile in a directory; duplicate ids or hostnames are errors. */
export function loadTenantsDir(dir: string): LoadedTenant[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TenantProfileError(path.resolve(dir), [{ path: '', message: 'TENANTS_DIR is not a directory' }]);
  }
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const tenants = files.map((f) => loadTenantFile(path.join(dir, f)));
  if (tenants.length === 0) {
    throw new TenantProfileError(path.resolve(dir), [{ path: '', message: 'no council profile (*.yaml, *.yml, *.json) found' }]);
  }
  const hosts = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const t of tenants) {
    const prev = ids.get(t.profile.id);
    if (prev) throw new TenantProfileError(t.file, [{ path: 'id', message: `"${t.profile.id}" is already used by ${prev}` }]);
    ids.set(t.profile.id, t.file);
    t.profile.routing.hostnames.forEach((h, i) => {
      const other = hosts.get(h.toLowerCase());
      if (other) throw new TenantProfileError(t.file, [{ path: `routing.hostnames[${i}]`, message: `"${h}" is already used by ${other}` }]);
      hosts.set(h.toLowerCase(), t.file);
    });
  }
  return tenants;
}
