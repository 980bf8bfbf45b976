import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
/** The client side of an injected socket (the ws package's WebSocket). */
type WebSocket = Awaited<ReturnType<FastifyInstance['injectWS']>>;
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { openPostgres } from '../../db/postgres.ts';
import { createTestDb } from '../../testing/test-db.ts';
import { seedDemoIdentities } from '../identity/index.ts';
import { isWithinHours } from './handoff.service.ts';

type Json = Record<string, unknown>;
interface Turn {
  seq: number;
  role: string;
  text: string;
}

const TENANT = { 'x-tenant': 'alacant' };

async function buildTestApp(
  db: Awaited<ReturnType<typeof createTestDb>>['db'],
  tenants: Awaited<ReturnType<typeof createTestDb>>['tenants'],
  dataDir: string,
): Promise<FastifyInstance> {
  const config = loadConfig(
    {},
    {
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: 10_000,
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
  );
  const app = await buildApp({ config, db, tenants, logger: false });
  await app.ready();
  return app;
}

async function signInStaff(app: FastifyInstance, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: TENANT, payload: { email, password } });
  expect(res.statusCode).toBe(200);
  const c = res.cookies.find((x) => x.name === 'vt_session');
  const body = res.json<{ csrfToken?: string; csrf?: string }>();
  const csrf = body.csrfToken ?? body.csrf ?? '';
  if (!c) throw new Error('no staff session');
  return { cookie: `vt_session=${c.value}`, csrf };
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
  let app: FastifyInstance;
  let t: Awaited<ReturnType<typeof createTestDb>>;

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoIdentities(t.db);
    app = await buildTestApp(t.db, t.tenants, (await import('node:fs')).mkdtempSync('/tmp/vt-handoff-'));
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await t.close().catch(() => undefined);
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
    appA = await buildTestApp(t.db, t.tenants, dir);
    appB = await buildTestApp(dbB, t.tenants, dir);
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
