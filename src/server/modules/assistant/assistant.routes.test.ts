import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import type { Db } from '../../db/db.ts';
import { t } from '../../i18n.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../identity/index.ts';
import type { Reply } from './assistant.ports.ts';
import { cards, options, sendChat, signIn as signInAs, startChat, texts, type ChatSession, type Conv } from './assistant.test-support.ts';

let ta: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  ta = await createTestApp();
  app = ta.app;
  await seedDemoIdentities(ta.t.db);
  await seedDemoRegisters(ta.t.db, ta.t.tenants.map((x) => x.profile));
}, 180_000);
afterAll(async () => {
  await ta.close();
});

async function signIn(card: string, pin: string): Promise<ChatSession> {
  return signInAs(app, card, pin);
}

async function staffSignIn(email: string, password: string): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: { 'x-tenant': 'alacant' }, payload: { email, password } });
  expect(res.statusCode).toBe(200);
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no session cookie');
  return { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${c.value}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
}

const start = (opts: Parameters<typeof startChat>[1] = {}) => startChat(app, opts);

/** Adds the session cookie (and CSRF token) to a conversation started anonymously. */
function withSession(conv: Conv, s: ChatSession): Conv {
  return { ...conv, headers: { ...conv.headers, cookie: `${conv.headers.cookie}; ${s.cookie}`, ...(s.csrf ? { [CSRF_HEADER]: s.csrf } : {}) } };
}

const send = (conv: Conv, msg: { text?: string; action?: string }, on: FastifyInstance = app) => sendChat(on, conv, msg);

describe('conversations', () => {
  it('starts with a welcome in the asked language and quick replies for every procedure', async () => {
    const conv = await start({ lang: 'ca' });
    expect(texts(conv.replies)).toContain('assistent');
    expect(options(conv.replies).map((o) => o.payload)).toEqual(expect.arrayContaining(['intent:appointment.book', 'intent:certificate.padron', 'handoff']));
    const row = await ta.t.db.query<{ language: string; status: string; channel: string }>(`SELECT language, status, channel FROM conversations WHERE id = $1`, [conv.id]);
    expect(row.rows[0]).toEqual({ language: 'ca', status: 'active', channel: 'web' });
  });

  it('books an appointment by chat end to end in Spanish, with real availability and a confirmation', async () => {
    const maria = await signIn('4000000000000001', '1234');
    const conv = await start({ lang: 'es', session: maria });
    let r = await send(conv, { text: 'quiero pedir cita' });
    expect(texts(r)).toContain('¿Para qué es la cita?');
    r = await send(conv, { action: 'val:padron' });
    expect(texts(r)).toContain('¿En qué oficina?');
    r = await send(conv, { text: 'en benalua' });
    expect(texts(r)).toContain('«el jueves»');
    r = await send(conv, { text: 'pues no se' });
    expect(texts(r)).toContain('No he entendido la fecha');
    r = await send(conv, { action: 'val:soonest' });
    const slots = options(r).filter((o) => o.payload.startsWith('val:'));
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.length).toBeLessThanOrEqual(3);
    r = await send(conv, { action: slots[0]?.payload ?? '' });
    expect(texts(r)).toMatch(/Cita de «Padrón y certificados» en Oficina de Benalúa.*¿La confirmo\?/);
    r = await send(conv, { text: 'si' });
    expect(texts(r)).toMatch(/Cita reservada: Padrón y certificados en Oficina de Benalúa .* Código: CITA-/);
    const doc = cards(r)[0];
    expect(doc).toMatchObject({ kind: 'document', code: expect.stringMatching(/^CITA-/) });
    expect(doc?.links?.[0]?.url).toMatch(/\/api\/v1\/appointments\/.+\/ics$/);
    // The link works for the citizen (a calendar file), not for anyone without her session.
    const calendar = await app.inject({ method: 'GET', url: doc?.links?.[0]?.url ?? '', headers: conv.headers });
    expect(calendar.statusCode).toBe(200);
    expect(calendar.body).toMatch(/BEGIN:VCALENDAR[\s\S]*Benalúa/);
    expect((await app.inject({ method: 'GET', url: doc?.links?.[0]?.url ?? '', headers: { 'x-tenant': 'alacant' } })).statusCode).toBe(401);
    const booked = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM appointments WHERE tenant_id = 'alacant' AND dni = '12345678Z' AND status = 'booked'`);
    expect(booked.rows[0]?.n).toBe(1);
    // Every step of the dialog is in the audit log under María's DNI, with field names and no values.
    const steps = await ta.t.db.query<{ action: string; actor_id: string; details: { procedure?: string; filled?: string[] } }>(
      `SELECT action, actor_id, details FROM audit_log WHERE subject_type = 'conversation' AND subject_id = $1 ORDER BY id`, [conv.id]);
    const actions = steps.rows.map((r) => r.action);
    expect(actions[0]).toBe('assistant.procedure_started');
    expect(actions).toContain('assistant.procedure_step');
    expect(actions.at(-1)).toBe('assistant.procedure_left');
    expect(new Set(steps.rows.map((r) => r.actor_id))).toEqual(new Set(['12345678Z']));
    expect(steps.rows.flatMap((r) => r.details.filled ?? [])).toContain('officeId');
    expect(JSON.stringify(steps.rows)).not.toMatch(/benalua|Benalúa/i);
  });

  it('answers messages to one conversation one at a time: a double tap on "yes" books once and the turns stay in order', async () => {
    const josep = await signIn('4000000000000002', '2345');
    const conv = await start({ lang: 'es', session: josep });
    await send(conv, { text: 'quiero pedir cita' });
    await send(conv, { action: 'val:padron' });
    await send(conv, { text: 'en benalua' });
    const r = await send(conv, { action: 'val:soonest' });
    const slot = options(r).find((o) => o.payload.startsWith('val:'));
    await send(conv, { action: slot?.payload ?? '' });
    const taps = await Promise.all([1, 2, 3].map(() => app.inject({ method: 'POST', url: `/api/v1/conversations/${conv.id}/messages`, headers: conv.headers, payload: { text: 'si' } })));
    expect(taps.map((t) => t.statusCode)).toEqual([200, 200, 200]);
    expect(taps.filter((t) => /Cita reservada/.test(t.body))).toHaveLength(1);
    // The later taps start from the finished booking, not from the same confirmation (which would try to book again).
    expect(taps.filter((t) => /Ya tiene una cita/.test(t.body))).toHaveLength(0);
    const booked = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM appointments WHERE tenant_id = 'alacant' AND dni = '23456789D' AND status = 'booked'`);
    expect(booked.rows[0]?.n).toBe(1);
    // The welcome, five exchanges before the taps and one exchange per tap: 1 + 2 × (5 + 3) = 17 turns, alternating.
    const roles = (await ta.t.db.query<{ role: string }>(`SELECT role FROM conversation_turns WHERE conversation_id = $1 ORDER BY seq`, [conv.id])).rows.map((x) => x.role);
    expect(roles).toHaveLength(17);
    expect(roles).toEqual(['assistant', ...Array.from({ length: 8 }, () => ['citizen', 'assistant']).flat()]);
    const lock = await ta.t.db.query<{ turn_lock_until: Date | null }>(`SELECT turn_lock_until FROM conversations WHERE id = $1`, [conv.id]);
    expect(lock.rows[0]?.turn_lock_until).toBeNull();
  });

  it('issues a padrón certificate by chat in Valencian after the citizen signs in, and returns it as a document card', async () => {
    let conv = await start({ lang: 'ca' });
    let r = await send(conv, { text: 'vull el certificat de padró' });
    expect(cards(r)[0]).toMatchObject({ kind: 'signin' });
    expect(texts(r)).toContain('necessite saber qui sou');
    const josep = await signIn('4000000000000002', '2345');
    conv = withSession(conv, josep);
    r = await send(conv, { action: 'val:signed-in' });
    expect(texts(r)).toContain('Quin certificat voleu');
    r = await send(conv, { text: 'col·lectiu' });
    expect(texts(r)).toContain('Ho confirme?');
    r = await send(conv, { text: "d'acord" });
    expect(texts(r)).toContain('Codi de verificació');
    const doc = cards(r)[0];
    expect(doc).toMatchObject({ kind: 'document', title: expect.stringContaining('col·lectiu') });
    expect(doc?.url).toMatch(/^\/t\/alacant\/api\/v1\/certificates\/padron\/[^/]+\/pdf$/);
    expect(doc?.links?.[0]?.url).toMatch(/\/verify\//);
    const issued = await ta.t.db.query<{ kind: string }>(`SELECT kind FROM issued_documents WHERE tenant_id = 'alacant' AND subject_dni = '23456789D'`);
    expect(issued.rows.map((x) => x.kind)).toContain('padron_collective');
  });

  it('answers in English when the citizen writes in English, and "cancel" stops the procedure without doing anything', async () => {
    const amina = await signIn('4000000000000003', '3456');
    const conv = await start({ lang: 'es', session: amina });
    let r = await send(conv, { text: 'I want to book an appointment please' });
    expect(texts(r)).toContain('What is the appointment for?');
    r = await send(conv, { text: 'cancel' });
    expect(texts(r)).toContain('Nothing was submitted');
    const row = await ta.t.db.query<{ language: string; state: { active?: unknown } }>(`SELECT language, state FROM conversations WHERE id = $1`, [conv.id]);
    expect(row.rows[0]?.language).toBe('en');
    expect(row.rows[0]?.state.active).toBeUndefined();
  });

  it('goes back one step with "arrere" and starts again with "tornar a començar"', async () => {
    const vicent = await signIn('4000000000000004', '4567');
    const conv = await start({ lang: 'ca', session: vicent });
    await send(conv, { text: 'vull demanar cita' });
    let r = await send(conv, { action: 'val:padron' });
    expect(texts(r)).toContain('En quina oficina?');
    r = await send(conv, { text: 'arrere' });
    expect(texts(r)).toContain('Tornem arrere');
    expect(texts(r)).toContain('Per a què és la cita?');
    r = await send(conv, { text: 'tornar a començar' });
    expect(texts(r)).toContain('Tornem a començar');
    r = await send(conv, { text: 'atrás' });
    expect(texts(r)).toContain('No hi ha cap pas anterior');
  });

  it('asks before abandoning a procedure for another topic, and switches only when told to', async () => {
    const maria = await signIn('4000000000000001', '1234');
    const conv = await start({ lang: 'es', session: maria });
    await send(conv, { text: 'quiero pedir cita' });
    await send(conv, { action: 'val:padron' });
    let r = await send(conv, { text: 'quiero pagar una multa' });
    expect(texts(r)).toContain('¿Lo dejamos y pasamos a «Pagar una multa»?');
    expect(options(r).map((o) => o.payload)).toEqual(['switch:yes', 'switch:no']);
    r = await send(conv, { action: 'switch:no' });
    expect(texts(r)).toContain('seguimos donde estábamos');
    expect(texts(r)).toContain('¿En qué oficina?');
    await send(conv, { text: 'quiero pagar una multa' });
    r = await send(conv, { action: 'switch:yes' });
    expect(texts(r)).toMatch(/Tiene 1 multa pendiente:/);
    expect(texts(r)).toContain('con la reducción del 50 %');
  });

  it('carries on a conversation stored before the dialog flows (JSON strings inside slots): the next message starts afresh', async () => {
    const maria = await signIn('4000000000000001', '1234');
    const conv = await start({ lang: 'es', session: maria });
    const old = { misunderstandings: 0, active: { intent: 'appointment.book', step: 'slot', slots: { serviceId: 'padron', offered: '[{"value":"2026-12-03T09:00:00+01:00","label":"x"}]' }, history: [] } };
    await ta.t.db.query(`UPDATE conversations SET state = $2::jsonb WHERE id = $1`, [conv.id, JSON.stringify(old)]);
    const r = await send(conv, { text: '1' });
    expect(texts(r)).toContain('no le he entendido');
    const row = await ta.t.db.query<{ state: { active?: unknown; misunderstandings: number } }>(`SELECT state FROM conversations WHERE id = $1`, [conv.id]);
    expect(row.rows[0]?.state).toEqual({ misunderstandings: 1 });
  });

  it('says "I do not know" and offers a person when the Q&A has no confident answer', async () => {
    const conv = await start({ lang: 'es' });
    const r = await send(conv, { text: '¿a qué hora abre la biblioteca municipal los sábados?' });
    expect(texts(r)).toContain('No lo sé con seguridad');
    expect(options(r).map((o) => o.payload)).toContain('handoff');
  });

  it('switches topic at once when nothing was filled in yet', async () => {
    const maria = await signIn('4000000000000001', '1234');
    const conv = await start({ lang: 'es', session: maria });
    await send(conv, { text: 'quiero pedir cita' });
    const r = await send(conv, { text: 'necesito el empadronamiento' });
    expect(texts(r)).toContain('¿Qué certificado quiere');
  });

  it('asks with quick replies when the two likeliest intents are close', async () => {
    const conv = await start({ lang: 'es' });
    // "pagar cita": paying, or an appointment? The two likeliest intents are close, so it asks.
    const r = await send(conv, { text: 'pagar cita' });
    expect(texts(r)).toContain('¿Es una de estas?');
    const asked = options(r).map((o) => o.payload);
    expect(asked).toHaveLength(2);
    expect(asked).toContain('intent:appointment.book');
    const next = await send(conv, { action: 'intent:appointment.book' });
    expect(cards(next)[0]).toMatchObject({ kind: 'signin' });
  });

  it('offers a person after two misunderstandings in a row, and queues a hand-off request when accepted', async () => {
    const conv = await start({ lang: 'es' });
    let r = await send(conv, { text: 'asdf qwerty' });
    expect(texts(r)).toContain('no le he entendido');
    r = await send(conv, { text: 'blorf zzz' });
    expect(texts(r)).toContain('¿Quiere que le atienda una persona?');
    expect(options(r).map((o) => o.payload)).toContain('handoff');
    r = await send(conv, { action: 'handoff' });
    expect(texts(r)).toContain('He pedido que le atienda una persona');
    const conversation = await ta.t.db.query<{ status: string }>(`SELECT status FROM conversations WHERE id = $1`, [conv.id]);
    expect(conversation.rows[0]?.status).toBe('waiting_human');
    const req = await ta.t.db.query<{ reason: string; status: string; channel: string }>(`SELECT reason, status, channel FROM handoff_requests WHERE conversation_id = $1`, [conv.id]);
    expect(req.rows).toEqual([{ reason: 'misunderstood', status: 'queued', channel: 'web' }]);
    const ev = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type = 'assistant.handoff' AND data->>'conversationId' = $1`, [conv.id]);
    expect(ev.rows[0]?.n).toBe(1);
  });

  it('hands over at once when the citizen asks for a person', async () => {
    const conv = await start({ lang: 'en' });
    const r = await send(conv, { text: 'I want to talk to a real person' });
    expect(texts(r)).toContain('I have asked for a person');
    const req = await ta.t.db.query<{ reason: string }>(`SELECT reason FROM handoff_requests WHERE conversation_id = $1`, [conv.id]);
    expect(req.rows[0]?.reason).toBe('asked');
  });

  it('gives the emergency numbers 112 and 024 at once to a crisis message, as tel: links the citizen can press', async () => {
    const conv = await start({ lang: 'es' });
    const r = await send(conv, { text: 'me quiero matar' });
    expect(texts(r)).toContain('112');
    expect(texts(r)).toContain('024');
    const crisis = r.find((x) => x.type === 'text');
    expect(crisis).toEqual({ type: 'text', text: t('es', 'moderation:crisis.self_harm.text'), easyRead: t('es', 'moderation:crisis.self_harm.easyRead') });
    expect(cards(r)).toEqual([{ kind: 'link', title: 'Llame ahora', links: [{ title: 'Llamar al 024 (ayuda si piensa en el suicidio)', url: 'tel:024' }, { title: 'Llamar al 112 (emergencias)', url: 'tel:112' }] }]);
    // A person is called at once: the request is queued, not merely offered.
    const queued = await ta.t.db.query<{ reason: string; status: string }>('SELECT reason, status FROM handoff_requests WHERE conversation_id = $1', [conv.id]);
    expect(queued.rows).toEqual([{ reason: 'crisis', status: 'queued' }]);
  });

  it('adds 016 to the links when the danger comes from a partner', async () => {
    const conv = await start({ lang: 'es' });
    const r = await send(conv, { text: 'mi marido me pega' });
    expect(cards(r).flatMap((c) => c.links ?? []).map((l) => l.url)).toEqual(['tel:112', 'tel:016', 'tel:024']);
  });

  it('answers abuse calmly, then warns, then ends the chat at the third message: later messages are refused', async () => {
    const conv = await start({ lang: 'es' });
    const first = texts(await send(conv, { text: 'eres un idiota' }));
    expect(first).toBe(t('es', 'moderation:abuse.calm.text'));
    const second = texts(await send(conv, { text: 'idiota inutil' }));
    expect(second).toBe(t('es', 'moderation:abuse.warning.text'));
    const third = await app.inject({ method: 'POST', url: `/api/v1/conversations/${conv.id}/messages`, headers: conv.headers, payload: { text: 'eres un idiota' } });
    expect(third.statusCode).toBe(200);
    const ended = third.json<{ replies: Reply[]; status: string }>();
    expect(texts(ended.replies)).toBe(t('es', 'moderation:abuse.end.text'));
    expect(ended.status).toBe('closed');
    expect(JSON.stringify([first, second, ended])).not.toContain('idiota');
    const row = await ta.t.db.query<{ status: string; state: { abuseCount?: number } }>(`SELECT status, state FROM conversations WHERE id = $1`, [conv.id]);
    expect(row.rows[0]).toMatchObject({ status: 'closed', state: { abuseCount: 3 } });
    const after = await app.inject({ method: 'POST', url: `/api/v1/conversations/${conv.id}/messages`, headers: conv.headers, payload: { text: 'hola' } });
    expect(after.statusCode).toBe(409);
    expect(after.json<{ error: { code: string } }>().error.code).toBe('assistant.conversation_closed');
  });

  it('answers an insult calmly without repeating it', async () => {
    const conv = await start({ lang: 'es' });
    const r = await send(conv, { text: 'eres un idiota' });
    expect(texts(r)).toContain('Estoy aquí para ayudarle');
    expect(texts(r)).not.toContain('idiota');
  });

  it('stores transcripts redacted: a DNI and an e-mail typed in chat are nowhere in the database, only entity types', async () => {
    const conv = await start({ lang: 'es' });
    await send(conv, { text: 'mi dni es 12345678Z y mi correo es maria.garcia@example.org' });
    const turns = await ta.t.db.query<{ text: string; entity_types: string[] | null; replies: unknown }>(`SELECT text, entity_types, replies FROM conversation_turns WHERE conversation_id = $1 ORDER BY seq`, [conv.id]);
    const all = JSON.stringify(turns.rows);
    expect(all).not.toContain('12345678Z');
    expect(all).not.toContain('maria.garcia@example.org');
    const citizen = turns.rows[1];
    expect(citizen?.text).toBe('mi dni es [DNI] y mi correo es [EMAIL]');
    expect(citizen?.entity_types).toEqual(expect.arrayContaining(['dni', 'email']));
    const state = await ta.t.db.query<{ state: unknown }>(`SELECT state FROM conversations WHERE id = $1`, [conv.id]);
    expect(JSON.stringify(state.rows[0])).not.toContain('12345678Z');
    const transcript = await app.inject({ method: 'GET', url: `/api/v1/conversations/${conv.id}`, headers: conv.headers });
    expect(transcript.statusCode).toBe(200);
    expect(transcript.body).not.toContain('12345678Z');
  });

  it('records an assistant.query event per message with language, channel and kiosk', async () => {
    const kioskHeaders = { 'x-kiosk-id': 'alacant-mercat', 'x-kiosk-token': 'demo-kiosk-alacant-mercat' };
    const conv = await start({ lang: 'es', body: { channel: 'kiosk' }, headers: kioskHeaders });
    await send(conv, { text: 'hola' });
    const ev = await ta.t.db.query<{ language: string; channel: string; kiosk_id: string | null; data: { intent: string; resolved: boolean } }>(
      `SELECT language, channel, kiosk_id, data FROM events WHERE type = 'assistant.query' ORDER BY id DESC LIMIT 1`,
    );
    expect(ev.rows[0]).toMatchObject({ language: 'es', channel: 'kiosk', kiosk_id: 'alacant-mercat', data: { intent: 'greeting', resolved: true } });
  });

  it('LOW-7: a client that only says it is a kiosk, without the kiosk token, is recorded as the web', async () => {
    const conv = await start({ lang: 'es', body: { channel: 'kiosk', kioskId: 'alacant-mercat' } });
    const row = await ta.t.db.query<{ channel: string; kiosk_id: string | null }>(`SELECT channel, kiosk_id FROM conversations WHERE id = $1`, [conv.id]);
    expect(row.rows[0]).toEqual({ channel: 'web', kiosk_id: null });
    const wrongToken = await start({ lang: 'es', body: { channel: 'kiosk' }, headers: { 'x-kiosk-id': 'alacant-mercat', 'x-kiosk-token': 'guessed-token-0000' } });
    const row2 = await ta.t.db.query<{ channel: string; kiosk_id: string | null }>(`SELECT channel, kiosk_id FROM conversations WHERE id = $1`, [wrongToken.id]);
    expect(row2.rows[0]).toEqual({ channel: 'web', kiosk_id: null });
  });

  it('never shows a conversation to another browser or person: 404 for the transcript and for new messages', async () => {
    const conv = await start({ lang: 'es' });
    const other = await start({ lang: 'es' });
    const stranger = { 'x-tenant': 'alacant', cookie: other.headers.cookie ?? '' };
    const read = await app.inject({ method: 'GET', url: `/api/v1/conversations/${conv.id}`, headers: stranger });
    expect(read.statusCode).toBe(404);
    expect(read.json<{ error: { code: string } }>().error.code).toBe('assistant.conversation_not_found');
    expect((await app.inject({ method: 'GET', url: `/api/v1/conversations/${conv.id}`, headers: { 'x-tenant': 'alacant' } })).statusCode).toBe(404);
    const post = await app.inject({ method: 'POST', url: `/api/v1/conversations/${conv.id}/messages`, headers: stranger, payload: { text: 'hola' } });
    expect(post.statusCode).toBe(404);
    // The live feed too: no stream of someone else's turns.
    const feed = await app.inject({ method: 'GET', url: `/api/v1/conversations/${conv.id}/events`, headers: stranger });
    expect(feed.statusCode).toBe(404);
    const maria = await signIn('4000000000000001', '1234');
    const asMaria = await app.inject({ method: 'GET', url: `/api/v1/conversations/${conv.id}`, headers: { 'x-tenant': 'alacant', cookie: maria.cookie } });
    expect(asMaria.statusCode).toBe(404);
    const mine = await app.inject({ method: 'GET', url: `/api/v1/conversations/${conv.id}`, headers: conv.headers });
    expect(mine.statusCode).toBe(200);
  });
});

describe('mentored learning', () => {
  it('lists misunderstood turns to staff, relabels one into the training phrases and retrains with before/after figures', async () => {
    const conv = await start({ lang: 'es' });
    await send(conv, { text: 'me urge lo del empadronamiento de mi nieta 12345678Z' });
    await send(conv, { text: 'asdf qwerty' });
    const editor = await staffSignIn('editor@alacant.example.org', 'demo-editor-alacant');
    const list = await app.inject({ method: 'GET', url: '/api/v1/nlu/review?misunderstood=true', headers: editor });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: { id: number; text: string; isMisunderstood: boolean }[] }>().items;
    const item = items.find((i) => i.text === 'asdf qwerty');
    expect(item?.isMisunderstood).toBe(true);
    expect(JSON.stringify(items)).not.toContain('12345678Z');
    const low = await app.inject({ method: 'GET', url: '/api/v1/nlu/review?maxConfidence=1', headers: editor });
    expect(low.json<{ items: { text: string }[] }>().items.some((i) => i.text.includes('[DNI]'))).toBe(true);

    const labelled = await app.inject({ method: 'POST', url: `/api/v1/nlu/review/${item?.id ?? 0}/label`, headers: editor, payload: { intent: 'greeting' } });
    expect(labelled.statusCode).toBe(200);
    expect(labelled.json()).toMatchObject({ intent: 'greeting', language: expect.any(String) });
    const phrase = await ta.t.db.query<{ intent: string; source: string }>(`SELECT intent, source FROM nlu_training_phrases WHERE tenant_id = 'alacant' AND text = 'asdf qwerty'`);
    expect(phrase.rows).toEqual([{ intent: 'greeting', source: 'relabel' }]);
    const again = await app.inject({ method: 'GET', url: '/api/v1/nlu/review?misunderstood=true', headers: editor });
    expect(again.json<{ items: { id: number }[] }>().items.map((i) => i.id)).not.toContain(item?.id);

    const retrain = await app.inject({ method: 'POST', url: '/api/v1/nlu/retrain', headers: editor });
    expect(retrain.statusCode).toBe(200);
    const figures = retrain.json<{ examples: number; before: { heldOut: { accuracy: number } }; after: { heldOut: { accuracy: number } } }>();
    expect(figures.before.heldOut.accuracy).toBeGreaterThan(0.8);
    expect(figures.after.heldOut.accuracy).toBeGreaterThan(0.8);
    // The retrained model is live without a restart.
    const parsed = await app.inject({ method: 'POST', url: '/api/v1/nlu/parse', headers: { 'x-tenant': 'alacant' }, payload: { text: 'asdf qwerty' } });
    expect(parsed.json<{ intent: { name: string } }>().intent.name).toBe('greeting');
  }, 60_000);

  it('keeps the review API to admins and editors', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/nlu/review', headers: { 'x-tenant': 'alacant' } })).statusCode).toBe(401);
    const agent = await staffSignIn('agent@alacant.example.org', 'demo-agent-alacant');
    expect((await app.inject({ method: 'GET', url: '/api/v1/nlu/review', headers: agent })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/nlu/retrain', headers: agent })).statusCode).toBe(403);
  });
});

describe('restarts and the live channel', () => {
  it('continues a conversation on a second app instance over the same database, and streams its turns over SSE', async () => {
    const config = loadConfig({}, { DATA_DIR: ta.dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000 });
    // The second instance borrows the database: closing it must leave the connection to the first app.
    const db = ta.t.db;
    const borrowed: Db = { kind: db.kind, query: (sql, params) => db.query(sql, params), exec: (sql) => db.exec(sql), transaction: (fn) => db.transaction(fn), listen: (ch, fn) => db.listen(ch, fn), notify: (ch, p) => db.notify(ch, p), close: async () => undefined };
    const second = await buildApp({ config, db: borrowed, tenants: ta.t.tenants, logger: false });
    await second.ready();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const abort = new AbortController();
    try {
      const maria = await signIn('4000000000000001', '1234');
      const conv = await start({ lang: 'es', session: maria });
      await send(conv, { text: 'quiero pedir cita' });
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/conversations/${conv.id}/events`, { headers: conv.headers, signal: abort.signal });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body?.getReader();
      if (!reader) throw new Error('no body');
      let streamed = '';
      const readUntil = async (needle: string) => {
        const deadline = Date.now() + 10_000;
        while (!streamed.includes(needle) && Date.now() < deadline) {
          const chunk = await reader.read();
          if (chunk.done) break;
          streamed += new TextDecoder().decode(chunk.value);
        }
      };
      await readUntil('¿Para qué es la cita?');
      expect(streamed).toContain('id: 3');
      // The second instance knows nothing in memory: the slots it continues from come from the database.
      const r = await send(conv, { action: 'val:padron' }, second);
      expect(texts(r)).toContain('¿En qué oficina?');
      await readUntil('¿En qué oficina?');
      expect(streamed).toContain('¿En qué oficina?');
    } finally {
      abort.abort();
      await second.close();
    }
  }, 30_000);
});
