/**
 * The reminder opt-in over HTTP with real sign-ins (demo cards), on an app whose SMS provider (SMS_URL) is a real
 * HTTP server on 127.0.0.1: each citizen reads and changes only their own choice; a bad phone is a 400 with a code.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { t as translate } from '../../i18n.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../identity/index.ts';

describe('PUT /api/v1/payments/reminders', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let sms: Server;
  let maria: Record<string, string>; // 12345678Z
  let amina: Record<string, string>; // X1234567L

  async function signIn(card: string, pin: string): Promise<Record<string, string>> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': 'alacant' }, payload: { card, pin } });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode}`);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    return { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
  }

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoIdentities(t.db);
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile));
    sms = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((resolve) => sms.listen(0, '127.0.0.1', resolve));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vt-remind-'));
    const config = loadConfig(
      { SMS_URL: `http://127.0.0.1:${(sms.address() as AddressInfo).port}/send`, SMS_TOKEN: 'tok' },
      { DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000 },
    );
    app = await buildApp({ config, db: t.db, tenants: t.tenants, logger: false });
    await app.ready();
    maria = await signIn('4000000000000001', '1234');
    amina = await signIn('4000000000000003', '3456');
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await t.close().catch(() => undefined);
    await new Promise<void>((resolve) => sms.close(() => resolve()));
  });

  const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/payments/reminders', headers });
  const put = (headers: Record<string, string>, payload: Record<string, unknown>) => app.inject({ method: 'PUT', url: '/api/v1/payments/reminders', headers, payload });

  it('shows the current choice and saves e-mail and SMS with the phone in E.164', async () => {
    expect((await get(maria)).json()).toEqual({ isEmail: true, isSms: false, email: 'maria.garcia@example.org', phone: '+34600111222', isSmsAvailable: true });
    const res = await put(maria, { isEmail: true, isSms: true, email: 'maria@example.org', phone: '0034 611-22 33 44' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ isEmail: true, isSms: true, email: 'maria@example.org', phone: '+34611223344', isSmsAvailable: true });
    expect((await get(maria)).json()).toMatchObject({ isSms: true, phone: '+34611223344' });
  });

  it("never lets another citizen read or change someone's choice", async () => {
    const theirs = (await get(amina)).json<{ email: string; phone: string | null }>();
    expect(theirs.email).toBe('amina.elidrissi@example.org');
    expect(JSON.stringify(theirs)).not.toContain('611223344');
    // Amina's change lands on Amina only, whatever she sends.
    expect((await put(amina, { isEmail: false, isSms: true, phone: '+34699000111' })).statusCode).toBe(200);
    expect((await get(maria)).json()).toMatchObject({ isEmail: true, isSms: true, email: 'maria@example.org', phone: '+34611223344' });
    expect((await get(amina)).json()).toMatchObject({ isEmail: false, isSms: true, phone: '+34699000111' });
    expect((await get({ 'x-tenant': 'alacant' })).statusCode).toBe(401);
    expect((await put({ 'x-tenant': 'alacant' }, { isEmail: true, isSms: false })).statusCode).toBe(401);
    const rows = await t.db.query<{ dni: string; phone: string }>(`SELECT dni, phone FROM citizen_contacts WHERE tenant_id = 'alacant' AND dni IN ('12345678Z', 'X1234567L') ORDER BY dni`);
    expect(rows.rows).toEqual([
      { dni: '12345678Z', phone: '+34611223344' },
      { dni: 'X1234567L', phone: '+34699000111' },
    ]);
  });

  it('refuses a phone that is not a full international number with payments.invalid_phone in the citizen language', async () => {
    for (const [lang, phone] of [['es', '611 22 33'], ['ca', '611223344'], ['en', '+34 abc 123 456']] as const) {
      const res = await put({ ...maria, 'accept-language': lang }, { isEmail: true, isSms: true, phone });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'payments.invalid_phone', message: translate(lang, 'payments:errors.invalid_phone'), details: [{ path: 'body.phone', message: translate(lang, 'payments:errors.invalid_phone') }] } });
    }
    expect(translate('ca', 'payments:errors.invalid_phone')).toContain('prefix internacional');
    // Nothing was changed by the refused requests.
    expect((await get(maria)).json()).toMatchObject({ isSms: true, phone: '+34611223344' });
  });

  it('asks for a phone before turning SMS on, and for a valid e-mail address', async () => {
    expect((await put(maria, { isEmail: true, isSms: false, phone: null })).json()).toMatchObject({ isSms: false, phone: null });
    const noPhone = await put({ ...maria, 'accept-language': 'en' }, { isEmail: true, isSms: true });
    expect(noPhone.statusCode).toBe(400);
    expect(noPhone.json()).toMatchObject({ error: { code: 'payments.phone_required', message: 'To get reminders by SMS, enter a mobile number.' } });
    const badEmail = await put(maria, { isEmail: true, isSms: false, email: 'not-an-address' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json()).toMatchObject({ error: { code: 'common.validation', details: [expect.objectContaining({ path: 'body.email' })] } });
  });
});
