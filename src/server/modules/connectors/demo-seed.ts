/**
 * Demo data for the embedded registers, from data/demo/citizens.yaml plus generated receipts, fines and one
 * filing per demo citizen. Idempotent: fixed ids and ON CONFLICT DO NOTHING, so running it at every start
 * (when DEMO_DATA is on) adds nothing the second time. Real deployments never call it.
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../db/db.ts';
import { DEMO_FILE, readDemoFile, type DemoFile } from '../../demo/demo-file.ts';
import type { TenantProfile } from '../tenants/index.ts';

export const DEMO_CITIZENS_FILE = DEMO_FILE;
export type DemoData = DemoFile;

const isoDate = (v: string | Date | undefined): string | null =>
  v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : v;

export function loadDemoData(file = DEMO_CITIZENS_FILE): DemoData {
  return readDemoFile(file);
}

const addDays = (d: Date, days: number): string => new Date(d.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/** Illustrative amounts per tax code, in cents. */
const DEMO_AMOUNTS: Record<string, number> = { IBI: 38_452, IVTM: 7_820, BASURA: 9_615, VADO: 4_210, AGUA: 3_150, PLUSVALIA: 124_000, ICIO: 56_000, MULTA: 20_000 };

export interface SeedResult {
  inhabitants: number;
  debts: number;
  filings: number;
}

/** Seeds the embedded registers for the given councils; returns how many rows were new. */
export async function seedDemoRegisters(db: Db, tenants: readonly TenantProfile[], data = loadDemoData(), now = new Date()): Promise<SeedResult> {
  const out: SeedResult = { inhabitants: 0, debts: 0, filings: 0 };
  const known = new Map(tenants.map((t) => [t.id, t]));
  const year = Number(addDays(now, 0).slice(0, 4));
  await db.transaction(async (tx) => {
    for (const h of data.households) {
      if (!known.has(h.tenant)) continue;
      await tx.query(`INSERT INTO padron_households (tenant_id, id, address) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [h.tenant, h.id, h.address]);
    }
    for (const c of data.citizens) {
      const tenant = known.get(c.tenant);
      if (!tenant) continue;
      const ins = await tx.query(
        `INSERT INTO padron_inhabitants (tenant_id, dni, given_name, surname, birth_date, household_id, registered_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [c.tenant, c.dni, c.givenName, c.surname, isoDate(c.birthDate), c.household, isoDate(c.registeredSince)],
      );
      out.inhabitants += ins.rowCount;
      await tx.query(
        `INSERT INTO citizen_contacts (tenant_id, dni, email, phone, language, is_payment_reminders_email)
         VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT DO NOTHING`,
        [c.tenant, c.dni, c.email ?? null, c.phone ?? null, c.language],
      );
      out.debts += await seedDebts(tx, tenant, c.dni, year, now);
      out.filings += await seedFiling(tx, tenant, c.dni, year);
    }
  });
  return out;
}

async function seedDebts(tx: Queryable, tenant: TenantProfile, dni: string, year: number, now: Date): Promise<number> {
  let n = 0;
  for (const tax of tenant.taxes) {
    const amount = DEMO_AMOUNTS[tax.code] ?? 5_000;
    const isFine = tax.kind === 'fine';
    const [start, end] = isFine ? [addDays(now, -5), addDays(now, 15)] : [addDays(now, -20), addDays(now, 40)];
    const concept = isFine ? `${tax.code} ${year} — demo` : `${tax.code} ${year}`;
    const res = await tx.query(
      `INSERT INTO tax_debts (id, tenant_id, dni, kind, tax_code, reference, concept, fiscal_year, amount_cents, reduction_percent, voluntary_start, voluntary_end)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
      [`demo-${tenant.id}-${dni}-${tax.code}-${year}`, tenant.id, dni, tax.kind, tax.code, `${tax.code}-${year}-${dni}`, concept, year, amount, isFine ? 50 : 0, start, end],
    );
    n += res.rowCount;
  }
  return n;
}

/** The namespace of the demo seed's name-based UUIDs (a fixed random UUID; changing it would re-key every demo row). */
const DEMO_NAMESPACE = '3f1c6f0e-8b7a-4c1d-9e52-6a0d2f4b7c18';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace + name): the same name gives the same id at every
 * start, so the seed stays idempotent, and the id is a real UUID that the routes' strict schemas accept.
 */
export function demoUuid(name: string): string {
  const hash = createHash('sha1').update(Buffer.from(DEMO_NAMESPACE.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The demo filing of a citizen; older seeds used `demo-filing-<tenant>-<dni>`, which no filing route accepts. */
export const demoFilingId = (tenantId: string, dni: string): string => demoUuid(`filing:${tenantId}:${dni}`);

async function seedFiling(tx: Queryable, tenant: TenantProfile, dni: string, year: number): Promise<number> {
  const dept = tenant.departments[0];
  if (!dept) return 0;
  const id = demoFilingId(tenant.id, dni);
  const seen = await tx.query(`SELECT 1 FROM filings WHERE id = $1`, [id]);
  if (seen.rows.length > 0) return 0;
  const legacy = `demo-filing-${tenant.id}-${dni}`;
  if ((await tx.query(`SELECT 1 FROM filings WHERE id = $1`, [legacy])).rows.length > 0) {
    await rekeyFiling(tx, legacy, id);
    return 0;
  }
  // The same counter a real filing uses, so demo numbers never leave a gap.
  const counter = await tx.query<{ last_number: number }>(
    `INSERT INTO filing_counters (tenant_id, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = filing_counters.last_number + 1 RETURNING last_number`,
    [tenant.id, year],
  );
  const seq = counter.rows[0]?.last_number ?? 1;
  const number = `REG-${year}-${String(seq).padStart(6, '0')}`;
  await tx.query(
    `INSERT INTO filings (id, tenant_id, registry_number, year, sequence, dni, subject, body, department_id, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'in_review')`,
    [id, tenant.id, number, year, seq, dni, 'Solicitud de ejemplo (demo)', 'Texto de una solicitud de ejemplo para la demostración.', dept.id],
  );
  await tx.query(
    `INSERT INTO filing_status_history (tenant_id, filing_id, status, actor_type) VALUES ($1, $2, 'registered', 'system'), ($1, $2, 'in_review', 'system')`,
    [tenant.id, id],
  );
  return 1;
}

/**
 * Gives a filing seeded by an older version its UUID, keeping its number, history and anything else that refers to
 * it. The references have no ON UPDATE CASCADE, so they are taken out, the filing re-keyed, and put back.
 */
async function rekeyFiling(tx: Queryable, from: string, to: string): Promise<void> {
  const children = ['filing_status_history', 'filing_attachments', 'filing_exports'] as const;
  const moved: [string, unknown[]][] = [];
  for (const table of children) {
    const res = await tx.query<{ rows: unknown[] }>(
      `WITH gone AS (DELETE FROM ${table} WHERE filing_id = $1 RETURNING *) SELECT coalesce(jsonb_agg(to_jsonb(gone)), '[]'::jsonb) AS rows FROM gone`,
      [from],
    );
    moved.push([table, res.rows[0]?.rows ?? []]);
  }
  await tx.query(`UPDATE filings SET id = $2 WHERE id = $1`, [from, to]);
  for (const [table, rows] of moved) {
    if (rows.length === 0) continue;
    const renamed = rows.map((r) => ({ ...(r as Record<string, unknown>), filing_id: to }));
    await tx.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [JSON.stringify(renamed)]);
  }
}
