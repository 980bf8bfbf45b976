import type { Queryable } from '../db/db.ts';

/**
 * What the payments sender leaves when a council's tax system refuses a payment for good: a paid payment of the
 * first pending demo receipt of Alacant, and its export failed after one attempt with `lastError`. For the tests of
 * the operators' tools (the Refused deliveries routes, `ventanilla exports`) without a tax system to refuse it.
 */
export async function refusedPayment(q: Queryable, lastError: string): Promise<{ id: string; reference: string; orderId: string; amountCents: number }> {
  const debt = (
    await q.query<{ id: string; dni: string; reference: string; amount_cents: number }>(
      `SELECT id, dni, reference, amount_cents FROM tax_debts WHERE tenant_id = 'alacant' AND status = 'pending' ORDER BY reference LIMIT 1`,
    )
  ).rows[0];
  if (!debt) throw new Error('no pending demo receipt in alacant');
  const payment = { id: `refused-${debt.id}`, reference: debt.reference, orderId: '0001REFUSED1', amountCents: Number(debt.amount_cents) };
  await q.query(
    `INSERT INTO payments (id, tenant_id, debt_id, dni, order_id, gateway, amount_cents, status, settled_at, expires_at)
     VALUES ($1, 'alacant', $2, $3, $4, 'sandbox', $5, 'paid', now(), now())`,
    [payment.id, debt.id, debt.dni, payment.orderId, payment.amountCents],
  );
  await q.query(`INSERT INTO payment_exports (payment_id, tenant_id, status, attempts, last_error) VALUES ($1, 'alacant', 'failed', 1, $2)`, [payment.id, lastError]);
  return payment;
}
