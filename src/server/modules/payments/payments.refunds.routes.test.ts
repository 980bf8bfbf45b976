/**
 * HIGH-1 over HTTP, on the real app (PGlite, or PostgreSQL with DATABASE_URL) with demo sign-ins and the embedded
 * sandbox gateway: parallel starts share one order, a late second charge is refunded, staff (admins only) see and
 * settle refund cases, the citizen reads them in their language, and /metrics counts them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t as translate } from '../../i18n.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../identity/index.ts';
import { SandboxGateway } from './gateway/sandbox.gateway.ts';

const SECRET = 's'.repeat(48);

interface Started {
  paymentId: string;
  orderId: string;
  amountCents: number;
  redirectForm: { url: string; method: string; fields: Record<string, string> };
}
interface Payment {
  id: string;
  status: string;
  refund: { status: string; reason: string; amountCents: number; message: string } | null;
}
interface RefundCase {
  id: string;
  orderId: string;
  status: string;
  reason: string;
  amountCents: number;
  mode: string;
  paymentId: string | null;
  dni: string | null;
  reference: string | null;
}

describe('HIGH-1 over HTTP', () => {
  let ta: TestApp;
  let josep: Record<string, string>; // 23456789D
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  // A twin of the app's sandbox (same secret, same public URL): it signs notifications the app accepts as genuine.
  let twin: SandboxGateway;

  async function signIn(url: string, payload: Record<string, string>): Promise<Record<string, string>> {
    const res = await ta.app.inject({ method: 'POST', url, headers: { 'x-tenant': 'alacant' }, payload });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    return { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
  }

  beforeAll(async () => {
    ta = await createTestApp({ env: { SESSION_SECRET: SECRET, PUBLIC_URL: 'http://127.0.0.1:3000' } });
    await seedDemoIdentities(ta.t.db);
    await seedDemoRegisters(ta.t.db, ta.t.tenants.map((x) => x.profile));
    twin = new SandboxGateway({ secret: SECRET, publicUrl: 'http://127.0.0.1:3000' });
    josep = await signIn('/api/v1/auth/card', { card: '4000000000000002', pin: '2345' });
    admin = await signIn('/api/v1/auth/staff', { email: 'admin@alacant.example.org', password: 'demo-admin-alacant' });
    agent = await signIn('/api/v1/auth/staff', { email: 'agent@alacant.example.org', password: 'demo-agent-alacant' });
  }, 120_000);
  afterAll(async () => ta.close());

  const debt = async (taxCode: string) => {
    const items = (await ta.app.inject({ url: '/api/v1/payments/pending', headers: josep })).json<{ items: { id: string; taxCode: string }[] }>().items;
    const d = items.find((i) => i.taxCode === taxCode);
    if (!d) throw new Error(`no ${taxCode}`);
    return d;
  };
  const start = (debtId: string) => ta.app.inject({ method: 'POST', url: '/api/v1/payments', headers: josep, payload: { debtId } });
  /** Presses Pay on the sandbox page the browser was sent to (the app notifies itself, as in a demo). */
  const pressPay = (s: Started) =>
    ta.app.inject({ method: 'POST', url: `${new URL(s.redirectForm.url).pathname}?p=${encodeURIComponent(s.redirectForm.fields.p ?? '')}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'decision=pay' });
  const notify = (fields: Record<string, string>) =>
    ta.app.inject({ method: 'POST', url: '/t/alacant/api/v1/payments/notifications/sandbox', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
  const refundCase = async (orderId: string) =>
    (await ta.t.db.query<{ id: string; status: string; reason: string; amount_cents: number }>(`SELECT id, status, reason, amount_cents FROM payment_refunds WHERE order_id = $1`, [orderId])).rows;
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
  };

  it('HIGH-1: ten parallel POST /api/v1/payments for one fine open one order: 201 once, 200 with the same body for the rest', async () => {
    const multa = await debt('MULTA');
    const answers = await Promise.all(Array.from({ length: 10 }, () => start(multa.id)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const rows = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE debt_id = $1 AND status = 'created'`, [multa.id]);
    expect(rows.rows[0]?.n).toBe(1);
    // Pressing Pay ten times on that one order charges it once.
    const s = answers[0]?.json<Started>();
    if (!s) throw new Error('no start');
    for (let i = 0; i < 3; i++) expect((await pressPay(s)).statusCode).toBe(303);
    const mine = (await ta.app.inject({ url: '/api/v1/payments', headers: josep })).json<{ payments: (Payment & { debtId: string })[] }>().payments.filter((p) => p.debtId === multa.id);
    expect(mine).toEqual([expect.objectContaining({ id: s.paymentId, status: 'paid', refund: null })]);
    expect(await refundCase(s.orderId)).toEqual([]);
  }, 60_000);

  it('HIGH-1: two tabs, the first order expired: both charged, one paid, the other refunded through the sandbox and shown to the citizen in es, ca and en', async () => {
    const vado = await debt('VADO');
    const tab1 = await start(vado.id);
    expect(tab1.statusCode).toBe(201);
    const s1 = tab1.json<Started>();
    // Tab 1's order has run out (as if half an hour went by): the next start supersedes it.
    await ta.t.db.query(`UPDATE payments SET expires_at = now() - interval '1 minute' WHERE id = $1`, [s1.paymentId]);
    const tab2 = await start(vado.id);
    expect(tab2.statusCode).toBe(201);
    const s2 = tab2.json<Started>();
    expect(s2.orderId).not.toBe(s1.orderId);
    expect((await pressPay(s2)).statusCode).toBe(303);
    // The citizen still pays in tab 1, whose gateway page was open: the gateway takes it.
    expect((await pressPay(s1)).statusCode).toBe(303);
    await until(async () => (await refundCase(s1.orderId))[0]?.status === 'refunded');
    expect(await refundCase(s1.orderId)).toEqual([expect.objectContaining({ status: 'refunded', reason: 'late', amount_cents: s1.amountCents })]);
    const asked = await ta.t.db.query<{ details: { orderId: string; amountCents: number; response: string } }>(`SELECT details FROM audit_log WHERE action = 'payment.refund.exported'`);
    expect(asked.rows.map((r) => r.details)).toContainEqual(expect.objectContaining({ orderId: s1.orderId, amountCents: s1.amountCents, response: '0900' }));
    for (const [lang, locale] of [
      ['es', 'es-ES'],
      ['ca', 'ca-ES'],
      ['en', 'en-GB'],
    ] as const) {
      const res = await ta.app.inject({ url: '/api/v1/payments', headers: { ...josep, 'accept-language': lang } });
      const p = res.json<{ payments: Payment[] }>().payments.find((x) => x.id === s1.paymentId);
      const amount = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(s1.amountCents / 100);
      expect(p).toEqual(expect.objectContaining({ status: 'rejected', refund: { status: 'refunded', reason: 'late', amountCents: s1.amountCents, message: translate(lang, 'payments:refund.refunded', { amount }) } }));
      const one = await ta.app.inject({ url: `/api/v1/payments/${s1.paymentId}`, headers: { ...josep, 'accept-language': lang } });
      expect(one.json<Payment>().refund?.message).toContain(amount);
    }
    const paid = await ta.t.db.query<{ status: string }>(`SELECT status FROM payments WHERE debt_id = $1 ORDER BY created_at`, [vado.id]);
    expect(paid.rows.map((r) => r.status)).toEqual(['rejected', 'paid']);
  }, 60_000);

  it('HIGH-1: admins list refund cases and settle them (audited); agents and citizens cannot', async () => {
    const url = '/api/v1/staff/refunds';
    // A genuine (signed) charge for an order this council never opened: a case only a person can settle.
    const fields = twin.notificationFor({ orderId: '5555UNKNOWN', amountCents: 4_321, description: 'x', urlOk: 'a', urlKo: 'b', notifyUrl: 'c', expiresAt: Date.now() + 60_000 }, true);
    for (let i = 0; i < 2; i++) expect((await notify(fields)).json()).toEqual({ outcome: 'unknown_order' });
    expect((await ta.app.inject({ url, headers: agent })).statusCode).toBe(403);
    expect((await ta.app.inject({ url, headers: josep })).statusCode).toBe(401);
    const listed = await ta.app.inject({ url, headers: admin });
    expect(listed.statusCode).toBe(200);
    const items = listed.json<{ items: RefundCase[] }>().items;
    const unknown = items.filter((c) => c.orderId === '5555UNKNOWN');
    expect(unknown).toEqual([expect.objectContaining({ status: 'pending', reason: 'unknown_order', mode: 'manual', amountCents: 4_321, paymentId: null, dni: null })]);
    // Open cases come first; the late one of the previous test is listed, settled.
    expect(items[0]?.status).toBe('pending');
    expect(items.some((c) => c.reason === 'late' && c.status === 'refunded' && c.dni === '23456789D' && c.reference !== null)).toBe(true);
    const id = unknown[0]?.id ?? '';
    const resolveUrl = `/api/v1/staff/refunds/${id}/resolve`;
    expect((await ta.app.inject({ method: 'POST', url: resolveUrl, headers: agent, payload: { action: 'refunded' } })).statusCode).toBe(403);
    expect((await ta.app.inject({ method: 'POST', url: resolveUrl, headers: admin, payload: { action: 'refund_all' } })).statusCode).toBe(400);
    const done = await ta.app.inject({ method: 'POST', url: resolveUrl, headers: admin, payload: { action: 'refund_by_hand' } });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id, status: 'refund_by_hand' });
    const again = await ta.app.inject({ method: 'POST', url: `${resolveUrl}?lang=ca`, headers: admin, payload: { action: 'refunded' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: { code: 'payments.refund_closed', message: translate('ca', 'payments:errors.refund_closed') } });
    const missing = await ta.app.inject({ method: 'POST', url: '/api/v1/staff/refunds/nope/resolve?lang=en', headers: admin, payload: { action: 'refunded' } });
    expect(missing.json()).toEqual({ error: { code: 'payments.refund_not_found', message: 'We could not find that refund.' } });
    const audit = await ta.t.db.query<{ actor_type: string; action: string }>(`SELECT actor_type, action FROM audit_log WHERE subject_id = $1 AND actor_type = 'staff'`, [id]);
    expect(audit.rows).toEqual([{ actor_type: 'staff', action: 'payment.refund_refund_by_hand' }]);
  }, 60_000);

  it('HIGH-1: /metrics counts refund cases per council, status and reason', async () => {
    const res = await ta.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('ventanilla_payment_refund_cases{tenant="alacant",status="refunded",reason="late"} 1');
    expect(res.body).toContain('ventanilla_payment_refund_cases{tenant="alacant",status="refund_by_hand",reason="unknown_order"} 1');
    expect(res.body).toContain('ventanilla_payment_refund_amount_euros{tenant="alacant",status="refund_by_hand",reason="unknown_order"} 43.21');
  });
});
