/**
 * The probe table of the 2026-12-04 security review (`shared/reviews/2026-12-04-security.md`, section 1), kept
 * alive: one test per probe that runs through `app.inject` on PGlite and, with DATABASE_URL, on PostgreSQL.
 *
 * Probes that need another process, a clock or a crash live beside the code they protect, and are named here so
 * the table stays complete:
 * - #8 (HIGH-3, cross-council sessions): src/server/tenant-isolation.test.ts
 * - #10, #12, #44–#46 (PIN bursts, staff lockout, OIDC): src/server/modules/identity/*.test.ts
 * - #13, #27, #29 at scale and the fuzzing of every JSON route: src/server/plugins/*.test.ts, src/server/security.fuzz.test.ts
 * - #20–#23 (observatory sign-in and roles), #25 (URL schemes): src/server/modules/observatory/*.test.ts
 * - #24, #62 (forum XSS and mXSS): src/server/modules/forum/forum.routes.test.ts
 * - #30 (redaction): src/server/modules/moderation/moderation.redact.test.ts and `npm run moderation:eval`
 * - #34–#36, #55, #56 (uploads, truncation, files lost after the commit): src/server/modules/filings/*.test.ts
 * - #47, #48, #57, #59 (payments charged twice, refunds): src/server/modules/payments/*.test.ts
 * - #49–#51 (last place, reschedule race, gapless registry numbers): appointments and filings service tests
 * - #52 (slot hoarding, mail to any address): src/server/modules/appointments/*.test.ts
 * - #53, #54, #58 (kill -9, restart, fsync): src/server/db/*.test.ts and bench/durability.bench.ts
 * - #61 (staff WebSocket after sign-out): src/server/modules/handoff/*.test.ts
 * - #65 (npm audit) cannot run here: the registry refuses the advisory endpoint.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRegisters } from './demo/demo-seed.ts';
import { EXE_NAMED_PDF, TINY_PNG, tinyPdf } from './testing/files.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from './modules/identity/index.ts';
import { multipartBody } from './testing/multipart.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';

type Headers = Record<string, string>;

let ta: TestApp;
let app: FastifyInstance;
const who: Record<'maria' | 'josep' | 'ana' | 'admin' | 'agent' | 'editor' | 'analyst' | 'radmin', Headers> = {
  maria: {},
  josep: {},
  ana: {},
  admin: {},
  agent: {},
  editor: {},
  analyst: {},
  radmin: {},
};

async function signIn(tenant: string, url: string, payload: Record<string, string>): Promise<Headers> {
  const res = await app.inject({ method: 'POST', url: `/t/${tenant}${url}`, payload });
  if (res.statusCode !== 200) throw new Error(`sign-in ${url} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  return { cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
}

const errorCode = (res: LightMyRequestResponse) => res.json<{ error?: { code?: string } }>().error?.code;
const A = (path: string) => `/t/alacant${path}`;

beforeAll(async () => {
  ta = await createTestApp();
  app = ta.app;
  await seedDemoIdentities(ta.t.db);
  await seedDemoRegisters(ta.t.db, ta.t.tenants.map((t) => t.profile));
  who.maria = await signIn('alacant', '/api/v1/auth/card', { card: '4000000000000001', pin: '1234' });
  who.josep = await signIn('alacant', '/api/v1/auth/card', { card: '4000000000000002', pin: '2345' });
  who.ana = await signIn('medina-rioseco', '/api/v1/auth/card', { card: '5000000000000001', pin: '5678' });
  for (const role of ['admin', 'agent', 'editor', 'analyst'] as const) {
    who[role] = await signIn('alacant', '/api/v1/auth/staff', { email: `${role}@alacant.example.org`, password: `demo-${role}-alacant` });
  }
  who.radmin = await signIn('medina-rioseco', '/api/v1/auth/staff', { email: 'admin@rioseco.example.org', password: 'demo-admin-rioseco' });
}, 180_000);
afterAll(async () => ta.close());

/** María's records of every kind, created once through the real routes. */
interface MariaRecords {
  appointmentId: string;
  paymentId: string;
  debtId: string;
  filingId: string;
  attachmentId: string;
  registryNumber: string;
  certificateUrl: string;
}
let records: MariaRecords | undefined;

async function mariaRecords(): Promise<MariaRecords> {
  if (records) return records;
  const avail = await app.inject({ method: 'GET', url: A('/api/v1/appointments/availability?serviceId=padron&officeId=benalua&days=14') });
  const slot = avail.json<{ days: { slots: { startsAt: string; free: number }[] }[] }>().days.flatMap((d) => d.slots).find((s) => s.free > 0);
  const booked = await app.inject({ method: 'POST', url: A('/api/v1/appointments'), headers: who.maria, payload: { serviceId: 'padron', officeId: 'benalua', startsAt: slot?.startsAt } });
  expect(booked.statusCode, booked.body).toBe(201);
  const pending = await app.inject({ method: 'GET', url: A('/api/v1/payments/pending'), headers: who.maria });
  const debtId = pending.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
  const started = await app.inject({ method: 'POST', url: A('/api/v1/payments'), headers: who.maria, payload: { debtId } });
  expect(started.statusCode, started.body).toBeLessThan(300);
  const form = multipartBody({ subject: 'Solicitud de prueba', body: 'Texto de la solicitud.', departmentId: 'urbanismo' }, [{ name: 'plano.pdf', data: await tinyPdf(), type: 'application/pdf' }]);
  const filed = await app.inject({ method: 'POST', url: A('/api/v1/filings'), headers: { ...who.maria, ...form.headers }, payload: form.payload });
  expect(filed.statusCode, filed.body).toBe(201);
  const filing = filed.json<{ id: string; registryNumber: string; attachments: { id: string }[] }>();
  const cert = await app.inject({ method: 'POST', url: A('/api/v1/certificates/padron'), headers: who.maria, payload: { kind: 'individual' } });
  expect(cert.statusCode, cert.body).toBe(201);
  records = {
    appointmentId: booked.json<{ id: string }>().id,
    paymentId: started.json<{ paymentId: string }>().paymentId,
    debtId,
    filingId: filing.id,
    attachmentId: filing.attachments[0]?.id ?? '',
    registryNumber: filing.registryNumber,
    certificateUrl: cert.json<{ url: string }>().url,
  };
  return records;
}

function mariaReadUrls(r: MariaRecords): string[] {
  return [
    `/api/v1/appointments/${r.appointmentId}`,
    `/api/v1/appointments/${r.appointmentId}/ics`,
    `/api/v1/payments/${r.paymentId}`,
    `/api/v1/payments/${r.paymentId}/receipt`,
    `/api/v1/payments/debts/${r.debtId}`,
    `/api/v1/filings/${r.filingId}`,
    `/api/v1/filings/${r.filingId}/receipt`,
    `/api/v1/filings/${r.filingId}/attachments/${r.attachmentId}`,
    `/api/v1/filings/status/${r.registryNumber}`,
    new URL(r.certificateUrl, 'http://x').pathname.replace(/^\/t\/alacant/, ''),
  ];
}

describe('IDOR and councils (#1–#3, #7)', () => {
  it("#1: Josep gets 404 for every one of María's ten records", async () => {
    const r = await mariaRecords();
    for (const url of mariaReadUrls(r)) {
      const res = await app.inject({ method: 'GET', url: A(url), headers: who.josep });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it("#2: Josep cannot cancel María's appointment nor pay her debt (404)", async () => {
    const r = await mariaRecords();
    expect((await app.inject({ method: 'POST', url: A(`/api/v1/appointments/${r.appointmentId}/cancel`), headers: who.josep })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: A('/api/v1/payments'), headers: who.josep, payload: { debtId: r.debtId } })).statusCode).toBe(404);
  });

  it('#3: a Medina session gets 401 on every Alacant citizen route', async () => {
    const r = await mariaRecords();
    for (const url of [...mariaReadUrls(r), '/api/v1/appointments', '/api/v1/payments', '/api/v1/filings', '/api/v1/payments/pending']) {
      expect((await app.inject({ method: 'GET', url: A(url), headers: who.ana })).statusCode, url).toBe(401);
    }
  });

  it("#7: Medina's admin reaches no Alacant data by header, query, host name or body", async () => {
    const calls = [
      { url: '/api/v1/privacy/retention', headers: { 'x-tenant': 'alacant' } },
      { url: '/api/v1/privacy/retention?tenant=alacant', headers: {} },
      { url: '/api/v1/privacy/retention', headers: { host: 'alacant.localhost' } },
    ];
    for (const c of calls) {
      const res = await app.inject({ method: 'GET', url: c.url, headers: { ...who.radmin, ...c.headers } });
      expect(res.statusCode, JSON.stringify(c)).toBe(401);
    }
    const byBody = await app.inject({ method: 'POST', url: '/api/v1/privacy/export', headers: who.radmin, payload: { tenant: 'alacant', dni: '12345678Z' } });
    expect([400, 401]).toContain(byBody.statusCode);
  });
});

describe('#4 / LOW-8: demo filings', () => {
  it('María opens each of her filings, demo ones included, and its receipt', async () => {
    const list = await app.inject({ method: 'GET', url: A('/api/v1/filings'), headers: who.maria });
    const filings = list.json<{ filings: { id: string; receiptCode: string | null }[] }>().filings;
    expect(filings.length).toBeGreaterThan(0);
    for (const f of filings) {
      expect((await app.inject({ method: 'GET', url: A(`/api/v1/filings/${f.id}`), headers: who.maria })).statusCode, f.id).toBe(200);
      if (f.receiptCode) expect((await app.inject({ method: 'GET', url: A(`/api/v1/filings/${f.id}/receipt`), headers: who.maria })).statusCode, f.id).toBe(200);
    }
  });
});

describe('#5, #6: the staff role matrix', () => {
  // The review's matrix, with #6 corrected: a citizen is "not signed in as staff" (401) on every staff route.
  const columns = ['admin', 'agent', 'editor', 'analyst', 'maria', 'radmin', 'anon'] as const;
  const matrix: [method: 'GET' | 'POST', path: string, expected: number[]][] = [
    ['GET', '/api/v1/privacy/retention', [200, 403, 403, 403, 401, 401, 401]],
    ['GET', '/api/v1/staff/exports/failed', [200, 403, 403, 403, 401, 401, 401]],
    ['GET', '/api/v1/analytics', [200, 403, 403, 200, 401, 401, 401]],
    ['GET', '/api/v1/kiosks', [200, 200, 403, 200, 401, 401, 401]],
    ['GET', '/api/v1/staff/filings', [200, 200, 403, 403, 401, 401, 401]],
    ['GET', '/api/v1/handoff/requests', [200, 200, 403, 403, 401, 401, 401]],
    ['GET', '/api/v1/handoff/callbacks', [200, 200, 403, 403, 401, 401, 401]],
    ['GET', '/api/v1/knowledge/faqs', [200, 403, 200, 403, 401, 401, 401]],
    ['GET', '/api/v1/knowledge/crawls', [200, 403, 200, 200, 401, 401, 401]],
    ['GET', '/api/v1/nlu/review', [200, 403, 200, 403, 401, 401, 401]],
    ['GET', '/api/v1/nlu/evaluation', [200, 403, 200, 403, 401, 401, 401]],
  ];
  it.each(matrix)('%s %s answers each role as documented', async (method, path, expected) => {
    const got: number[] = [];
    for (const c of columns) {
      const headers = c === 'anon' ? {} : who[c];
      got.push((await app.inject({ method, url: A(path), headers })).statusCode);
    }
    expect(Object.fromEntries(columns.map((c, i) => [c, got[i]]))).toEqual(Object.fromEntries(columns.map((c, i) => [c, expected[i]])));
  });
});

describe('card and staff sign-in (#9, #11)', () => {
  it('#9: three wrong PINs lock the card (401, 401, 423), the right PIN then too, in the caller’s language', async () => {
    const card = '4000000000000004';
    const statuses: number[] = [];
    for (const pin of ['0000', '0001', '0002', '4567']) {
      statuses.push((await app.inject({ method: 'POST', url: A('/api/v1/auth/card?lang=ca'), payload: { card, pin } })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 423, 423]);
    const dashed = await app.inject({ method: 'POST', url: A('/api/v1/auth/card?lang=ca'), payload: { card: '4000-0000-0000-0004', pin: '4567' } });
    expect(dashed.statusCode).toBe(423);
    expect(dashed.json<{ error: { message: string } }>().error.message).not.toBe('');
  });

  it('#11: repeated wrong staff passwords are throttled, and an existing session keeps working', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push((await app.inject({ method: 'POST', url: A('/api/v1/auth/staff'), payload: { email: 'analyst@alacant.example.org', password: `wrong-${i}` } })).statusCode);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await app.inject({ method: 'GET', url: A('/api/v1/analytics'), headers: who.analyst })).statusCode).toBe(200);
  });
});

describe('sessions (#14–#16)', () => {
  it('#14: signing in over an attacker’s live session gives a new session and ends the old one', async () => {
    const attacker = await signIn('alacant', '/api/v1/auth/card', { card: '4000000000000002', pin: '2345' });
    const res = await app.inject({ method: 'POST', url: A('/api/v1/auth/card'), headers: { cookie: attacker.cookie ?? '' }, payload: { card: '4000000000000001', pin: '1234' } });
    expect(res.statusCode).toBe(200);
    const fresh = res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
    expect(fresh).toBeDefined();
    expect(`${SESSION_COOKIE}=${fresh ?? ''}`).not.toBe(attacker.cookie);
    expect((await app.inject({ method: 'GET', url: A('/api/v1/me'), headers: { cookie: attacker.cookie ?? '' } })).statusCode).toBe(401);
  });

  it('#15: a forged or tampered session cookie is no session', async () => {
    const real = who.josep.cookie ?? '';
    const tampered = real.slice(0, -3) + (real.endsWith('a') ? 'b' : 'a') + real.slice(-2);
    for (const cookie of [`${SESSION_COOKIE}=abc`, tampered]) {
      expect((await app.inject({ method: 'GET', url: A('/api/v1/me'), headers: { cookie } })).statusCode).toBe(401);
    }
  });

  it('#16: a cookie copied before sign-out is dead afterwards', async () => {
    const s = await signIn('alacant', '/api/v1/auth/card', { card: '4000000000000002', pin: '2345' });
    expect((await app.inject({ method: 'POST', url: A('/api/v1/auth/logout'), headers: s })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: A('/api/v1/me'), headers: s })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: A('/api/v1/payments/pending'), headers: s })).statusCode).toBe(401);
    who.josep = await signIn('alacant', '/api/v1/auth/card', { card: '4000000000000002', pin: '2345' });
  });
});

describe('CSRF (#17, #18)', () => {
  it('#17: state-changing routes refuse a missing, foreign or empty token with 403 common.csrf', async () => {
    const r = await mariaRecords();
    const cookieOnly = { cookie: who.maria.cookie ?? '' };
    const tokens: Headers[] = [{}, { [CSRF_HEADER]: who.josep[CSRF_HEADER] ?? '' }, { [CSRF_HEADER]: '' }];
    const calls: { method: 'POST' | 'PUT' | 'DELETE'; url: string; payload?: unknown }[] = [
      { method: 'POST', url: '/api/v1/payments', payload: { debtId: r.debtId } },
      { method: 'PUT', url: '/api/v1/payments/reminders', payload: { enabled: false } },
      { method: 'POST', url: `/api/v1/appointments/${r.appointmentId}/cancel` },
      { method: 'POST', url: '/api/v1/auth/logout' },
    ];
    for (const c of calls) {
      for (const t of tokens) {
        const res = await app.inject({ method: c.method, url: A(c.url), headers: { ...cookieOnly, ...t, origin: 'https://evil.example' }, ...(c.payload ? { payload: c.payload as Record<string, unknown> } : {}) });
        expect(res.statusCode, `${c.method} ${c.url}`).toBe(403);
        expect(errorCode(res)).toBe('common.csrf');
      }
    }
    expect((await app.inject({ method: 'GET', url: A('/api/v1/me'), headers: who.maria })).statusCode).toBe(200);
  });

  it('#18: an HTML form cannot sign anyone in (no form or text parser on sign-in)', async () => {
    const form = await app.inject({ method: 'POST', url: A('/api/v1/auth/card'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'card=4000000000000002&pin=2345' });
    expect(form.statusCode).toBe(415);
    const text = await app.inject({ method: 'POST', url: A('/api/v1/auth/card'), headers: { 'content-type': 'text/plain' }, payload: '{"card":"4000000000000002","pin":"2345"}' });
    expect([400, 415]).toContain(text.statusCode);
    expect(text.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
  });
});

describe('bad input (#26, #28, #29)', () => {
  it('#26: malformed JSON, XML and prototype keys get a translated 4xx, never 500', async () => {
    const cases: { headers: Headers; payload: string; status: number[] }[] = [
      { headers: { 'content-type': 'application/json' }, payload: '{"card":', status: [400] },
      { headers: { 'content-type': 'application/json' }, payload: '', status: [400] },
      { headers: { 'content-type': 'application/xml' }, payload: '<card/>', status: [415] },
      { headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"isAdmin":true},"card":"4000000000000001","pin":"1"}', status: [400, 401] },
      { headers: { 'content-type': 'application/json' }, payload: '{"constructor":{"prototype":{"x":1}}}', status: [400] },
    ];
    for (const c of cases) {
      const res = await app.inject({ method: 'POST', url: A('/api/v1/auth/card?lang=en'), headers: c.headers, payload: c.payload });
      expect(c.status, `${c.payload} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
      expect(errorCode(res)).toMatch(/^[a-z_]+\.[a-z_]+$/);
    }
  });

  it('#28: chat messages over 2000 characters get 400; odd but valid text is answered', async () => {
    const start = await app.inject({ method: 'POST', url: A('/api/v1/conversations'), payload: { lang: 'es' } });
    const { id, token } = start.json<{ id: string; token: string }>();
    const send = (text: string) => app.inject({ method: 'POST', url: A(`/api/v1/conversations/${id}/messages`), headers: { 'x-conversation-token': token }, payload: { text } });
    expect((await send('a'.repeat(2001))).statusCode).toBe(400);
    for (const text of ['😀'.repeat(500), 'hola \u202Emundo\u200B', 'x'.repeat(2000), `${'12345678'.repeat(100)}`, 'ES91 '.repeat(300)]) {
      expect((await send(text)).statusCode, text.slice(0, 20)).toBe(200);
    }
  });

  it('#29 / LOW-2: a NUL byte gets 400 with a translated message, never 500', async () => {
    for (const url of ['/api/v1/observatory/projects?q=abc%00def', '/api/v1/observatory/municipalities?q=ali%00', '/api/v1/forum/threads?q=x%00']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
    }
    const start = await app.inject({ method: 'POST', url: A('/api/v1/conversations'), payload: { lang: 'ca' } });
    const { id, token } = start.json<{ id: string; token: string }>();
    const res = await app.inject({ method: 'POST', url: A(`/api/v1/conversations/${id}/messages?lang=ca`), headers: { 'x-conversation-token': token }, payload: { text: 'hola\u0000' } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message.length).toBeGreaterThan(0);
  });
});

describe('paths, uploads, CORS and headers (#31, #33, #38, #39)', () => {
  it('#31: traversal in every file route answers 404 or 400 and never serves a file outside', async () => {
    for (const url of ['/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json', '/t/alacant/..%2f..%2fpackage.json', '/verify/..%2f..%2fetc%2fpasswd/pdf', '/branding/..%2f..%2fpackage.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect([400, 404], `${url} → ${res.statusCode}`).toContain(res.statusCode);
      expect(res.body).not.toContain('root:x:0:0');
      expect(res.body).not.toContain('"name": "ventanilla"');
    }
  });

  it('#33: HTML named .pdf, SVG named .png, an EXE named .pdf get 415; an empty file 400', async () => {
    const bad = [
      { name: 'carta.pdf', data: Buffer.from('<html><script>alert(1)</script></html>'), type: 'application/pdf' },
      { name: 'logo.png', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), type: 'image/png' },
      { name: 'factura.pdf', data: EXE_NAMED_PDF, type: 'application/pdf' },
    ];
    for (const f of bad) {
      const form = multipartBody({ subject: 'Adjunto raro', body: 'Texto', departmentId: 'urbanismo' }, [f]);
      const res = await app.inject({ method: 'POST', url: A('/api/v1/filings'), headers: { ...who.josep, ...form.headers }, payload: form.payload });
      expect(res.statusCode, f.name).toBe(415);
    }
    const empty = multipartBody({ subject: 'Vacío', body: 'Texto', departmentId: 'urbanismo' }, [{ name: 'vacio.png', data: Buffer.alloc(0), type: 'image/png' }]);
    expect((await app.inject({ method: 'POST', url: A('/api/v1/filings'), headers: { ...who.josep, ...empty.headers }, payload: empty.payload })).statusCode).toBe(400);
    const ok = multipartBody({ subject: 'Foto', body: 'Texto', departmentId: 'urbanismo' }, [{ name: 'foto.png', data: TINY_PNG, type: 'image/png' }]);
    expect((await app.inject({ method: 'POST', url: A('/api/v1/filings'), headers: { ...who.josep, ...ok.headers }, payload: ok.payload })).statusCode).toBe(201);
  });

  it('#38: the widget API answers only the council’s own websites, without credentials', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:8099.evil.example', 'http://evil-127.0.0.1:8099']) {
      const res = await app.inject({ method: 'OPTIONS', url: A('/api/v1/conversations'), headers: { origin, 'access-control-request-method': 'POST' } });
      expect(res.statusCode, origin).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const own = await app.inject({ method: 'OPTIONS', url: A('/api/v1/conversations'), headers: { origin: 'http://127.0.0.1:8099', 'access-control-request-method': 'POST' } });
    expect(own.statusCode).toBe(204);
    expect(own.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8099');
    expect(own.headers['access-control-allow-credentials']).toBeUndefined();
    const staffApi = await app.inject({ method: 'GET', url: A('/api/v1/me'), headers: { origin: 'http://127.0.0.1:8099' } });
    expect(staffApi.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('#39: a strict CSP without inline scripts, frame-ancestors self and no referrer', async () => {
    const res = await app.inject({ method: 'GET', url: A('/api/v1/tenants') });
    const csp = String(res.headers['content-security-policy'] ?? '');
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('kiosks and verification codes (#40, #41, #42, #66)', () => {
  it('#40: a wrong token, an unknown kiosk or another council’s kiosk is refused with 401', async () => {
    const cases = [
      { url: A('/api/v1/kiosks/activate'), payload: { kioskId: 'alacant-mercat', token: 'wrong-token-0000000000' } },
      { url: A('/api/v1/kiosks/activate'), payload: { kioskId: 'no-such-kiosk', token: 'demo-kiosk-alacant-mercat' } },
      { url: '/t/medina-rioseco/api/v1/kiosks/activate', payload: { kioskId: 'alacant-mercat', token: 'demo-kiosk-alacant-mercat' } },
    ];
    for (const c of cases) expect((await app.inject({ method: 'POST', url: c.url, payload: c.payload })).statusCode, JSON.stringify(c)).toBe(401);
    for (const url of ['/api/v1/kiosks/me', '/api/v1/kiosks/heartbeat', '/api/v1/kiosks/wipe']) {
      const res = await app.inject({ method: url.endsWith('me') ? 'GET' : 'POST', url: A(url), headers: { 'x-kiosk-id': 'alacant-mercat', 'x-kiosk-token': 'wrong-token-0000000000' }, payload: {} });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('#42: an unknown verification code is not found, whatever its form', async () => {
    for (const code of ['ABCDEFGHJKMNPQRSTVWX', 'abcd-efgh-jkmn-pqrs-tvwx', '0'.repeat(20)]) {
      expect((await app.inject({ method: 'GET', url: `/verify/${code}` })).statusCode, code).toBe(404);
    }
  });

  it('#66 / LOW-7: a conversation that only claims to come from a kiosk is recorded as the web', async () => {
    const res = await app.inject({ method: 'POST', url: A('/api/v1/conversations'), payload: { channel: 'kiosk', kioskId: 'alacant-mercat' } });
    expect(res.statusCode).toBe(201);
    const row = await ta.t.db.query<{ channel: string; kiosk_id: string | null }>(`SELECT channel, kiosk_id FROM conversations WHERE id = $1`, [res.json<{ id: string }>().id]);
    expect(row.rows[0]).toEqual({ channel: 'web', kiosk_id: null });
  });
});

describe('URL schemes (#63 / LOW-5)', () => {
  it('an FAQ with a javascript: URL is refused, so /ask never offers one', async () => {
    for (const url of ['javascript:alert(document.domain)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)']) {
      const res = await app.inject({
        method: 'POST',
        url: A('/api/v1/knowledge/faqs'),
        headers: who.editor,
        payload: { question: { es: '¿Dónde pago el IBI?' }, answer: { es: 'En la oficina de tributos.' }, url },
      });
      expect(res.statusCode, `${url} → ${res.body}`).toBe(400);
    }
    const fine = await app.inject({
      method: 'POST',
      url: A('/api/v1/knowledge/faqs'),
      headers: who.editor,
      payload: { question: { es: '¿Dónde pago el IBI?' }, answer: { es: 'En la oficina de tributos.' }, url: 'https://www.alicante.es/tributos' },
    });
    expect(fine.statusCode, fine.body).toBe(201);
  });
});

describe('found by the fuzz (src/server/security.fuzz.test.ts)', () => {
  it('a gateway named like an Object built-in (constructor, __proto__, toString) is not found, not a 500', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await app.inject({ method: 'POST', url: A(`/api/v1/payments/notifications/${name}`), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
      expect(res.statusCode, name).toBe(404);
      expect(errorCode(res)).toBe('payments.gateway_not_found');
    }
  });

  it('a callback pointing at a conversation this council does not have answers 404, translated', async () => {
    const res = await app.inject({
      method: 'POST',
      url: A('/api/v1/handoff/callbacks?lang=ca'),
      payload: { name: 'Hola', phone: '600123123', conversationId: '95a2606b-6b83-4fab-a8c6-f745cbc731d3' },
    });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('handoff.conversation_not_found');
    const other = await app.inject({ method: 'POST', url: '/t/medina-rioseco/api/v1/conversations', payload: {} });
    const medinaConversation = other.json<{ id: string }>().id;
    const crossCouncil = await app.inject({ method: 'POST', url: A('/api/v1/handoff/callbacks'), payload: { name: 'Hola', phone: '600123123', conversationId: medinaConversation } });
    expect(crossCouncil.statusCode).toBe(404);
    const own = await app.inject({ method: 'POST', url: A('/api/v1/conversations'), payload: {} });
    const ok = await app.inject({ method: 'POST', url: A('/api/v1/handoff/callbacks'), payload: { name: 'Hola', phone: '600123123', conversationId: own.json<{ id: string }>().id } });
    expect(ok.statusCode).toBe(201);
  });
});

describe('found by the fuzz, second run', () => {
  it('a day that does not exist (2026-02-30) in the analytics range is a 400, not a 500', async () => {
    for (const url of ['/api/v1/analytics?from=2026-02-30', '/api/v1/analytics/export.csv?table=kiosks&from=2026-02-30&to=2026-12-15', '/api/v1/analytics?to=2026-13-01']) {
      const res = await app.inject({ method: 'GET', url: A(url), headers: who.admin });
      expect(res.statusCode, url).toBe(400);
    }
    expect((await app.inject({ method: 'GET', url: A('/api/v1/analytics?from=2024-02-29&to=2024-03-01'), headers: who.admin })).statusCode).toBe(200);
  });
});
