/**
 * Demo identities from data/demo/citizens.yaml (the same file the embedded registers read): citizens,
 * cards with argon2id PIN hashes and staff accounts, for the councils that exist in the database.
 * Only into empty tables per council, so a restart never resets a PIN or a password someone changed.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { DEMO_FILE, readDemoFile, type DemoFile } from '../../demo-file.ts';
import { hashPassword } from '../../sessions/index.ts';
import { IdentityRepository } from './identity.repository.ts';
import { listTenantIds } from '../tenants/index.ts';

export const DEMO_CITIZENS_PATH = DEMO_FILE;
export type DemoIdentities = DemoFile;

/** The demo citizens and staff as written in the file (with their demo PINs and passwords). */
export function readDemoIdentities(file = DEMO_CITIZENS_PATH): DemoIdentities {
  return readDemoFile(file);
}

export interface SeedReport {
  citizens: number;
  staff: number;
}

/**
 * Seeds the demo identities into every council present in the database whose citizens (resp. staff)
 * table is empty. Called at boot when DEMO_DATA is on; `demoFile` defaults to data/demo/citizens.yaml.
 */
export async function seedDemoIdentities(db: Db, demoFile: string = DEMO_CITIZENS_PATH): Promise<SeedReport> {
  const demo = readDemoIdentities(demoFile);
  const repo = new IdentityRepository(db);
  const present = new Set(await listTenantIds(db));
  const report: SeedReport = { citizens: 0, staff: 0 };
  const tenantsIn = (rows: { tenant: string }[]) => [...new Set(rows.map((r) => r.tenant))].filter((t) => present.has(t));

  for (const tenantId of tenantsIn(demo.citizens)) {
    if ((await repo.countCitizens(tenantId)) > 0) continue;
    const rows = demo.citizens.filter((c) => c.tenant === tenantId);
    const hashed = await Promise.all(rows.map(async (c) => ({ c, pinHash: await hashPassword(c.pin) })));
    await db.transaction(async (tx) => {
      const txRepo = new IdentityRepository(tx);
      for (const { c, pinHash } of hashed) {
        await txRepo.upsertCitizen(tx, { tenantId, dni: c.dni, givenName: c.givenName, surname: c.surname, email: c.email, language: c.language });
        await txRepo.insertCard(tx, { tenantId, cardNumber: c.card, dni: c.dni, pinHash });
      }
    });
    report.citizens += rows.length;
  }
  for (const tenantId of tenantsIn(demo.staff)) {
    if ((await repo.countStaff(tenantId)) > 0) continue;
    const rows = demo.staff.filter((s) => s.tenant === tenantId);
    const hashed = await Promise.all(rows.map(async (s) => ({ s, hash: await hashPassword(s.password) })));
    await db.transaction(async (tx) => {
      const txRepo = new IdentityRepository(tx);
      for (const { s, hash } of hashed) {
        await txRepo.insertStaff(tx, { id: randomUUID(), tenantId, email: s.email.toLowerCase(), name: s.name, passwordHash: hash, roles: s.roles });
      }
    });
    report.staff += rows.length;
  }
  return report;
}
