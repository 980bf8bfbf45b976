import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { openPglite } from './db/pglite.ts';
import { openPostgres } from './db/postgres.ts';
import { seedDemoIdentities } from './modules/identity/index.ts';
import { seedDemoRegisters } from './demo/demo-seed.ts';
import { ObservatoryService, seedDemoOfficers, seedObservatory } from './modules/observatory/index.ts';
import { loadTenantsDir, upsertTenants, type LoadedTenant } from './modules/tenants/index.ts';

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export async function openDatabase(config: Config): Promise<Db> {
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL);
  return openPglite(config.dataDir);
}

export interface Booted {
  db: Db;
  tenants: LoadedTenant[];
  migrationsApplied: string[];
}

/**
 * Everything a process needs before serving or running a command: valid profiles first (cheap, and a
 * broken profile must stop the start before anything is touched), then the database, migrations and the
 * tenants mirror.
 */
export async function boot(config: Config): Promise<Booted> {
  const tenants = loadTenantsDir(config.tenantsDir);
  const db = await openDatabase(config);
  try {
    const migrationsApplied = await migrate(db);
    await upsertTenants(db, tenants);
    // Demo citizens, cards and staff into councils whose tables are empty (DEMO_DATA, default on).
    if (config.DEMO_DATA) await seedDemoIdentities(db);
    // Demo padrón, receipts, fines and filings for the same citizens (idempotent).
    if (config.DEMO_DATA) await seedDemoRegisters(db, tenants.map((t) => t.profile));
    // Observatory (issue 8): gazetteer, Alicante's seed projects, the demo records and demo officers (idempotent).
    if (config.DEMO_DATA) {
      await seedObservatory(db, new ObservatoryService({ db }));
      await seedDemoOfficers(db);
    }
    return { db, tenants, migrationsApplied };
  } catch (err) {
    await db.close();
    throw err;
  }
}
