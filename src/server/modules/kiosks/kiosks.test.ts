import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoIdentities, SESSION_COOKIE } from '../identity/index.ts';
import { KIOSK_COOKIE } from './index.ts';

let ta: TestApp;
beforeAll(async () => {
  ta = await createTestApp();
  await seedDemoIdentities(ta.t.db);
}, 60_000);
afterAll(async () => {
  await ta.close();
});

const TENANT = { 'x-tenant': 'alacant' };

function cookie(res: { cookies: { name: string; value: string }[] }, name: string): string {
  const c = res.cookies.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} cookie`);
  return `${name}=${c.value}`;
}

async function activate(kioskId = 'alacant-mercat', token = 'demo-kiosk-alacant-mercat') {
  return ta.app.inject({ method: 'POST', url: '/api/v1/kiosks/activate', headers: TENANT, payload: { kioskId, token } });
}

describe('kiosks', () => {
  it('registers a device with its secret token and refuses a wrong one', async () => {
    const ok = await activate();
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: 'alacant-mercat', heartbeatMs: 30_000 });
    const wrong = await activate('alacant-mercat', 'demo-kiosk-alacant-benalua');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ error: { code: string } }>().error.code).toBe('kiosks.invalid_token');
    const me = await ta.app.inject({ url: '/api/v1/kiosks/me', headers: { ...TENANT, cookie: cookie(ok, KIOSK_COOKIE) } });
    expect(me.json()).toMatchObject({ id: 'alacant-mercat' });
    // Only the accepted activation is audited, for this council and this kiosk.
    const audit = await ta.t.db.query<{ tenant_id: string; kiosk_id: string; channel: string }>(
      "SELECT tenant_id, kiosk_id, channel FROM audit_log WHERE action = 'kiosk.activated' AND subject_id = 'alacant-mercat'",
    );
    expect(audit.rows).toEqual([{ tenant_id: 'alacant', kiosk_id: 'alacant-mercat', channel: 'kiosk' }]);
  });

  it('does not accept a kiosk cookie of one council at another', async () => {
    const ok = await activate();
    const me = await ta.app.inject({ url: '/api/v1/kiosks/me', headers: { 'x-tenant': 'medina-rioseco', cookie: cookie(ok, KIOSK_COOKIE) } });
    expect(me.statusCode).toBe(401);
  });

  it('shows a kiosk online after a heartbeat, with today\'s usage, to staff only', async () => {
    const dev = cookie(await activate('alacant-benalua', 'demo-kiosk-alacant-benalua'), KIOSK_COOKIE);
    const hb = await ta.app.inject({ method: 'POST', url: '/api/v1/kiosks/heartbeat', headers: { ...TENANT, cookie: dev }, payload: { info: { printer: 'ok' } } });
    expect(hb.statusCode).toBe(200);
    // Review observation #41: 3,000 keys were stored and served to the fleet view; a heartbeat is a few facts.
    const flood = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'.repeat(20)]));
    const big = await ta.app.inject({ method: 'POST', url: '/api/v1/kiosks/heartbeat', headers: { ...TENANT, cookie: dev }, payload: { info: flood } });
    expect(big.statusCode).toBe(400);
    await ta.t.db.query("INSERT INTO events (tenant_id, type, channel, kiosk_id) VALUES ('alacant', 'certificate.issued', 'kiosk', 'alacant-benalua'), ('alacant', 'assistant.query', 'kiosk', 'alacant-benalua')");
    const anonymous = await ta.app.inject({ url: '/api/v1/kiosks', headers: TENANT });
    expect(anonymous.statusCode).toBe(401);
    const staff = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: TENANT, payload: { email: 'analyst@alacant.example.org', password: 'demo-analyst-alacant' } });
    const fleet = await ta.app.inject({ url: '/api/v1/kiosks', headers: { ...TENANT, cookie: cookie(staff, SESSION_COOKIE) } });
    expect(fleet.statusCode).toBe(200);
    const kiosks = fleet.json<{ kiosks: { id: string; isOnline: boolean; todayEvents: number; info: Record<string, unknown> }[] }>().kiosks;
    expect(kiosks.map((k) => k.id)).toEqual(['alacant-mercat', 'alacant-benalua', 'alacant-centre']);
    expect(kiosks.find((k) => k.id === 'alacant-benalua')).toMatchObject({ isOnline: true, todayEvents: 2, info: { printer: 'ok' } });
    expect(kiosks.find((k) => k.id === 'alacant-centre')).toMatchObject({ isOnline: false, todayEvents: 0 });
  });

  it('wipes: the citizen signed in at the kiosk is signed out on the server', async () => {
    const dev = cookie(await activate(), KIOSK_COOKIE);
    const signIn = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { ...TENANT, cookie: dev }, payload: { card: '4000000000000004', pin: '4567' } });
    expect(signIn.statusCode).toBe(200);
    const both = `${dev}; ${cookie(signIn, SESSION_COOKIE)}`;
    expect((await ta.app.inject({ url: '/api/v1/me', headers: { ...TENANT, cookie: both } })).statusCode).toBe(200);
    const wipe = await ta.app.inject({ method: 'POST', url: '/api/v1/kiosks/wipe', headers: { ...TENANT, cookie: both } });
    expect(wipe.statusCode).toBe(204);
    // Even if the browser kept the old cookie, the server no longer honours it.
    expect((await ta.app.inject({ url: '/api/v1/me', headers: { ...TENANT, cookie: both } })).statusCode).toBe(401);
    const audit = await ta.t.db.query<{ actor_type: string; kiosk_id: string; channel: string; details: unknown }>(
      "SELECT actor_type, kiosk_id, channel, details FROM audit_log WHERE tenant_id = 'alacant' AND action = 'kiosk.wiped' ORDER BY id DESC LIMIT 1",
    );
    expect(audit.rows).toEqual([{ actor_type: 'system', kiosk_id: 'alacant-mercat', channel: 'kiosk', details: { sessionsEnded: 1 } }]);
  });
});

describe('text to speech', () => {
  it('speaks Valencian text as a WAV file with espeak-ng', async () => {
    const res = await ta.app.inject({ url: `/api/v1/tts?lang=ca&text=${encodeURIComponent('Bon dia, benvinguda al ciberquiosc')}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.rawPayload.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(res.rawPayload.length).toBeGreaterThan(20_000);
  });

  it('refuses a text that is too long, in the asked language', async () => {
    const res = await ta.app.inject({ url: `/api/v1/tts?lang=en&text=${'a'.repeat(1500)}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'speech.text_too_long', message: 'The text is too long to read in one go (at most 1200 characters).' } });
  });
});
