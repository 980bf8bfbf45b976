import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoIdentities } from './demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './session.plugin.ts';

let ta: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  ta = await createTestApp();
  app = ta.app;
  await seedDemoIdentities(ta.t.db);
}, 60_000);
afterAll(async () => {
  await ta.close();
});

type Json = Record<string, unknown>;

function cookieOf(res: { cookies: { name: string; value: string }[] }): string {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no session cookie');
  return `${SESSION_COOKIE}=${c.value}`;
}

async function cardSignIn(tenant: string, card: string, pin: string) {
  return app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': tenant }, payload: { card, pin } });
}

async function staffSignIn(tenant: string, email: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: { 'x-tenant': tenant }, payload: { email, password } });
}

describe('citizen card sign-in', () => {
  it('signs María in with her demo card and PIN and /me names her', async () => {
    const res = await cardSignIn('alacant', '4000000000000001', '1234');
    expect(res.statusCode).toBe(200);
    const body = res.json<Json>();
    expect(body.me).toMatchObject({ kind: 'citizen', dni: '12345678Z', givenName: 'María', surname: 'García López', method: 'card', tenantId: 'alacant' });
    const set = res.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(set).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(set?.secure).toBeFalsy();
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'alacant', cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json<Json>()).toMatchObject({ kind: 'citizen', dni: '12345678Z' });
  });

  it('answers the same generic 401 for a wrong PIN and for an unknown card', async () => {
    const wrong = await cardSignIn('alacant', '4000000000000002', '0000');
    const unknown = await cardSignIn('alacant', '4999999999999999', '1234');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json<{ error: Json }>().error.code).toBe('identity.invalid_card_or_pin');
    expect(unknown.json<{ error: Json }>().error).toEqual(wrong.json<{ error: Json }>().error);
  });

  it('locks the card on the third consecutive wrong PIN, and the right PIN no longer opens it', async () => {
    const card = '4000000000000003';
    expect((await cardSignIn('alacant', card, '0001')).statusCode).toBe(401);
    expect((await cardSignIn('alacant', card, '0002')).statusCode).toBe(401);
    const third = await cardSignIn('alacant', card, '0003');
    expect(third.statusCode).toBe(423);
    expect(third.json<{ error: Json }>().error.code).toBe('identity.card_locked');
    const right = await cardSignIn('alacant', card, '3456');
    expect(right.statusCode).toBe(423);
    const audit = await ta.t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE tenant_id = 'alacant' AND subject_id = $1 ORDER BY id`, [card]);
    expect(audit.rows.map((r) => r.action)).toContain('identity.card_locked');
  });

  it('resets the failure count after a correct PIN, so failures must be consecutive to lock', async () => {
    const card = '4000000000000004';
    await cardSignIn('alacant', card, '0001');
    await cardSignIn('alacant', card, '0002');
    expect((await cardSignIn('alacant', card, '4567')).statusCode).toBe(200);
    await cardSignIn('alacant', card, '0003');
    expect((await cardSignIn('alacant', card, '4567')).statusCode).toBe(200);
  });

  it('refuses the card of another council', async () => {
    const res = await cardSignIn('medina-rioseco', '4000000000000001', '1234');
    expect(res.statusCode).toBe(401);
  });
});

describe('sessions', () => {
  it('answers 401 on /me without a session', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'alacant' } });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: Json }>().error.code).toBe('common.unauthorized');
  });

  it('ends the session on the server at logout, so the old cookie is worthless', async () => {
    const signIn = await cardSignIn('medina-rioseco', '5000000000000001', '5678');
    const cookie = cookieOf(signIn);
    const csrf = signIn.json<{ csrfToken: string }>().csrfToken;
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-tenant': 'medina-rioseco', cookie, [CSRF_HEADER]: csrf } });
    expect(out.statusCode).toBe(200);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'medina-rioseco', cookie } });
    expect(me.statusCode).toBe(401);
    const row = await ta.t.db.query<{ ended_at: Date | null }>(`SELECT ended_at FROM sessions WHERE tenant_id = 'medina-rioseco' AND subject_id = '45678901G'`);
    expect(row.rows.every((r) => r.ended_at instanceof Date)).toBe(true);
    const audit = await ta.t.db.query<{ action: string; channel: string }>(
      `SELECT action, channel FROM audit_log WHERE tenant_id = 'medina-rioseco' AND actor_id = '45678901G' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0]).toEqual({ action: 'identity.signed_out', channel: 'web' });
    // A second logout with the dead cookie ends nothing and writes nothing.
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-tenant': 'medina-rioseco', cookie, [CSRF_HEADER]: csrf } });
    const outs = await ta.t.db.query(`SELECT 1 FROM audit_log WHERE tenant_id = 'medina-rioseco' AND action = 'identity.signed_out'`);
    expect(outs.rows).toHaveLength(1);
  });

  it('does not accept one council’s session on another council', async () => {
    const signIn = await cardSignIn('alacant', '4000000000000002', '2345');
    expect(signIn.statusCode).toBe(200);
    const cookie = cookieOf(signIn);
    const here = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/me', headers: { cookie } });
    expect(here.statusCode).toBe(200);
    const there = await app.inject({ method: 'GET', url: '/t/medina-rioseco/api/v1/me', headers: { cookie } });
    expect(there.statusCode).toBe(401);
  });

  it('treats a session past its idle or absolute expiry as signed out', async () => {
    const idle = await cardSignIn('alacant', '4000000000000002', '2345');
    const absolute = await cardSignIn('alacant', '4000000000000002', '2345');
    // The row id is the SHA-256 of the cookie's value (the part before the signature).
    const rowId = (r: typeof idle) => {
      const v = r.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? '';
      return createHash('sha256').update(decodeURIComponent(v).slice(0, decodeURIComponent(v).lastIndexOf('.'))).digest('base64url');
    };
    const a = await ta.t.db.query(`UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE id = $1`, [rowId(idle)]);
    const b = await ta.t.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [rowId(absolute)]);
    expect([a.rowCount, b.rowCount]).toEqual([1, 1]);
    for (const r of [idle, absolute]) {
      const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'alacant', cookie: cookieOf(r) } });
      expect(me.statusCode).toBe(401);
    }
  });

  it('ignores a cookie whose signature was tampered with', async () => {
    const signIn = await cardSignIn('alacant', '4000000000000002', '2345');
    const c = signIn.cookies.find((x) => x.name === SESSION_COOKIE);
    const forged = `${SESSION_COOKIE}=${(c?.value ?? '').replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'))}`;
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'alacant', cookie: forged } });
    expect(me.statusCode).toBe(401);
  });

  it('ends every session of a kiosk with endSessionsForKiosk', async () => {
    const { IdentityService } = await import('./identity.service.ts');
    const svc = new IdentityService({ db: ta.t.db, config: { SESSION_SECRET: 'x'.repeat(32) } });
    const s = await svc.signInWithCard({ tenantId: 'alacant', channel: 'kiosk', kioskId: 'k-test' }, '4000000000000001', '1234');
    expect(await svc.resolveSession(s.token)).toMatchObject({ dni: '12345678Z' });
    expect(await svc.endSessionsForKiosk('alacant', 'k-test')).toBe(1);
    expect(await svc.resolveSession(s.token)).toBeUndefined();
  });
});

describe('CSRF', () => {
  it('rejects a signed-in POST without the x-csrf-token header with 403 common.csrf, and accepts it with the token', async () => {
    const signIn = await cardSignIn('alacant', '4000000000000002', '2345');
    const cookie = cookieOf(signIn);
    const without = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-tenant': 'alacant', cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.json<{ error: Json }>().error.code).toBe('common.csrf');
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-tenant': 'alacant', cookie, [CSRF_HEADER]: 'nope' } });
    expect(wrong.statusCode).toBe(403);
    const tok = await app.inject({ method: 'GET', url: '/api/v1/auth/csrf', headers: { 'x-tenant': 'alacant', cookie } });
    const token = tok.json<{ token: string }>().token;
    expect(token).toBe(signIn.json<{ csrfToken: string }>().csrfToken);
    const withToken = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-tenant': 'alacant', cookie, [CSRF_HEADER]: token } });
    expect(withToken.statusCode).toBe(200);
  });

  it('gives no token to a visitor who is not signed in', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/auth/csrf', headers: { 'x-tenant': 'alacant' } });
    expect(res.json<Json>()).toEqual({ token: null });
  });
});

describe('staff sign-in and roles', () => {
  it('signs the demo agent in with role agent', async () => {
    const res = await staffSignIn('alacant', 'agent@alacant.example.org', 'demo-agent-alacant');
    expect(res.statusCode).toBe(200);
    expect(res.json<{ me: Json }>().me).toMatchObject({ kind: 'staff', name: 'Laura (agent)', roles: ['agent'], tenantId: 'alacant' });
  });

  it('refuses a wrong password and another council’s staff with the same generic error', async () => {
    const wrong = await staffSignIn('alacant', 'agent@alacant.example.org', 'wrong-password');
    const foreign = await staffSignIn('medina-rioseco', 'agent@alacant.example.org', 'demo-agent-alacant');
    expect(wrong.statusCode).toBe(401);
    expect(foreign.statusCode).toBe(401);
    expect(wrong.json<{ error: Json }>().error.code).toBe('identity.invalid_credentials');
  });

  it('lets an agent unlock a card, forbids an analyst (403) and a citizen (401)', async () => {
    const card = '4000000000000003';
    await ta.t.db.query(`UPDATE citizen_cards SET locked_at = now(), failed_attempts = 3 WHERE tenant_id = 'alacant' AND card_number = $1`, [card]);
    const url = `/api/v1/staff/cards/${card}/unlock`;

    const analyst = await staffSignIn('alacant', 'analyst@alacant.example.org', 'demo-analyst-alacant');
    const a = analyst.json<{ csrfToken: string }>();
    const byAnalyst = await app.inject({ method: 'POST', url, headers: { 'x-tenant': 'alacant', cookie: cookieOf(analyst), [CSRF_HEADER]: a.csrfToken } });
    expect(byAnalyst.statusCode).toBe(403);

    const citizen = await cardSignIn('alacant', '4000000000000002', '2345');
    const byCitizen = await app.inject({ method: 'POST', url, headers: { 'x-tenant': 'alacant', cookie: cookieOf(citizen), [CSRF_HEADER]: citizen.json<{ csrfToken: string }>().csrfToken } });
    expect(byCitizen.statusCode).toBe(401);

    const agent = await staffSignIn('alacant', 'agent@alacant.example.org', 'demo-agent-alacant');
    const byAgent = await app.inject({ method: 'POST', url, headers: { 'x-tenant': 'alacant', cookie: cookieOf(agent), [CSRF_HEADER]: agent.json<{ csrfToken: string }>().csrfToken } });
    expect(byAgent.statusCode).toBe(200);
    expect((await cardSignIn('alacant', card, '3456')).statusCode).toBe(200);
    const audit = await ta.t.db.query<{ actor_type: string }>(`SELECT actor_type FROM audit_log WHERE action = 'identity.card_unlocked' AND subject_id = $1`, [card]);
    expect(audit.rows).toEqual([{ actor_type: 'staff' }]);
  });

  it('takes a removed role away from an open session at once', async () => {
    const res = await staffSignIn('alacant', 'editor@alacant.example.org', 'demo-editor-alacant');
    const cookie = cookieOf(res);
    await ta.t.db.query(`UPDATE staff_accounts SET disabled_at = now() WHERE tenant_id = 'alacant' AND email = 'editor@alacant.example.org'`);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'alacant', cookie } });
    expect(me.statusCode).toBe(401);
    await ta.t.db.query(`UPDATE staff_accounts SET disabled_at = NULL WHERE tenant_id = 'alacant' AND email = 'editor@alacant.example.org'`);
  });
});

describe('staff password guessing', () => {
  it('makes the account wait 15 minutes after five wrong passwords, even for the right one, then lets it in', async () => {
    const email = 'analyst@alacant.example.org';
    for (let i = 0; i < 5; i++) expect((await staffSignIn('alacant', email, `guess-${i}`)).statusCode).toBe(401);
    const locked = await app.inject({ method: 'POST', url: '/api/v1/auth/staff?lang=ca', headers: { 'x-tenant': 'alacant' }, payload: { email, password: 'demo-analyst-alacant' } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'identity.staff_locked', message: expect.stringContaining('15 min') });
    expect(locked.json<{ error: { message: string } }>().error.message).toContain('contrasenyes');
    const audit = await ta.t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action IN ('identity.staff_locked', 'identity.staff_sign_in_refused_locked') ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['identity.staff_locked', 'identity.staff_sign_in_refused_locked']);
    // Fifteen minutes later (moved by hand here) the right password works and the count starts again.
    await ta.t.db.query(`UPDATE staff_accounts SET locked_until = now() - interval '1 second' WHERE tenant_id = 'alacant' AND email = $1`, [email]);
    expect((await staffSignIn('alacant', email, 'demo-analyst-alacant')).statusCode).toBe(200);
    const row = await ta.t.db.query<{ failed_sign_ins: number; locked_until: Date | null }>(`SELECT failed_sign_ins, locked_until FROM staff_accounts WHERE tenant_id = 'alacant' AND email = $1`, [email]);
    expect(row.rows[0]).toEqual({ failed_sign_ins: 0, locked_until: null });
  });
});

describe('demo seeding', () => {
  it('seeds only empty councils, so a second run changes nothing', async () => {
    expect(await seedDemoIdentities(ta.t.db)).toEqual({ citizens: 0, staff: 0 });
    const n = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM citizen_cards`);
    expect(n.rows[0]?.n).toBe(6);
  });
});

describe('a council served over HTTPS (PUBLIC_URL https, NODE_ENV not production)', () => {
  it('marks the session cookie Secure and sends HSTS, where plain-http development does neither', async () => {
    const https = await createTestApp({ env: { PUBLIC_URL: 'https://sede.alacant.example.es' } });
    try {
      await seedDemoIdentities(https.t.db);
      const res = await https.app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': 'alacant' }, payload: { card: '4000000000000001', pin: '1234' } });
      expect(res.statusCode).toBe(200);
      expect(res.cookies.find((c) => c.name === SESSION_COOKIE)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await https.close();
    }
    const plain = await cardSignIn('alacant', '4000000000000002', '2345');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  }, 60_000);
});
