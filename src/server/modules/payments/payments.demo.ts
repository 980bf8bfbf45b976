import type { Queryable } from '../../db/db.ts';
import type { TenantProfile } from '../tenants/index.ts';
import { insertDemoContactIfAbsent, insertDemoDebtIfAbsent } from './payments.demo.repository.ts';

/** Illustrative amounts per tax code, in cents. */
const DEMO_AMOUNTS: Record<string, number> = { IBI: 38_452, IVTM: 7_820, BASURA: 9_615, VADO: 4_210, AGUA: 3_150, PLUSVALIA: 124_000, ICIO: 56_000, MULTA: 20_000 };

const addDays = (d: Date, days: number): string => new Date(d.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A demo citizen's contact (e-mail reminders on) and one receipt or fine per tax of the council's profile, in the
 * voluntary period around `now`; fixed ids, so running it again adds nothing. Returns how many debts were new.
 */
export async function seedDemoPayments(
  q: Queryable,
  tenant: TenantProfile,
  citizen: { dni: string; email: string | null; phone: string | null; language: string },
  year: number,
  now: Date,
): Promise<number> {
  await insertDemoContactIfAbsent(q, { tenantId: tenant.id, ...citizen });
  let n = 0;
  for (const tax of tenant.taxes) {
    const isFine = tax.kind === 'fine';
    const [start, end] = isFine ? [addDays(now, -5), addDays(now, 15)] : [addDays(now, -20), addDays(now, 40)];
    n += await insertDemoDebtIfAbsent(q, {
      id: `demo-${tenant.id}-${citizen.dni}-${tax.code}-${year}`,
      tenantId: tenant.id,
      dni: citizen.dni,
      kind: tax.kind,
      taxCode: tax.code,
      reference: `${tax.code}-${year}-${citizen.dni}`,
      concept: isFine ? `${tax.code} ${year} — demo` : `${tax.code} ${year}`,
      fiscalYear: year,
      amountCents: DEMO_AMOUNTS[tax.code] ?? 5_000,
      reductionPercent: isFine ? 50 : 0,
      voluntaryStart: start,
      voluntaryEnd: end,
    });
  }
  return n;
}
