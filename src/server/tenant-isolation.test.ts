/**
 * HIGH-3 of the 2026-12-04 security review: a session counts only in the council that issued it.
 * María holds an Alacant card session; every way of naming Medina de Rioseco (path prefix, X-Tenant header,
 * ?tenant=, the JSON body) must treat her as "not signed in here", on every state-changing route, in every
 * assistant procedure and in the hand-off callbacks. The same for an Alacant staff session on Medina's routes.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../shared/api/chat.ts';
import { seedDemoRegisters } from './demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from './modules/identity/index.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';

let ta: TestApp;
let app: FastifyInstance;
/** Cookie + CSRF of María's Alacant card session, and of Alacant's admin. */
let maria: Record<string, string>;
let alacantAdmin: Record<string, string>;

const OTHER = 'medina-rioseco';

async function signIn(url: string, payload: Record<string, string>): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url, headers: { 'x-tenant': 'alacant' }, payload });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  return { cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
}

beforeAll(async () => {
  ta = await createTestApp();
  app = ta.app;
  await seedDemoIdentities(ta.t.db);
  await seedDemoRegisters(ta.t.db, ta.t.tenants.map((t) => t.profile));
  maria = await signIn('/api/v1/auth/card', { card: '4000000000000001', pin: '1234' });
  alacantAdmin = await signIn('/api/v1/auth/staff', { email: 'admin@alacant.example.org', password: 'demo-admin-alacant' });
}, 180_000);
afterAll(async () => ta.close());

/** The four ways a request names a council; each yields the URL, headers and body extras for Medina. */
const councilSelectors: { name: string; url: (path: string) => string; headers: Record<string, string>; body: Record<string, string> }[] = [
  { name: 'the JSON body', url: (p) => p, headers: {}, body: { tenant: OTHER } },
  { name: 'the /t/ path prefix', url: (p) => `/t/${OTHER}${p}`, headers: {}, body: {} },
  { name: 'the X-Tenant header', url: (p) => p, headers: { 'x-tenant': OTHER }, body: {} },
  { name: 'the ?tenant= query', url: (p) => `${p}${p.includes('?') ? '&' : '?'}tenant=${OTHER}`, headers: {}, body: {} },
];

describe('HIGH-3: a citizen session of one council is not a session in another', () => {
  it.each(councilSelectors)('the citizen procedure routes answer 401 when Medina is named by $name', async (sel) => {
    const avail = await app.inject({ method: 'GET', url: `/api/v1/appointments/availability?serviceId=atencion-general&officeId=ayuntamiento&days=14`, headers: { 'x-tenant': OTHER } });
    expect(avail.statusCode).toBe(200);
    const slot = avail.json<{ days: { slots: { startsAt: string }[] }[] }>().days.flatMap((d) => d.slots)[0];
    expect(slot).toBeDefined();
    const calls: { method: 'POST' | 'PUT'; path: string; payload: Record<string, unknown> }[] = [
      { method: 'POST', path: '/api/v1/appointments', payload: { serviceId: 'atencion-general', officeId: 'ayuntamiento', startsAt: slot?.startsAt } },
      { method: 'POST', path: '/api/v1/certificates/padron', payload: { kind: 'individual' } },
      { method: 'POST', path: '/api/v1/payments', payload: { debtId: 'demo-medina-rioseco-12345678Z-IBI-2026' } },
      { method: 'PUT', path: '/api/v1/payments/reminders', payload: { enabled: true } },
      { method: 'POST', path: '/api/v1/auth/logout', payload: {} },
    ];
    for (const c of calls) {
      const res = await app.inject({ method: c.method, url: sel.url(c.path), headers: { ...maria, ...sel.headers }, payload: { ...c.payload, ...sel.body } });
      if (c.path === '/api/v1/auth/logout') {
        // Signing out "here" must not end the Alacant session.
        expect(res.statusCode).toBeLessThan(500);
        continue;
      }
      // 401 is "not signed in here"; a schema that refuses the `tenant` field first (400) is also not an action.
      expect([400, 401], `${c.method} ${c.path}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { ...maria, 'x-tenant': 'alacant' } });
    expect(me.statusCode, 'the Alacant session is still alive').toBe(200);
    const booked = await ta.t.db.query(`SELECT 1 FROM appointments WHERE tenant_id = $1`, [OTHER]);
    expect(booked.rows).toHaveLength(0);
    const certs = await ta.t.db.query(`SELECT 1 FROM issued_documents WHERE tenant_id = $1`, [OTHER]);
    expect(certs.rows).toHaveLength(0);
  });

  it('sweeps every state-changing route of the API: none answers 2xx to an Alacant session aimed at Medina by the body', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    // Public by nature: anyone may start a conversation, ask, request a callback or use the observatory's own
    // accounts; those are checked below for acting as anonymous instead.
    const isPublic = (p: string) => /^\/api\/v1\/(conversations|ask|handoff\/callbacks|observatory|forum|auth\/|payments\/notif|kiosks\/(activate|heartbeat|wipe)|tts)/.test(p);
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method) || isPublic(path)) continue;
        const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');
        for (const who of [maria, alacantAdmin]) {
          const res = await app.inject({ method: method.toUpperCase() as 'POST', url, headers: who, payload: { tenant: OTHER } });
          expect(res.statusCode, `${method.toUpperCase()} ${path} → ${res.statusCode} ${res.body}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, `${method.toUpperCase()} ${path} must not fail inside`).toBeLessThan(500);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('a staff session of Alacant cannot read or change Medina through the body, header or prefix', async () => {
    for (const sel of councilSelectors) {
      const res = await app.inject({ method: 'POST', url: sel.url('/api/v1/privacy/export'), headers: { ...alacantAdmin, ...sel.headers }, payload: { dni: '12345678Z', ...sel.body } });
      expect([400, 401], `${sel.name}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
  });

  describe('the assistant treats the Alacant session as anonymous in Medina, procedure by procedure', () => {
    async function converse(headers: Record<string, string>, texts: string[]): Promise<Reply[][]> {
      const started = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers, payload: { tenant: OTHER, lang: 'es' } });
      expect(started.statusCode, started.body).toBe(201);
      const { id, token } = started.json<{ id: string; token: string }>();
      const out: Reply[][] = [];
      for (const text of texts) {
        const res = await app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/messages`, headers: { ...headers, 'x-conversation-token': token }, payload: { tenant: OTHER, text } });
        expect(res.statusCode, res.body).toBe(200);
        out.push(res.json<{ replies: Reply[] }>().replies);
      }
      return out;
    }
    const textsOf = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'text' ? [r.text] : []));

    it.each([
      ['pay', 'quiero pagar mis recibos pendientes'],
      ['appointment', 'quiero pedir cita'],
      ['padrón certificate', 'necesito un certificado de empadronamiento'],
      ['filing status', 'cómo va mi solicitud del registro'],
    ])('%s: the same replies as for an anonymous visitor', async (_name, text) => {
      const [asMaria] = await converse(maria, [text]);
      const [anonymous] = await converse({}, [text]);
      expect(textsOf(asMaria ?? [])).toEqual(textsOf(anonymous ?? []));
      expect(JSON.stringify(asMaria)).not.toContain('María');
    });

    it('asks Medina visitors to sign in to pay instead of reading María’s receipts', async () => {
      const [replies] = await converse(maria, ['quiero pagar mis recibos pendientes']);
      expect(JSON.stringify(replies)).toMatch(/Identifíquese|identif/i);
    });
  });

  it('a callback requested in Medina with an Alacant session records no DNI', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/handoff/callbacks',
      headers: maria,
      payload: { tenant: OTHER, name: 'María', phone: '600123123' },
    });
    expect(res.statusCode, res.body).toBeLessThan(500);
    const rows = await ta.t.db.query<{ citizen_dni: string | null }>(`SELECT citizen_dni FROM handoff_callbacks WHERE tenant_id = $1`, [OTHER]);
    for (const r of rows.rows) expect(r.citizen_dni).toBeNull();
  });
});
