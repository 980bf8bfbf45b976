/**
 * A council whose profile names Redsys (payments.gateway) pays through its own merchant, end to end over HTTP:
 * the payment start carries a form Redsys would accept, and the notification endpoint settles only what Redsys signed.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { ConnectorConfigError } from '../connectors/index.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../identity/index.ts';
import { ZTenantProfile, type LoadedTenant } from '../tenants/index.ts';
import { createConfiguredGateways, RedsysGateway, REDSYS_URLS, redsysSignature } from './gateway/index.ts';

/** Redsys's public test merchant key (the one its test environment documents). */
const TEST_KEY = 'sq7HjrUOBfKmC576ILgskD5srU870gJ7';
const REDSYS = { kind: 'redsys', url: REDSYS_URLS.test, merchantCode: '999008881', terminal: '1', secretEnv: 'CONNECTOR_ALACANT_REDSYS_KEY' } as const;

const withGateway = (lt: LoadedTenant, gateway: unknown): LoadedTenant => ({
  ...lt,
  profile: ZTenantProfile.parse({ ...(JSON.parse(JSON.stringify(lt.profile)) as Record<string, unknown>), payments: { gateway } }),
});

/** A notification as Redsys sends it: base64 JSON parameters, URL-safe signature under the per-order key. */
function redsysNotification(params: Record<string, string>, key = TEST_KEY): Record<string, string> {
  const merchantParameters = Buffer.from(JSON.stringify(params), 'utf8').toString('base64');
  const signature = redsysSignature(key, params.Ds_Order ?? '', merchantParameters).replace(/\+/g, '-').replace(/\//g, '_');
  return { Ds_SignatureVersion: 'HMAC_SHA256_V1', Ds_MerchantParameters: merchantParameters, Ds_Signature: signature };
}

describe('a council configured for Redsys', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let headers: Record<string, string>;

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoIdentities(t.db);
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile));
    const tenants = t.tenants.map((lt) => (lt.profile.id === 'alacant' ? withGateway(lt, REDSYS) : lt));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vt-redsys-'));
    const config = loadConfig({ CONNECTOR_ALACANT_REDSYS_KEY: TEST_KEY }, { DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000, PUBLIC_URL: 'https://sede.example.org' });
    app = await buildApp({ config, db: t.db, tenants, logger: false });
    await app.ready();
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': 'alacant' }, payload: { card: '4000000000000001', pin: '1234' } });
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    headers = { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await t.close().catch(() => undefined);
  });

  async function startPayment(taxCode: string) {
    const pending = (await app.inject({ url: '/api/v1/payments/pending', headers })).json<{ items: { id: string; taxCode: string; amountDueCents: number }[] }>();
    const debt = pending.items.find((i) => i.taxCode === taxCode);
    if (!debt) throw new Error(`no ${taxCode}`);
    const res = await app.inject({ method: 'POST', url: '/api/v1/payments', headers, payload: { debtId: debt.id } });
    expect(res.statusCode).toBe(201);
    return { debt, started: res.json<{ paymentId: string; orderId: string; amountCents: number; redirectForm: { url: string; method: string; fields: Record<string, string> } }>() };
  }

  const notify = (fields: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/t/alacant/api/v1/payments/notifications/redsys', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

  it("sends the browser to Redsys with the council's merchant and a signature made with its secret", async () => {
    const { debt, started } = await startPayment('IBI');
    const form = started.redirectForm;
    expect(form).toMatchObject({ url: REDSYS_URLS.test, method: 'POST' });
    const params = JSON.parse(Buffer.from(form.fields.Ds_MerchantParameters ?? '', 'base64').toString('utf8')) as Record<string, string>;
    expect(params).toMatchObject({
      DS_MERCHANT_MERCHANTCODE: '999008881',
      DS_MERCHANT_TERMINAL: '1',
      DS_MERCHANT_CURRENCY: '978',
      DS_MERCHANT_ORDER: started.orderId,
      DS_MERCHANT_AMOUNT: String(debt.amountDueCents),
      DS_MERCHANT_MERCHANTURL: 'https://sede.example.org/t/alacant/api/v1/payments/notifications/redsys',
    });
    expect(form.fields.Ds_Signature).toBe(redsysSignature(TEST_KEY, started.orderId, form.fields.Ds_MerchantParameters ?? ''));
    // An adapter built independently with the same merchant produces the same signed fields.
    const adapter = new RedsysGateway({ merchantKey: TEST_KEY, merchantCode: '999008881', terminal: '1', url: REDSYS_URLS.test });
    expect(adapter.merchantFields({ orderId: started.orderId, amountCents: started.amountCents, description: params.DS_MERCHANT_PRODUCTDESCRIPTION ?? '', urlOk: params.DS_MERCHANT_URLOK ?? '', urlKo: params.DS_MERCHANT_URLKO ?? '', notifyUrl: params.DS_MERCHANT_MERCHANTURL ?? '', language: 'es' })).toEqual(form.fields);
  });

  it('settles the receipt on a correctly signed notification and refuses a tampered one', async () => {
    const { debt, started } = await startPayment('VADO');
    const genuine = { Ds_Order: started.orderId, Ds_Amount: String(started.amountCents), Ds_Currency: '978', Ds_MerchantCode: '999008881', Ds_Terminal: '001', Ds_Response: '0000', Ds_AuthorisationCode: '218048' };
    // The amount lowered after signing: the signature no longer matches.
    const signed = redsysNotification(genuine);
    const forgedParams = Buffer.from(JSON.stringify({ ...genuine, Ds_Amount: '1' })).toString('base64');
    const tampered = await notify({ ...signed, Ds_MerchantParameters: forgedParams });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json()).toMatchObject({ error: { code: 'gateway.invalid_notification' } });
    // Signed with another merchant's key: refused too.
    const otherKey = await notify(redsysNotification(genuine, Buffer.alloc(24, 7).toString('base64')));
    expect(otherKey.statusCode).toBe(400);
    expect((await app.inject({ url: `/api/v1/payments/${started.paymentId}`, headers })).json()).toMatchObject({ status: 'created' });

    const ok = await notify(signed);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ outcome: 'paid' });
    expect((await notify(signed)).json()).toEqual({ outcome: 'duplicate' });
    expect((await app.inject({ url: `/api/v1/payments/${started.paymentId}`, headers })).json()).toMatchObject({ status: 'paid', gateway: 'redsys' });
    expect((await app.inject({ url: `/api/v1/payments/debts/${debt.id}`, headers })).json()).toMatchObject({ status: 'paid' });
  });

  it('HIGH-1: a Redsys council keeps refund cases for staff (refunds manual by default), and a second start reuses the open order', async () => {
    const { debt, started } = await startPayment('BASURA');
    const again = await app.inject({ method: 'POST', url: '/api/v1/payments', headers, payload: { debtId: debt.id } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(started);
    const charged = { Ds_Order: started.orderId, Ds_Amount: '1', Ds_Currency: '978', Ds_MerchantCode: '999008881', Ds_Terminal: '001', Ds_Response: '0000', Ds_AuthorisationCode: '218049' };
    expect((await notify(redsysNotification(charged))).json()).toEqual({ outcome: 'amount_mismatch' });
    const cases = await t.db.query<{ status: string; refund_mode: string; amount_cents: number; attempts: number }>(`SELECT status, refund_mode, amount_cents, attempts FROM payment_refunds WHERE order_id = $1`, [started.orderId]);
    expect(cases.rows).toEqual([{ status: 'pending', refund_mode: 'manual', amount_cents: 1, attempts: 0 }]);
  });

  it('offers this council no sandbox, so nobody can mark a receipt paid without paying', async () => {
    const pending = (await app.inject({ url: '/api/v1/payments/pending', headers })).json<{ items: { id: string }[] }>();
    const res = await app.inject({ method: 'POST', url: '/api/v1/payments', headers, payload: { debtId: pending.items[0]?.id ?? '', gateway: 'sandbox' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'payments.gateway_not_found' } });
    const sandboxNotice = await app.inject({ method: 'POST', url: '/t/alacant/api/v1/payments/notifications/sandbox', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'Ds_SignatureVersion=x' });
    expect(sandboxNotice.statusCode).toBe(404);
  });

  it('refuses to start when the named secret is missing or is not a Redsys key, naming the variable and never the value', () => {
    const profiles = t.tenants.map((lt) => (lt.profile.id === 'alacant' ? withGateway(lt, REDSYS).profile : lt.profile));
    expect(() => createConfiguredGateways(profiles, {})).toThrow(ConnectorConfigError);
    expect(() => createConfiguredGateways(profiles, {})).toThrow('alacant: payments.gateway.secretEnv names CONNECTOR_ALACANT_REDSYS_KEY, which is not set');
    let message = '';
    try {
      createConfiguredGateways(profiles, { CONNECTOR_ALACANT_REDSYS_KEY: 'c2hvcnQ=' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('CONNECTOR_ALACANT_REDSYS_KEY must hold the Redsys merchant key');
    expect(message).not.toContain('c2hvcnQ=');
    // Sandbox councils get no gateway of their own; the profile never holds the secret itself.
    expect(createConfiguredGateways(profiles, { CONNECTOR_ALACANT_REDSYS_KEY: TEST_KEY })('medina-rioseco')).toBeUndefined();
    const medina = t.tenants.find((lt) => lt.profile.id === 'medina-rioseco');
    if (!medina) throw new Error('no medina');
    expect(medina.profile.payments.gateway).toEqual({ kind: 'sandbox' });
    expect(() => withGateway(medina, { ...REDSYS, secretEnv: TEST_KEY })).toThrow(/must name an environment variable starting with CONNECTOR_/);
  });

  it('refuses, in production, a council that offers payments on the sandbox (receipts sealed as paid with no money taken)', () => {
    const profiles = t.tenants.map((lt) => (lt.profile.id === 'alacant' ? withGateway(lt, REDSYS).profile : lt.profile));
    const env = { CONNECTOR_ALACANT_REDSYS_KEY: TEST_KEY };
    expect(() => createConfiguredGateways(profiles, env, { isSandboxAllowed: false })).toThrow(/medina-rioseco: offers payments on the sandbox gateway.*ALLOW_SANDBOX_PAYMENTS/);
    expect(() => createConfiguredGateways(profiles, env, { isSandboxAllowed: true })).not.toThrow();
    // A council that takes no payments may keep the default sandbox entry.
    const noPayments = profiles.map((p) => (p.id === 'medina-rioseco' ? { ...p, procedures: p.procedures.filter((id) => id !== 'tax.pay' && id !== 'fine.pay') } : p));
    expect(() => createConfiguredGateways(noPayments, env, { isSandboxAllowed: false })).not.toThrow();
  });
});
