import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../shared/languages.ts';
import { AppError, ERROR_STATUS, errorMessageKey, statusOf } from './errors.ts';
import { hasKey } from './i18n.ts';

const SERVER_DIR = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

interface ThrowSite {
  where: string;
  code: string;
  /** The status written at the site, when there is one. */
  status: number | undefined;
}

/** Every `new AppError('<literal code>'` in the server sources, with the `status:` of its options when written. */
function throwSites(): ThrowSite[] {
  return sourceFiles(SERVER_DIR).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/new AppError\(\s*'([\w.]+)'\s*(,\s*\{[^;]*?\bstatus:\s*(\d+))?/g)].map((m) => ({
      where: `${path.relative(SERVER_DIR, file)}:${text.slice(0, m.index).split('\n').length}`,
      code: m[1] ?? '',
      status: m[3] === undefined ? undefined : Number(m[3]),
    }));
  });
}

describe('error codes and HTTP statuses', () => {
  const sites = throwSites();

  it('finds the throw sites it checks', () => {
    // A broken pattern would make the checks below pass on nothing.
    expect(sites.length).toBeGreaterThan(100);
    expect(sites.some((s) => s.code === 'appointments.slot_full')).toBe(true);
  });

  it('has a status for every code thrown in src/server', () => {
    const missing = [...new Set(sites.filter((s) => !(s.code in ERROR_STATUS)).map((s) => `${s.code} (${s.where})`))];
    expect(missing).toEqual([]);
  });

  it('leaves the status to the table at every throw site with a literal code', () => {
    // The status belongs to the code: a throw site that writes one (even the same) invites the next to differ.
    const choosing = sites.filter((s) => s.status !== undefined).map((s) => `${s.where} ${s.code}`);
    expect(choosing).toEqual([]);
  });

  it('lets no throw site give a code another status than the table', () => {
    const disagreeing = sites.filter((s) => s.status !== undefined && s.status !== statusOf(s.code)).map((s) => `${s.where} ${s.code}: ${s.status}, table ${statusOf(s.code)}`);
    expect(disagreeing).toEqual([]);
  });

  it('takes the status from the table when the throw site gives none', () => {
    expect(new AppError('appointments.slot_full').status).toBe(409);
    expect(new AppError('tenants.not_found').status).toBe(404);
    expect(new AppError('db.locked').status).toBe(503);
    expect(new AppError('analytics.invalid_range').status).toBe(400);
  });

  it('has a message in every language for every code of the table', () => {
    const missing = Object.keys(ERROR_STATUS).flatMap((code) => LANGUAGES.filter((lang) => !hasKey(lang, errorMessageKey(code))).map((lang) => `${lang} ${code}`));
    expect(missing).toEqual([]);
  });

  it('uses only real HTTP error statuses', () => {
    const odd = Object.entries(ERROR_STATUS).filter(([, status]) => status < 400 || status > 599);
    expect(odd).toEqual([]);
  });
});
