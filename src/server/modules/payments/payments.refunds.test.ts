/**
 * HIGH-1 of the security review: one receipt was charged many times. Ten starts opened ten orders, the gateway took
 * all ten, one was applied and nine were "rejected" with nothing refunded. These tests run the payments service on a
 * real database (PGlite, or PostgreSQL with DATABASE_URL) with the sandbox gateway and a clock the test moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t as translate } from '../../i18n.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { RefundRefusedError } from './gateway/payment-gateway.ts';
import { SandboxGateway } from './gateway/sandbox.gateway.ts';
import { createPaymentsService, OPEN_ORDER_TTL_MS, type PaymentsService } from './payments.service.ts';

const START = new Date('2026-11-25T09:00:00Z');
const ctx = { channel: 'web' as const, lang: 'es' as const };
const euros = (cents: number, locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(cents / 100);

describe('HIGH-1: one open order per debt, and a refund case for every charge no receipt keeps', () => {
  let t: TestDb;
  let svc: PaymentsService;
  let sandbox: SandboxGateway;
  const clock = { now: START.getTime() };
  const delivered: Record<string, string>[] = [];
  // The sandbox's refund service: down (an outage, retried) or refusing (an error code, for a person).
  const sw: { refunds: 'up' | 'down' | 'refusing' } = { refunds: 'up' };

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile), undefined, START);
    sandbox = new SandboxGateway({
      secret: 'r'.repeat(40),
      publicUrl: 'http://127.0.0.1:3000',
      deliver: async (_url, fields) => void delivered.push(fields),
      now: () => clock.now,
      onRefund: () => {
        if (sw.refunds === 'down') throw new Error('sandbox refunds: connection refused');
        if (sw.refunds === 'refusing') throw new RefundRefusedError('SIS0057');
      },
    });
    svc = createPaymentsService({ db: t.db, tenants: new TenantRegistry(t.tenants), gateways: { sandbox }, defaultGateway: 'sandbox', publicUrl: 'http://127.0.0.1:3000', now: () => new Date(clock.now) });
  }, 60_000);
  afterAll(async () => t.close());

  const debtOf = async (dni: string, taxCode: string) => {
    const d = (await svc.listPending('alacant', dni, 'es')).find((p) => p.taxCode === taxCode);
    if (!d) throw new Error(`no ${taxCode} for ${dni}`);
    return d;
  };
  /** Presses Pay (or Cancel) on the sandbox page of a started payment and returns the signed notification. */
  const press = async (started: { orderId: string; redirectForm: { fields: Record<string, string> } }, isPaid = true) => {
    await sandbox.decide(started.redirectForm.fields.p ?? '', started.orderId, isPaid);
    const fields = delivered.at(-1);
    if (!fields) throw new Error('no notification');
    return fields;
  };
  const casesOf = async (orderId: string) =>
    (
      await t.db.query<{ id: string; reason: string; status: string; refund_mode: string; amount_cents: number; payment_id: string | null; gateway_response: string | null; attempts: number; last_error: string | null }>(
        `SELECT id, reason, status, refund_mode, amount_cents, payment_id, gateway_response, attempts, last_error FROM payment_refunds WHERE order_id = $1`,
        [orderId],
      )
    ).rows;
  const until = async (check: () => Promise<boolean> | boolean) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('HIGH-1: ten parallel starts for one debt get exactly one order and one created row; paying it opens no refund case', async () => {
    const ibi = await debtOf('12345678Z', 'IBI');
    const starts = await Promise.all(Array.from({ length: 10 }, () => svc.startPayment('alacant', '12345678Z', { debtId: ibi.id }, ctx)));
    expect(new Set(starts.map((s) => s.orderId)).size).toBe(1);
    expect(new Set(starts.map((s) => JSON.stringify(s.redirectForm))).size).toBe(1);
    expect(starts.filter((s) => !s.isReused)).toHaveLength(1);
    const rows = await t.db.query<{ status: string; order_id: string }>(`SELECT status, order_id FROM payments WHERE debt_id = $1`, [ibi.id]);
    expect(rows.rows).toEqual([{ status: 'created', order_id: starts[0]?.orderId }]);
    const first = starts[0];
    if (!first) throw new Error('no start');
    expect((await svc.handleNotification('alacant', 'sandbox', await press(first))).outcome).toBe('paid');
    expect(await casesOf(first.orderId)).toEqual([]);
    const after = await t.db.query<{ status: string }>(`SELECT status FROM payments WHERE debt_id = $1`, [ibi.id]);
    expect(after.rows).toEqual([{ status: 'paid' }]);
    // The reuse is audited (who came back to the same order), the start once.
    const audit = await t.db.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM audit_log WHERE action IN ('payment.started', 'payment.resumed') AND details->>'debtId' = $1 GROUP BY action ORDER BY action`,
      [ibi.id],
    );
    expect(audit.rows).toEqual([
      { action: 'payment.resumed', n: 9 },
      { action: 'payment.started', n: 1 },
    ]);
  }, 60_000);

  it('HIGH-1: the database itself refuses a second open order for a debt (partial unique index)', async () => {
    const basura = await debtOf('12345678Z', 'BASURA');
    const started = await svc.startPayment('alacant', '12345678Z', { debtId: basura.id }, ctx);
    const insert = t.db.query(
      `INSERT INTO payments (id, tenant_id, debt_id, dni, order_id, gateway, amount_cents, status, expires_at) VALUES ('dup-open', 'alacant', $1, '12345678Z', '9999DUPOPEN', 'sandbox', 100, 'created', now())`,
      [basura.id],
    );
    await expect(insert).rejects.toMatchObject({ code: '23505' });
    expect((await svc.startPayment('alacant', '12345678Z', { debtId: basura.id }, ctx)).orderId).toBe(started.orderId);
  });

  it('HIGH-1: two tabs, the first order expired and superseded, both authorised: one paid, one refund case the sandbox refunds for that order and amount', async () => {
    const vado = await debtOf('23456789D', 'VADO');
    const tab1 = await svc.startPayment('alacant', '23456789D', { debtId: vado.id }, ctx);
    // Tab 1 reached the gateway's page before its order expired.
    const page1 = sandbox.openPayment(tab1.redirectForm.fields.p ?? '', tab1.orderId);
    clock.now += OPEN_ORDER_TTL_MS + 60_000;
    const tab2 = await svc.startPayment('alacant', '23456789D', { debtId: vado.id }, ctx);
    expect(tab2.isReused).toBe(false);
    expect(tab2.orderId).not.toBe(tab1.orderId);
    const statuses = await t.db.query<{ order_id: string; status: string; status_reason: string | null }>(`SELECT order_id, status, status_reason FROM payments WHERE debt_id = $1 ORDER BY created_at`, [vado.id]);
    expect(statuses.rows).toEqual([
      { order_id: tab1.orderId, status: 'expired', status_reason: 'superseded' },
      { order_id: tab2.orderId, status: 'created', status_reason: null },
    ]);
    expect((await svc.handleNotification('alacant', 'sandbox', await press(tab2))).outcome).toBe('paid');
    // The gateway still took tab 1's money: it goes back, automatically, for that order and amount.
    const late = sandbox.notificationFor(page1, true);
    const outcome = await svc.handleNotification('alacant', 'sandbox', late);
    expect(outcome).toMatchObject({ outcome: 'late', paymentId: tab1.paymentId });
    await until(() => sandbox.refundsTaken.some((r) => r.orderId === tab1.orderId));
    expect(sandbox.refundsTaken.filter((r) => r.orderId === tab1.orderId)).toEqual([{ orderId: tab1.orderId, amountCents: tab1.amountCents, at: clock.now }]);
    await until(async () => (await casesOf(tab1.orderId))[0]?.status === 'refunded');
    expect(await casesOf(tab1.orderId)).toEqual([
      expect.objectContaining({ reason: 'late', status: 'refunded', refund_mode: 'auto', amount_cents: tab1.amountCents, payment_id: tab1.paymentId, gateway_response: '0900' }),
    ]);
    const paid = await t.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM payments WHERE debt_id = $1 GROUP BY status ORDER BY status`, [vado.id]);
    expect(paid.rows).toEqual([
      { status: 'paid', n: 1 },
      { status: 'rejected', n: 1 },
    ]);
    // The gateway repeats its notification: no second case, no second refund.
    expect((await svc.handleNotification('alacant', 'sandbox', late)).outcome).toBe('duplicate');
    await svc.deliverRefunds();
    expect(await casesOf(tab1.orderId)).toHaveLength(1);
    expect(sandbox.refundsTaken.filter((r) => r.orderId === tab1.orderId)).toHaveLength(1);
    // The citizen's history says it was refunded, in their language, with the amount in their locale.
    const history = await svc.listPayments('alacant', '23456789D', 'ca');
    expect(history.find((p) => p.id === tab1.paymentId)).toMatchObject({
      status: 'rejected',
      refund: { status: 'refunded', reason: 'late', amountCents: tab1.amountCents, message: translate('ca', 'payments:refund.refunded', { amount: euros(tab1.amountCents, 'ca-ES') }) },
    });
    expect(history.find((p) => p.id === tab2.paymentId)?.refund).toBeNull();
    const exported = await t.db.query(`SELECT 1 FROM audit_log WHERE action = 'payment.refund.exported' AND details->>'orderId' = $1`, [tab1.orderId]);
    expect(exported.rows).toHaveLength(1);
  }, 60_000);

  it('HIGH-1: the old tab pays after a newer order replaced it, the receipt still pending: the money pays the receipt, and paying the newer order too is refunded', async () => {
    const plusvalia = await debtOf('23456789D', 'PLUSVALIA');
    const tab1 = await svc.startPayment('alacant', '23456789D', { debtId: plusvalia.id }, ctx);
    const page1 = sandbox.openPayment(tab1.redirectForm.fields.p ?? '', tab1.orderId);
    clock.now += OPEN_ORDER_TTL_MS + 60_000;
    const tab2 = await svc.startPayment('alacant', '23456789D', { debtId: plusvalia.id }, ctx);
    expect(tab2.orderId).not.toBe(tab1.orderId);
    // Only the old tab is paid: refunding it would leave the citizen charged nothing but owing the receipt.
    expect(await svc.handleNotification('alacant', 'sandbox', sandbox.notificationFor(page1, true))).toMatchObject({ outcome: 'paid', paymentId: tab1.paymentId });
    expect(await casesOf(tab1.orderId)).toEqual([]);
    const rows = await t.db.query<{ order_id: string; status: string }>(`SELECT order_id, status FROM payments WHERE debt_id = $1 ORDER BY created_at`, [plusvalia.id]);
    expect(rows.rows).toEqual([
      { order_id: tab1.orderId, status: 'paid' },
      { order_id: tab2.orderId, status: 'expired' },
    ]);
    const debt = await t.db.query<{ status: string; payment_id: string }>(`SELECT status, payment_id FROM tax_debts WHERE id = $1`, [plusvalia.id]);
    expect(debt.rows[0]).toEqual({ status: 'paid', payment_id: tab1.paymentId });
    // The newer tab is paid as well: that charge is late, and goes back.
    expect((await svc.handleNotification('alacant', 'sandbox', await press(tab2))).outcome).toBe('late');
    await until(async () => (await casesOf(tab2.orderId))[0]?.status === 'refunded');
    expect(await casesOf(tab2.orderId)).toEqual([expect.objectContaining({ reason: 'late', status: 'refunded', amount_cents: tab2.amountCents })]);
  });

  it('HIGH-1: a receipt paid elsewhere while its order was open: the authorisation becomes an already_paid case, told to the citizen in es, ca and en', async () => {
    sw.refunds = 'down';
    try {
      const multa = await debtOf('X1234567L', 'MULTA');
      const started = await svc.startPayment('alacant', 'X1234567L', { debtId: multa.id }, ctx);
      // Settled at the bank meanwhile (what a tax system's sync reports).
      await t.db.query(`UPDATE tax_debts SET status = 'paid', is_paid_elsewhere = true WHERE id = $1`, [multa.id]);
      const fields = await press(started);
      const results = await Promise.all(Array.from({ length: 5 }, () => svc.handleNotification('alacant', 'sandbox', fields)));
      expect(results.map((r) => r.outcome).sort()).toEqual(['already_paid', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      // The gateway is down: the case is kept, pending, with the error, and due again later.
      await until(async () => (await casesOf(started.orderId))[0]?.attempts === 1 && (await casesOf(started.orderId))[0]?.last_error !== null);
      expect(await casesOf(started.orderId)).toEqual([expect.objectContaining({ reason: 'already_paid', status: 'pending', refund_mode: 'auto', attempts: 1, last_error: 'sandbox refunds: connection refused' })]);
      for (const [lang, locale, words] of [
        ['es', 'es-ES', 'se le ha cobrado dos veces'],
        ['ca', 'ca-ES', 'se li ha cobrat dues vegades'],
        ['en', 'en-GB', 'you were charged twice'],
      ] as const) {
        const mine = (await svc.listPayments('alacant', 'X1234567L', lang)).find((p) => p.id === started.paymentId);
        expect(mine?.status).toBe('rejected');
        expect(mine?.refund?.message).toContain(words);
        expect(mine?.refund?.message).toContain(euros(started.amountCents, locale));
      }
      // Back up: the sender (the job, or the next notification) refunds it once it is due.
      sw.refunds = 'up';
      expect(await svc.deliverRefunds()).toBe(0);
      await t.db.query(`UPDATE payment_refunds SET next_attempt_at = $2 WHERE order_id = $1`, [started.orderId, new Date(clock.now)]);
      expect(await svc.deliverRefunds()).toBe(1);
      expect(await casesOf(started.orderId)).toEqual([expect.objectContaining({ status: 'refunded', attempts: 2 })]);
      expect(sandbox.refundsTaken.filter((r) => r.orderId === started.orderId)).toHaveLength(1);
    } finally {
      sw.refunds = 'up';
    }
  }, 60_000);

  it('HIGH-1: an amount_mismatch notification becomes a refund case of the amount the gateway charged; a refusal leaves it failed for staff', async () => {
    sw.refunds = 'refusing';
    try {
      const ivtm = await debtOf('X1234567L', 'IVTM');
      const started = await svc.startPayment('alacant', 'X1234567L', { debtId: ivtm.id }, ctx);
      const page = sandbox.openPayment(started.redirectForm.fields.p ?? '', started.orderId);
      const wrong = sandbox.notificationFor({ ...page, amountCents: 100 }, true);
      expect((await svc.handleNotification('alacant', 'sandbox', wrong)).outcome).toBe('amount_mismatch');
      expect((await svc.handleNotification('alacant', 'sandbox', wrong)).outcome).toBe('duplicate');
      await until(async () => (await casesOf(started.orderId))[0]?.status === 'failed');
      const [c] = await casesOf(started.orderId);
      expect(c).toMatchObject({ reason: 'amount_mismatch', status: 'failed', amount_cents: 100, gateway_response: 'refund refused by the gateway: SIS0057' });
      expect((await svc.getDebt('alacant', 'X1234567L', ivtm.id, 'es')).status).toBe('pending');
      // Staff settle it by hand, audited; a second settlement is refused.
      const staff = { actor: { type: 'staff' as const, id: 'staff-1' }, ctx };
      const resolved = await svc.resolveRefundCase('alacant', c?.id ?? '', 'refund_by_hand', staff);
      expect(resolved).toMatchObject({ status: 'refund_by_hand', resolvedBy: 'staff:staff-1', amountCents: 100 });
      await expect(svc.resolveRefundCase('alacant', c?.id ?? '', 'refunded', staff)).rejects.toMatchObject({ code: 'payments.refund_closed', status: 409 });
      await expect(svc.resolveRefundCase('medina-rioseco', c?.id ?? '', 'refunded', staff)).rejects.toMatchObject({ code: 'payments.refund_not_found', status: 404 });
      const audit = await t.db.query(`SELECT actor_type, actor_id FROM audit_log WHERE action = 'payment.refund_refund_by_hand' AND subject_id = $1`, [c?.id]);
      expect(audit.rows).toEqual([{ actor_type: 'staff', actor_id: 'staff-1' }]);
      expect((await svc.listPayments('alacant', 'X1234567L', 'en')).find((p) => p.id === started.paymentId)?.refund?.message).toBe(translate('en', 'payments:refund.refund_by_hand', { amount: euros(100, 'en-GB') }));
    } finally {
      sw.refunds = 'up';
    }
  }, 60_000);

  it('HIGH-1: a signed notification for an order never opened becomes one manual refund case, however often it repeats', async () => {
    const stranger = { orderId: '4321NOTOURS', amountCents: 1234, description: 'x', urlOk: 'a', urlKo: 'b', notifyUrl: 'c', expiresAt: clock.now + 60_000 };
    const fields = sandbox.notificationFor(stranger, true);
    const results = await Promise.all(Array.from({ length: 4 }, () => svc.handleNotification('alacant', 'sandbox', fields)));
    expect(results.map((r) => r.outcome)).toEqual(['unknown_order', 'unknown_order', 'unknown_order', 'unknown_order']);
    expect(await casesOf('4321NOTOURS')).toEqual([expect.objectContaining({ reason: 'unknown_order', status: 'pending', refund_mode: 'manual', amount_cents: 1234, payment_id: null })]);
    // Nobody can tell whose money it is: nothing is sent back without a person.
    expect(await svc.deliverRefunds()).toBe(0);
    expect(sandbox.refundsTaken.some((r) => r.orderId === '4321NOTOURS')).toBe(false);
    // A refused (not authorised) notification for an unknown order took no money: no case.
    await svc.handleNotification('alacant', 'sandbox', sandbox.notificationFor({ ...stranger, orderId: '4321NOTPAID' }, false));
    expect(await casesOf('4321NOTPAID')).toEqual([]);
    const listed = await svc.listRefundCases('alacant');
    expect(listed.find((c) => c.orderId === '4321NOTOURS')).toMatchObject({ status: 'pending', mode: 'manual', dni: null, reference: null });
    expect(await svc.listRefundCases('medina-rioseco')).toEqual([]);
  });

  it('HIGH-1: counts refund cases per council, status and reason for /metrics', async () => {
    const counts = await svc.refundCounts();
    const of = (status: string, reason: string) => counts.find((c) => c.tenant_id === 'alacant' && c.status === status && c.reason === reason)?.cases;
    expect(of('refunded', 'late')).toBe(2); // the two-tabs cases: the late tab of each
    expect(of('refunded', 'already_paid')).toBe(1);
    expect(of('refund_by_hand', 'amount_mismatch')).toBe(1);
    expect(of('pending', 'unknown_order')).toBe(1);
  });
});
