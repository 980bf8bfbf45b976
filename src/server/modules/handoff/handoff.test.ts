import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
/** The client side of an injected socket (the ws package's WebSocket). */
type WebSocket = Awaited<ReturnType<FastifyInstance['injectWS']>>;
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { openPostgres } from '../../db/postgres.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { seedDemoIdentities, SESSION_COOKIE } from '../identity/index.ts';
import { createBus, type Bus } from '../../bus/bus.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { HandoffService, isWithinHours } from './handoff.service.ts';

type Json = Record<string, unknown>;
interface Turn {
  seq: number;
  role: string;
  text: string;
}

const TENANT = { 'x-tenant': 'alacant' };
/** Both instances use Redis for the inbox bus when the CI provides one. */
const REDIS = process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {};

/**
 * A second server instance on the same PostgreSQL database, for the two-instance test: createTestApp opens a
 * database of its own, and this one must share the first instance's.
 */
async function buildSecondInstance(
  db: Awaited<ReturnType<typeof createTestDb>>['db'],
  tenants: Awaited<ReturnType<typeof createTestDb>>['tenants'],
  dataDir: string,
): Promise<FastifyInstance> {
  const config = loadConfig({}, { DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000, ...REDIS });
  const app = await buildApp({ config, db, tenants, logger: false });
  await app.ready();
  return app;
}

async function signInStaff(app: FastifyInstance, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: TENANT, payload: { email, password } });
  expect(res.statusCode).toBe(200);
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no staff session');
  // The sign-in answer carries the session's CSRF token (identity.routes: csrfToken).
  const { csrfToken } = res.json<{ csrfToken: string }>();
  expect(csrfToken).toMatch(/^[\w-]{20,}$/);
  return { cookie: `${SESSION_COOKIE}=${c.value}`, csrf: csrfToken };
}

/** A citizen conversation that has asked for a person: returns its id, owner token and the queued request id. */
async function citizenAsksForPerson(app: FastifyInstance): Promise<{ id: string; token: string }> {
  const start = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers: TENANT, payload: { lang: 'es' } });
  expect(start.statusCode).toBe(201);
  const { id, token } = start.json<{ id: string; token: string }>();
  const msg = await app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${id}/messages`,
    headers: { ...TENANT, 'x-conversation-token': token },
    payload: { text: 'quiero hablar con una persona' },
  });
  expect(msg.statusCode).toBe(200);
  expect(msg.json<Json>().status).toBe('waiting_human');
  return { id, token };
}

async function requestIdFor(app: FastifyInstance, staff: { cookie: string }, conversationId: string): Promise<number> {
  const inbox = await app.inject({
    method: 'GET',
    url: '/api/v1/handoff/requests',
    headers: { ...TENANT, cookie: staff.cookie },
  });
  expect(inbox.statusCode).toBe(200);
  const item = inbox
    .json<{ items: { id: number; conversationId: string; status: string }[] }>()
    .items.find((i) => i.conversationId === conversationId);
  if (!item) throw new Error('request not in the inbox');
  expect(item.status).toBe('queued');
  return item.id;
}

/** Collects the socket's JSON messages and waits for one that matches. */
function collector(ws: WebSocket) {
  const seen: Json[] = [];
  const waiters: { match: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  ws.on('message', (raw: Buffer) => {
    const m = JSON.parse(raw.toString('utf8')) as Json;
    seen.push(m);
    for (const w of [...waiters])
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
  });
  return {
    next(match: (m: Json) => boolean, timeoutMs = 8000): Promise<Json> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message; saw ${JSON.stringify(seen)}`)), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
}

/** injectWS builds a request without a socket; the rate limiter (trustProxy) reads its address. */
function openSocket(app: FastifyInstance, headers: Record<string, string>): Promise<WebSocket> {
  const upgrade = { headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as Partial<IncomingMessage>;
  return app.injectWS('/api/v1/handoff/ws', upgrade);
}

const isTurnWith = (text: string) => (m: Json) => m.type === 'turn' && (m.turn as Turn).text.includes(text);

describe('the staff inbox on one instance', () => {
  let ta: TestApp;
  let app: FastifyInstance;
  let t: TestDb;

  beforeAll(async () => {
    ta = await createTestApp({ env: REDIS });
    ({ app, t } = ta);
    await seedDemoIdentities(t.db);
  }, 60_000);
  afterAll(async () => {
    await ta.close();
  });

  it('lets exactly one of two agents accept the same conversation; the other gets 409 handoff.already_taken', async () => {
    const conv = await citizenAsksForPerson(app);
    const agent = await signInStaff(app, 'agent@alacant.example.org', 'demo-agent-alacant');
    const admin = await signInStaff(app, 'admin@alacant.example.org', 'demo-admin-alacant');
    const requestId = await requestIdFor(app, agent, conv.id);
    const [a, b] = await Promise.all(
      [agent, admin].map((s) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/handoff/requests/${requestId}/accept`,
          headers: { ...TENANT, cookie: s.cookie, 'x-csrf-token': s.csrf },
        }),
      ),
    );
    const codes = [a?.statusCode, b?.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const loser = [a, b].find((r) => r?.statusCode === 409);
    expect(loser?.json<{ error: Json }>().error.code).toBe('handoff.already_taken');
    const audit = await t.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM audit_log WHERE tenant_id = 'alacant' AND action = 'handoff.accepted' AND subject_id = $1`,
      [conv.id],
    );
    expect(audit.rows[0]?.n).toBe(1);
    // The citizen's transcript says a person has joined.
    const tr = await app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${conv.id}`,
      headers: { ...TENANT, 'x-conversation-token': conv.token },
    });
    expect(tr.json<{ status: string; turns: Turn[] }>().status).toBe('with_human');
    expect(tr.json<{ turns: Turn[] }>().turns.some((x) => x.role === 'staff' && x.text.includes('se ha unido'))).toBe(true);
  });

  it('carries a live chat over the WebSocket both ways, storing the citizen message redacted, and audits each staff message', async () => {
    const conv = await citizenAsksForPerson(app);
    const agent = await signInStaff(app, 'agent@alacant.example.org', 'demo-agent-alacant');
    const requestId = await requestIdFor(app, agent, conv.id);
    const acc = await app.inject({
      method: 'POST',
      url: `/api/v1/handoff/requests/${requestId}/accept`,
      headers: { ...TENANT, cookie: agent.cookie, 'x-csrf-token': agent.csrf },
    });
    expect(acc.statusCode).toBe(200);
    const ws = await openSocket(app, { ...TENANT, cookie: agent.cookie });
    const inbox = collector(ws);
    ws.send(JSON.stringify({ type: 'watch', requestId }));
    await inbox.next((m) => m.type === 'watching');
    await app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conv.id}/messages`,
      headers: { ...TENANT, 'x-conversation-token': conv.token },
      payload: { text: 'mi dni es 12345678Z y necesito ayuda' },
    });
    const got = await inbox.next(isTurnWith('necesito ayuda'));
    expect((got.turn as Turn).role).toBe('citizen');
    expect((got.turn as Turn).text).not.toContain('12345678Z');
    ws.send(JSON.stringify({ type: 'send', requestId, text: 'Hola, le ayudo yo' }));
    await inbox.next(isTurnWith('le ayudo yo'));
    ws.terminate();
    const tr = await app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${conv.id}`,
      headers: { ...TENANT, 'x-conversation-token': conv.token },
    });
    expect(tr.json<{ turns: Turn[] }>().turns.at(-1)).toMatchObject({ role: 'staff', text: 'Hola, le ayudo yo' });
    const close = await app.inject({
      method: 'POST',
      url: `/api/v1/handoff/requests/${requestId}/close`,
      headers: { ...TENANT, cookie: agent.cookie, 'x-csrf-token': agent.csrf },
    });
    expect(close.statusCode).toBe(200);
    const actions = await t.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE tenant_id = 'alacant' AND subject_id = $1 ORDER BY id`,
      [conv.id],
    );
    expect(actions.rows.map((r) => r.action)).toEqual(['handoff.accepted', 'handoff.message_sent', 'handoff.closed']);
  });

  it('refuses the inbox socket to a visitor who is not signed in as staff', async () => {
    await expect(openSocket(app, TENANT)).rejects.toThrow('Unexpected server response: 401');
  });

  it('takes a callback request from a citizen and lists it for agents', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/handoff/callbacks',
      headers: TENANT,
      payload: { name: 'Pepa', phone: '600 123 456', preferredTime: 'mañanas' },
    });
    expect(res.statusCode).toBe(201);
    const agent = await signInStaff(app, 'agent@alacant.example.org', 'demo-agent-alacant');
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/handoff/callbacks',
      headers: { ...TENANT, cookie: agent.cookie },
    });
    expect(list.json<{ items: Json[] }>().items).toContainEqual(
      expect.objectContaining({ name: 'Pepa', phone: '600 123 456', status: 'pending' }),
    );
  });
  it('marks a callback as made: it moves from the pending list to the done list, once, and is audited for this council', async () => {
    const asked = await app.inject({ method: 'POST', url: '/api/v1/handoff/callbacks', headers: TENANT, payload: { name: 'Vicent', phone: '+34 611 222 333' } });
    expect(asked.statusCode).toBe(201);
    const { id } = asked.json<{ id: number }>();
    const agent = await signInStaff(app, 'agent@alacant.example.org', 'demo-agent-alacant');
    const done = (callbackId: number, headers: Record<string, string>) => app.inject({ method: 'POST', url: `/api/v1/handoff/callbacks/${callbackId}/done`, headers: { ...TENANT, ...headers } });
    const list = async (status: 'pending' | 'done') =>
      (await app.inject({ url: `/api/v1/handoff/callbacks?status=${status}`, headers: { ...TENANT, cookie: agent.cookie } })).json<{ items: { id: number; name: string; status: string }[] }>().items;

    expect((await list('pending')).map((c) => c.id)).toContain(id);
    expect((await done(id, {})).statusCode).toBe(401);
    const first = await done(id, { cookie: agent.cookie, 'x-csrf-token': agent.csrf });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ ok: true });
    expect((await list('pending')).map((c) => c.id)).not.toContain(id);
    expect((await list('done')).find((c) => c.id === id)).toMatchObject({ name: 'Vicent', status: 'done' });
    // Made once: a second "done" finds nothing left to do.
    const again = await done(id, { cookie: agent.cookie, 'x-csrf-token': agent.csrf });
    expect(again.statusCode).toBe(404);
    expect(again.json<{ error: Json }>().error.code).toBe('handoff.not_found');
    const audit = await t.db.query<{ action: string; actor_type: string }>(
      "SELECT action, actor_type FROM audit_log WHERE tenant_id = 'alacant' AND subject_type = 'callback' AND subject_id = $1 ORDER BY id",
      [String(id)],
    );
    expect(audit.rows).toEqual([
      { action: 'handoff.callback_requested', actor_type: 'anonymous' },
      { action: 'handoff.callback_done', actor_type: 'staff' },
    ]);
  });

  it('shows staff the transcript with the citizen\'s personal data redacted', async () => {
    const conv = await citizenAsksForPerson(app);
    const agent = await signInStaff(app, 'agent@alacant.example.org', 'demo-agent-alacant');
    const requestId = await requestIdFor(app, agent, conv.id);
    const acc = await app.inject({ method: 'POST', url: `/api/v1/handoff/requests/${requestId}/accept`, headers: { ...TENANT, cookie: agent.cookie, 'x-csrf-token': agent.csrf } });
    expect(acc.statusCode).toBe(200);
    const said = await app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conv.id}/messages`,
      headers: { ...TENANT, 'x-conversation-token': conv.token },
      payload: { text: 'Soy Pepa, DNI 12345678Z, correo pepa.garcia@example.com, cuenta ES91 2100 0418 4502 0005 1332' },
    });
    expect(said.statusCode).toBe(200);
    const tr = await app.inject({ url: `/api/v1/handoff/requests/${requestId}/transcript`, headers: { ...TENANT, cookie: agent.cookie } });
    expect(tr.statusCode).toBe(200);
    const turns = tr.json<{ conversationId: string; turns: Turn[] }>().turns;
    expect(turns.map((x) => x.role)).toEqual(expect.arrayContaining(['citizen', 'staff']));
    const mine = turns.filter((x) => x.role === 'citizen').at(-1);
    expect(mine?.text).toBe('Soy Pepa, DNI [DNI], correo [EMAIL], cuenta [IBAN]');
    // Nothing of it anywhere in what staff receive.
    for (const secret of ['12345678Z', 'pepa.garcia@example.com', '2100 0418']) expect(tr.body).not.toContain(secret);
    // Someone else's transcript is not theirs to read: a staff member without the agent role is refused.
    const editor = await signInStaff(app, 'editor@alacant.example.org', 'demo-editor-alacant');
    expect((await app.inject({ url: `/api/v1/handoff/requests/${requestId}/transcript`, headers: { ...TENANT, cookie: editor.cookie } })).statusCode).toBe(403);
  });
});

describe('office hours replies', () => {
  let t: TestDb;
  let bus: Bus;
  beforeAll(async () => {
    t = await createTestDb();
    bus = await createBus(t.db, undefined);
  }, 60_000);
  afterAll(async () => {
    await bus.close();
    await t.close();
  });

  /** The inbox as it answers at `now`; office hours never touch a conversation. */
  const inboxAt = (now: string) =>
    new HandoffService({
      db: t.db,
      bus,
      tenants: new TenantRegistry(t.tenants),
      conversations: () => {
        throw new Error('office hours read no conversation');
      },
      now: () => new Date(now),
    });

  it('says staff answer now on a weekday morning in Alicante, with no message', () => {
    const tenant = new TenantRegistry(t.tenants).get('alacant');
    // Tuesday 11:30 in Madrid (summer time, +02:00).
    expect(inboxAt('2026-06-09T09:30:00Z').officeHours(tenant, 'es')).toEqual({
      isOpen: true,
      timeZone: 'Europe/Madrid',
      hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '10:00', close: '13:00' }],
      message: null,
    });
  });

  it('answers out of hours with the callback offer in the asked language', () => {
    const tenant = new TenantRegistry(t.tenants).get('alacant');
    // Tuesday 13:00 (closing time) and Saturday 11:00 in Madrid.
    for (const now of ['2026-06-09T11:00:00Z', '2026-06-13T09:00:00Z']) {
      const inbox = inboxAt(now);
      expect(inbox.officeHours(tenant, 'es')).toMatchObject({ isOpen: false, message: 'Ahora no hay personal atendiendo. Puede dejar su teléfono y le llamaremos en horario de atención.' });
      expect(inbox.officeHours(tenant, 'ca').message).toBe("Ara no hi ha personal atenent. Pot deixar el seu telèfon i el cridarem en horari d'atenció.");
      expect(inbox.officeHours(tenant, 'en').message).toBe('No staff are answering right now. Leave your phone number and we will call you back during opening hours.');
    }
  });

  it('keeps each council\'s own hours: Medina de Rioseco answers on Monday, Wednesday and Friday, not on the Tuesday Alicante is open', () => {
    const medina = new TenantRegistry(t.tenants).get('medina-rioseco');
    expect(inboxAt('2026-06-09T09:30:00Z').officeHours(medina, 'en')).toMatchObject({ isOpen: false, timeZone: 'Europe/Madrid' });
    expect(inboxAt('2026-06-10T09:30:00Z').officeHours(medina, 'en')).toMatchObject({ isOpen: true, message: null });
  });
});

describe('office hours', () => {
  const hours = [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[], open: '10:00', close: '13:00' },
  ];
  it('are open on a Tuesday at 11:30 in Madrid and closed at 13:00 and on Saturday', () => {
    expect(isWithinHours(hours, 'Europe/Madrid', new Date('2026-03-10T10:30:00Z'))).toBe(true);
    expect(isWithinHours(hours, 'Europe/Madrid', new Date('2026-03-10T12:00:00Z'))).toBe(false);
    expect(isWithinHours(hours, 'Europe/Madrid', new Date('2026-03-14T10:30:00Z'))).toBe(false);
  });
});

// Two server instances on one PostgreSQL database (Redis too when REDIS_URL is set): CI runs this on PostgreSQL.
describe.skipIf(!process.env.DATABASE_URL)('the staff inbox across two instances', () => {
  let appA: FastifyInstance;
  let appB: FastifyInstance;
  let dbName = '';

  beforeAll(async () => {
    const t = await createTestDb();
    await seedDemoIdentities(t.db);
    dbName = (await t.db.query<{ name: string }>('SELECT current_database() AS name')).rows[0]?.name ?? '';
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = `/${dbName}`;
    const dbB = await openPostgres(url.toString(), { max: 5 });
    const dir = (await import('node:fs')).mkdtempSync('/tmp/vt-handoff-');
    appA = await buildSecondInstance(t.db, t.tenants, dir);
    appB = await buildSecondInstance(dbB, t.tenants, dir);
  }, 60_000);
  afterAll(async () => {
    await appB.close();
    await appA.close();
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  });

  it('brings a citizen message on instance A to the agent socket on instance B, and the reply back to A', async () => {
    const conv = await citizenAsksForPerson(appA);
    const agent = await signInStaff(appB, 'agent@alacant.example.org', 'demo-agent-alacant');
    // B hears about the new request on the inbox bus.
    const ws = await openSocket(appB, { ...TENANT, cookie: agent.cookie });
    const onB = collector(ws);
    const requestId = await requestIdFor(appB, agent, conv.id);
    const acc = await appB.inject({
      method: 'POST',
      url: `/api/v1/handoff/requests/${requestId}/accept`,
      headers: { ...TENANT, cookie: agent.cookie, 'x-csrf-token': agent.csrf },
    });
    expect(acc.statusCode).toBe(200);
    await onB.next((m) => m.type === 'inbox' && (m.event as Json).type === 'accepted');
    ws.send(JSON.stringify({ type: 'watch', requestId }));
    await onB.next((m) => m.type === 'watching');
    const sent = await appA.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conv.id}/messages`,
      headers: { ...TENANT, 'x-conversation-token': conv.token },
      payload: { text: 'hola desde la instancia A' },
    });
    expect(sent.json<Json>().status).toBe('with_human');
    await onB.next(isTurnWith('hola desde la instancia A'));
    ws.send(JSON.stringify({ type: 'send', requestId, text: 'respuesta desde B' }));
    await onB.next(isTurnWith('respuesta desde B'));
    ws.terminate();
    const tr = await appA.inject({
      method: 'GET',
      url: `/api/v1/conversations/${conv.id}`,
      headers: { ...TENANT, 'x-conversation-token': conv.token },
    });
    expect(tr.json<{ turns: Turn[] }>().turns.at(-1)).toMatchObject({ role: 'staff', text: 'respuesta desde B' });
  });
});
