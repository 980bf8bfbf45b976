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
    await ta.t.db.query(`UPDATE staff_sign_in_attempts SET last_attempt_at = now() - interval '15 minutes 1 second' WHERE tenant_id = 'alacant' AND email = $1`, [email]);
    expect((await staffSignIn('alacant', email, 'demo-analyst-alacant')).statusCode).toBe(200);
    const rows = await ta.t.db.query(`SELECT 1 FROM staff_sign_in_attempts WHERE tenant_id = 'alacant' AND email = $1`, [email]);
    expect(rows.rows).toHaveLength(0);
  });

  it('LOW-4: five wrong passwords from one client do not keep the right password out from another client', async () => {
    const email = 'admin@alacant.example.org';
    const from = (remoteAddress: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: { 'x-tenant': 'alacant' }, payload: { email, password }, remoteAddress });
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.10', `guess-${i}`)).statusCode).toBe(401);
    const a = await from('203.0.113.10', 'demo-admin-alacant');
    expect(a.statusCode).toBe(429);
    expect(a.json<{ error: Json }>().error.code).toBe('identity.staff_locked');
    const b = await from('198.51.100.20', 'demo-admin-alacant');
    expect(b.statusCode).toBe(200);
    expect(b.json<{ me: Json }>().me).toMatchObject({ kind: 'staff', name: 'Admin Alacant' });
  });

  it('LOW-4: a known and an unknown address get the same status and code at every step, before and after each limit', async () => {
    const tenant = 'medina-rioseco';
    const known = 'admin@rioseco.example.org';
    const unknown = 'nobody@rioseco.example.org';
    const from = (remoteAddress: string, email: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/staff?lang=es', headers: { 'x-tenant': tenant }, payload: { email, password }, remoteAddress });
    const answer = (r: Awaited<ReturnType<typeof from>>) => ({ status: r.statusCode, error: r.json<{ error: Json }>().error });
    // From one client: 401 for the first five, then 429 with the same wording for both addresses.
    for (let i = 0; i < 6; i++) {
      const k = answer(await from('203.0.113.30', known, `guess-${i}`));
      const u = answer(await from('203.0.113.30', unknown, `guess-${i}`));
      expect(k).toEqual(u);
      expect(k.status).toBe(i < 5 ? 401 : 429);
      expect(k.error.code).toBe(i < 5 ? 'identity.invalid_credentials' : 'identity.staff_locked');
    }
    // From many clients: the address as a whole waits after STAFF_MAX_FAILURES_PER_ADDRESS attempts, known or not.
    const { STAFF_MAX_FAILURES_PER_ADDRESS } = await import('./identity.service.ts');
    const spread = STAFF_MAX_FAILURES_PER_ADDRESS - 5;
    for (let i = 0; i < spread; i += 5) {
      const batch = Array.from({ length: Math.min(5, spread - i) }, (_, j) => `198.51.100.${100 + i + j}`);
      const res = await Promise.all(batch.flatMap((ip) => [from(ip, known, `spread-${ip}`), from(ip, unknown, `spread-${ip}`)]));
      for (const r of res) expect(answer(r)).toEqual({ status: 401, error: answer(res[0] ?? r).error });
      expect(res[0]?.json<{ error: Json }>().error.code).toBe('identity.invalid_credentials');
    }
    const k = await from('192.0.2.77', known, 'demo-admin-rioseco');
    const u = await from('192.0.2.77', unknown, 'demo-admin-rioseco');
    expect(answer(k)).toEqual(answer(u));
    expect(answer(k)).toMatchObject({ status: 429, error: { code: 'identity.staff_locked' } });
  }, 60_000);

  it('LOW-4: a burst of parallel wrong passwords from one client gets no more than five of them checked', async () => {
    const email = 'editor@alacant.example.org';
    const before = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('identity.staff_sign_in_failed', 'identity.staff_locked')`);
    const res = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: { 'x-tenant': 'alacant' }, payload: { email, password: `burst-${i}` }, remoteAddress: '203.0.113.50' })));
    const after = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('identity.staff_sign_in_failed', 'identity.staff_locked')`);
    expect((after.rows[0]?.n ?? 0) - (before.rows[0]?.n ?? 0)).toBe(5);
    expect(res.map((r) => r.statusCode).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });
});

describe('card PIN guessing in parallel', () => {
  it('LOW-1: a burst of 10 parallel PINs (9 wrong, 1 right) gets at most 3 PINs checked per lock, over several rounds', async () => {
    const card = '4000000000000004';
    const right = '4567';
    for (let round = 0; round < 6; round++) {
      await ta.t.db.query(`UPDATE citizen_cards SET failed_attempts = 0, locked_at = NULL WHERE tenant_id = 'alacant' AND card_number = $1`, [card]);
      const mark = await ta.t.db.query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM audit_log`);
      const markId = mark.rows[0]?.id ?? 0;
      // The right PIN at a different place in each round (first, middle, last...).
      const rightAt = [0, 9, 5, 2, 7, 9][round] ?? 9;
      const pins = Array.from({ length: 10 }, (_, i) => (i === rightAt ? right : `9${round}${i.toString().padStart(2, '0')}`));
      const res = await Promise.all(pins.map((pin) => cardSignIn('alacant', card, pin)));
      const statuses = res.map((r) => r.statusCode);
      const reasons = await ta.t.db.query<{ reason: string }>(
        `SELECT details->>'reason' AS reason FROM audit_log WHERE id > $1 AND subject_id = $2 AND action IN ('identity.card_sign_in_failed', 'identity.card_locked')`,
        [markId, card],
      );
      const wrongChecked = reasons.rows.filter((r) => r.reason === 'wrong_pin').length;
      const rightChecked = statuses[rightAt] === 200 || reasons.rows.some((r) => r.reason === 'locked_during_check') ? 1 : 0;
      expect(wrongChecked + rightChecked, `round ${round}: ${statuses.join(',')}`).toBeLessThanOrEqual(3);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
      expect(statuses.filter((s) => s === 423).length).toBeGreaterThanOrEqual(7);
      const row = await ta.t.db.query<{ locked: boolean; failed_attempts: number }>(
        `SELECT locked_at IS NOT NULL AS locked, failed_attempts FROM citizen_cards WHERE tenant_id = 'alacant' AND card_number = $1`, [card]);
      // Either the right PIN was among the three checked and signed in, or three wrong ones locked the card.
      // (A right PIN checked while the third wrong one locked the card loses too: the lock wins.)
      if (statuses[rightAt] !== 200) {
        expect(row.rows[0]?.locked).toBe(true);
        expect(wrongChecked + rightChecked).toBe(3);
        expect((await cardSignIn('alacant', card, right)).statusCode).toBe(423);
      }
    }
    // One at a time it is unchanged: 401, 401, then 423 and the right PIN stays out.
    await ta.t.db.query(`UPDATE citizen_cards SET failed_attempts = 0, locked_at = NULL WHERE tenant_id = 'alacant' AND card_number = $1`, [card]);
    const seq = [];
    for (const pin of ['0001', '0002', '0003', right]) seq.push((await cardSignIn('alacant', card, pin)).statusCode);
    expect(seq).toEqual([401, 401, 423, 423]);
    await ta.t.db.query(`UPDATE citizen_cards SET failed_attempts = 0, locked_at = NULL WHERE tenant_id = 'alacant' AND card_number = $1`, [card]);
  }, 60_000);
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
