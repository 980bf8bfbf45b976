import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
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
    db = await openPostgres(u.toString(), { max: 20 });
    drop = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    db = await openPglite();
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
