import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Db } from '../db/db.ts';
import { listMigrations, migrate } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';
import { loadTenantsDir, upsertTenants, type LoadedTenant } from '../modules/tenants/index.ts';

export const DEMO_TENANTS_DIR = new URL('../../../tenants/', import.meta.url).pathname;

export interface TestDb {
  db: Db;
  tenants: LoadedTenant[];
  /** Closes the connection and drops the throwaway database. */
  close(): Promise<void>;
}

/**
 * A migrated database with the demo councils mirrored in: in-memory PGlite by default,
 * or a fresh throwaway database on the server named by DATABASE_URL (the same tests run on both).
 */
export async function createTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  let db: Db;
  let drop: () => Promise<void> = async () => undefined;
  if (url) {
    const name = `vt_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    // Dropping the database WITH (FORCE) terminates connections the pool is still closing: expected here.
    db = await openPostgres(u.toString(), { max: 20, onIdleError: () => undefined });
    drop = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    db = await openPglite(undefined, { loadDataDir: await pgliteTemplate() });
  }
  await migrate(db);
  const tenants = loadTenantsDir(DEMO_TENANTS_DIR);
  await upsertTenants(db, tenants);
  return {
    db,
    tenants,
    async close() {
      await db.close();
      await drop();
    },
  };
}

/**
 * A migrated PGlite data directory, dumped once and shared by every test file (and worker) through a
 * file in the temp folder: initdb in WASM takes seconds, loading a dump a fraction of that.
 * The key changes whenever a migration or a profile changes, so a stale template is never used.
 */
async function pgliteTemplate(): Promise<Blob> {
  const hash = createHash('sha256');
  for (const m of listMigrations()) hash.update(m.name).update(m.sql);
  for (const f of readdirSync(DEMO_TENANTS_DIR).sort()) if (/\.(ya?ml|json)$/.test(f)) hash.update(f).update(readFileSync(path.join(DEMO_TENANTS_DIR, f)));
  const file = path.join(os.tmpdir(), `ventanilla-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const fresh = await openPglite();
  try {
    await migrate(fresh);
    await upsertTenants(fresh, loadTenantsDir(DEMO_TENANTS_DIR));
    const blob = await fresh.dumpDataDir();
    // Write then rename: a parallel worker either sees the whole file or none.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
    return blob;
  } finally {
    await fresh.close();
  }
}
