/**
 * Demo data for the embedded registers, from data/demo/citizens.yaml plus generated receipts, fines and one
 * filing per demo citizen. Idempotent: fixed ids and ON CONFLICT DO NOTHING, so running it at every start
 * (when DEMO_DATA is on) adds nothing the second time. Real deployments never call it.
 * Each module writes its own rows (padrón, payments, filings, through their index.ts); this file only reads the demo
 * file and runs them in one transaction.
 */
import type { Db } from '../db/db.ts';
import { seedDemoFiling } from '../modules/filings/index.ts';
import { seedDemoPadron } from '../modules/padron/index.ts';
import { seedDemoPayments } from '../modules/payments/index.ts';
import type { TenantProfile } from '../modules/tenants/index.ts';
import { DEMO_FILE, readDemoFile, type DemoFile } from '../demo-file.ts';

export const DEMO_CITIZENS_FILE = DEMO_FILE;
export type DemoData = DemoFile;

const isoDate = (v: string | Date | undefined): string | undefined => (v === undefined ? undefined : v instanceof Date ? v.toISOString().slice(0, 10) : v);

export function loadDemoData(file = DEMO_CITIZENS_FILE): DemoData {
  return readDemoFile(file);
}

export interface SeedResult {
  inhabitants: number;
  debts: number;
  filings: number;
}

/** Seeds the embedded registers for the given councils; returns how many rows were new. */
export async function seedDemoRegisters(db: Db, tenants: readonly TenantProfile[], data = loadDemoData(), now = new Date()): Promise<SeedResult> {
  const out: SeedResult = { inhabitants: 0, debts: 0, filings: 0 };
  const known = new Map(tenants.map((t) => [t.id, t]));
  const year = Number(now.toISOString().slice(0, 4));
  const citizens = data.citizens.filter((c) => known.has(c.tenant));
  await db.transaction(async (tx) => {
    out.inhabitants = await seedDemoPadron(
      tx,
      data.households.filter((h) => known.has(h.tenant)).map((h) => ({ tenantId: h.tenant, id: h.id, address: h.address })),
      citizens.map((c) => ({
        tenantId: c.tenant,
        inhabitant: { dni: c.dni, givenName: c.givenName, surname: c.surname, birthDate: isoDate(c.birthDate), householdId: c.household, registeredSince: isoDate(c.registeredSince) ?? '' },
      })),
    );
    for (const c of citizens) {
      const tenant = known.get(c.tenant);
      if (!tenant) continue;
      out.debts += await seedDemoPayments(tx, tenant, { dni: c.dni, email: c.email ?? null, phone: c.phone ?? null, language: c.language }, year, now);
      out.filings += await seedDemoFiling(tx, tenant, c.dni, year);
    }
  });
  return out;
}
