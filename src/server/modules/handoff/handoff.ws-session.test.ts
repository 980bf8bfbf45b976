import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { CSRF_HEADER, IdentityService, seedDemoIdentities, SESSION_COOKIE } from '../identity/index.ts';
import { EVENT_RECHECK_MS, SESSION_ENDED_CLOSE_CODE, SESSION_RECHECK_MS } from './handoff.socket-session.ts';

// MEDIUM-4: a real `ws` client against a listening app, so close codes and frames are what a browser would see.

type Json = Record<string, unknown>;
interface Turn {
  role: string;
  text: string;
}
const T = { 'x-tenant': 'alacant' };
const PASSWORD = 'a long agent passphrase';

let app: FastifyInstance;
let t: TestDb;
let baseUrl = '';
let identity: IdentityService;
let n = 0;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  t = await createTestDb();
  await seedDemoIdentities(t.db);
  const config = loadConfig({}, { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'vt-handoff-ws-')), NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000 });
  identity = new IdentityService({ db: t.db, config });
  app = await buildApp({ config, db: t.db, tenants: t.tenants, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 60_000);
afterEach(() => {
  vi.useRealTimers();
  for (const ws of sockets.splice(0)) ws.terminate();
});
afterAll(async () => {
  await app.close();
  await t.close().catch(() => undefined);
});

/** A fresh agent (its own account, so disabling it touches no other test), signed in over HTTP. */
async function newAgent(roles: ('agent' | 'admin' | 'editor')[] = ['agent']): Promise<{ id: string; cookie: string; csrf: string }> {
  const email = `ws-agent-${++n}@alacant.example.org`;
  const { id } = await identity.createStaff({ tenantId: 'alacant', email, name: `Agent ${n}`, password: PASSWORD, roles });
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: T, payload: { email, password: PASSWORD } });
  expect(res.statusCode).toBe(200);
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no staff session');
  const cookie = `${SESSION_COOKIE}=${c.value}`;
  const csrf = (await app.inject({ url: '/api/v1/auth/csrf', headers: { ...T, cookie } })).json<{ token: string }>().token;
  return { id, cookie, csrf };
}

/** A citizen conversation waiting for a person, accepted by `agent`: its id, token and request id. */
async function acceptedConversation(agent: { cookie: string; csrf: string }): Promise<{ id: string; token: string; requestId: number }> {
  const start = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers: T, payload: { lang: 'es' } });
  const { id, token } = start.json<{ id: string; token: string }>();
  const msg = await app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/messages`, headers: { ...T, 'x-conversation-token': token }, payload: { text: 'quiero hablar con una persona' } });
  expect(msg.json<Json>().status).toBe('waiting_human');
  const inbox = await app.inject({ url: '/api/v1/handoff/requests', headers: { ...T, cookie: agent.cookie } });
  const item = inbox.json<{ items: { id: number; conversationId: string }[] }>().items.find((i) => i.conversationId === id);
  if (!item) throw new Error('request not in the inbox');
  const acc = await app.inject({ method: 'POST', url: `/api/v1/handoff/requests/${item.id}/accept`, headers: { ...T, cookie: agent.cookie, [CSRF_HEADER]: agent.csrf } });
  expect(acc.statusCode).toBe(200);
  return { id, token, requestId: item.id };
}

/** Opens the inbox socket with the agent's cookie; collects frames and the close code. */
async function openInbox(cookie: string) {
  const ws = new WebSocket(`ws://${baseUrl}/api/v1/handoff/ws`, { headers: { ...T, cookie } });
  sockets.push(ws);
  const seen: Json[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (raw: Buffer) => seen.push(JSON.parse(raw.toString('utf8')) as Json));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (match: (m: Json) => boolean, timeoutMs = 8000): Promise<Json> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = seen.find(match);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no matching frame; saw ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { ws, seen, closed, next, send: (m: object) => ws.send(JSON.stringify(m)) };
}

const isTurnWith = (text: string) => (m: Json) => m.type === 'turn' && (m.turn as Turn).text.includes(text);

/** The staff turns the citizen sees in their conversation. */
async function staffTurns(conv: { id: string; token: string }): Promise<string[]> {
  const tr = await app.inject({ url: `/api/v1/conversations/${conv.id}`, headers: { ...T, 'x-conversation-token': conv.token } });
  return tr.json<{ turns: Turn[] }>().turns.filter((x) => x.role === 'staff').map((x) => x.text);
}

/** Watches the request and proves the socket works by sending one message the citizen receives. */
async function liveChat(agent: { cookie: string; csrf: string }) {
  const conv = await acceptedConversation(agent);
  const inbox = await openInbox(agent.cookie);
  inbox.send({ type: 'watch', requestId: conv.requestId });
  await inbox.next((m) => m.type === 'watching');
  inbox.send({ type: 'send', requestId: conv.requestId, text: 'antes: le atiendo yo' });
  await inbox.next(isTurnWith('antes: le atiendo yo'));
  expect(await staffTurns(conv)).toContain('antes: le atiendo yo');
  return { conv, inbox };
}

async function expectRefusedAfter(conv: { id: string; token: string; requestId: number }, inbox: Awaited<ReturnType<typeof openInbox>>, text: string) {
  inbox.send({ type: 'send', requestId: conv.requestId, text });
  const closed = await inbox.closed;
  expect(closed).toEqual({ code: SESSION_ENDED_CLOSE_CODE, reason: 'session_ended' });
  expect(inbox.seen.some(isTurnWith(text))).toBe(false);
  expect(await staffTurns(conv)).not.toContain(text);
  const sent = await t.db.query<{ n: number }>(
    `SELECT count(*)::int8 AS n FROM audit_log WHERE tenant_id = 'alacant' AND action = 'handoff.message_sent' AND subject_id = $1`,
    [conv.id],
  );
  expect(sent.rows[0]?.n).toBe(1);
}

describe('the staff inbox socket follows its session (MEDIUM-4)', () => {
  it('MEDIUM-4: after the agent signs out over HTTP, a send on the open socket is not delivered to the citizen and the socket closes with 4401', async () => {
    const agent = await newAgent();
    const { conv, inbox } = await liveChat(agent);
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...T, cookie: agent.cookie, [CSRF_HEADER]: agent.csrf } });
    expect(out.statusCode).toBe(200);
    await expectRefusedAfter(conv, inbox, 'después de cerrar sesión');
  });

  it('MEDIUM-4: a staff member disabled while the socket is open cannot send on it; it closes with 4401', async () => {
    const agent = await newAgent();
    const { conv, inbox } = await liveChat(agent);
    await t.db.query('UPDATE staff_accounts SET disabled_at = now() WHERE id = $1', [agent.id]);
    await expectRefusedAfter(conv, inbox, 'cuenta desactivada');
  });

  it('MEDIUM-4: a staff member whose agent role is removed cannot send on the socket; it closes with 4401', async () => {
    const agent = await newAgent();
    const { conv, inbox } = await liveChat(agent);
    await t.db.query(`UPDATE staff_accounts SET roles = '{editor}'::text[] WHERE id = $1`, [agent.id]);
    await expectRefusedAfter(conv, inbox, 'sin rol de agente');
  });

  it("MEDIUM-4: after sign-out the citizen's next message is not streamed to the old socket, which closes with 4401", async () => {
    const agent = await newAgent();
    const { conv, inbox } = await liveChat(agent);
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...T, cookie: agent.cookie, [CSRF_HEADER]: agent.csrf } });
    expect(out.statusCode).toBe(200);
    // Past the window in which one check may serve a burst of events.
    await new Promise((r) => setTimeout(r, EVENT_RECHECK_MS + 200));
    const said = await app.inject({ method: 'POST', url: `/api/v1/conversations/${conv.id}/messages`, headers: { ...T, 'x-conversation-token': conv.token }, payload: { text: 'mi número de expediente es 4711' } });
    expect(said.statusCode).toBe(200);
    expect((await inbox.closed).code).toBe(SESSION_ENDED_CLOSE_CODE);
    expect(inbox.seen.some(isTurnWith('4711'))).toBe(false);
  });

  it('MEDIUM-4: a silent socket is closed with 4401 by the periodic check once the account is disabled, without any message from the agent', async () => {
    const agent = await newAgent();
    const { inbox } = await liveChat(agent);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // A second socket opened under fake intervals: its periodic check is the one advanced below.
    const silent = await openInbox(agent.cookie);
    await t.db.query('UPDATE staff_accounts SET disabled_at = now() WHERE id = $1', [agent.id]);
    await new Promise((r) => setTimeout(r, 100));
    expect(silent.ws.readyState).toBe(WebSocket.OPEN);
    vi.advanceTimersByTime(SESSION_RECHECK_MS);
    expect((await silent.closed).code).toBe(SESSION_ENDED_CLOSE_CODE);
    inbox.ws.terminate();
  });

  it('MEDIUM-4: an agent whose session is still valid keeps the socket, also after being made admin', async () => {
    const agent = await newAgent();
    const { conv, inbox } = await liveChat(agent);
    await t.db.query(`UPDATE staff_accounts SET roles = '{admin}'::text[] WHERE id = $1`, [agent.id]);
    inbox.send({ type: 'send', requestId: conv.requestId, text: 'sigo aquí' });
    await inbox.next(isTurnWith('sigo aquí'));
    expect(inbox.ws.readyState).toBe(WebSocket.OPEN);
  });
});
