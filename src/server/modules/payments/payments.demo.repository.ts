/** The payments module's demo rows (DEMO_DATA only): SQL kept apart from payments.repository.ts, which real traffic uses. */
import type { Queryable } from '../../db/db.ts';

/** A citizen's contact with e-mail reminders on, unless the citizen has one already; returns how many rows were new. */
export async function insertDemoContactIfAbsent(q: Queryable, c: { tenantId: string; dni: string; email: string | null; phone: string | null; language: string }): Promise<number> {
  const res = await q.query(
    `INSERT INTO citizen_contacts (tenant_id, dni, email, phone, language, is_payment_reminders_email)
     VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT DO NOTHING`,
    [c.tenantId, c.dni, c.email, c.phone, c.language],
  );
  return res.rowCount;
}

/** A receipt or fine with a fixed id, unless it is there already; returns how many rows were new. */
export async function insertDemoDebtIfAbsent(
  q: Queryable,
  d: { id: string; tenantId: string; dni: string; kind: string; taxCode: string; reference: string; concept: string; fiscalYear: number; amountCents: number; reductionPercent: number; voluntaryStart: string; voluntaryEnd: string },
): Promise<number> {
  const res = await q.query(
    `INSERT INTO tax_debts (id, tenant_id, dni, kind, tax_code, reference, concept, fiscal_year, amount_cents, reduction_percent, voluntary_start, voluntary_end)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
    [d.id, d.tenantId, d.dni, d.kind, d.taxCode, d.reference, d.concept, d.fiscalYear, d.amountCents, d.reductionPercent, d.voluntaryStart, d.voluntaryEnd],
  );
  return res.rowCount;
}
