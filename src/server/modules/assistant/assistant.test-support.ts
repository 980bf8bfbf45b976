/** Chatting with the real app through app.inject, for the assistant's tests: sign in, start, send, read replies. */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { CSRF_HEADER, SESSION_COOKIE } from '../identity/index.ts';
import type { Reply } from './assistant.ports.ts';
import { CONVERSATION_COOKIE } from './assistant.routes.ts';

export interface ChatSession {
  cookie: string;
  csrf?: string;
}

export interface Conv {
  id: string;
  headers: Record<string, string>;
  replies: Reply[];
}

/** A citizen's session in Alicante from a demo card and PIN. */
export async function signIn(app: FastifyInstance, card: string, pin: string): Promise<ChatSession> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': 'alacant' }, payload: { card, pin } });
  expect(res.statusCode).toBe(200);
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no session cookie');
  return { cookie: `${SESSION_COOKIE}=${c.value}`, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

/** Starts a conversation in Alicante (as the session's citizen when given). */
export async function startChat(app: FastifyInstance, opts: { lang?: string; session?: ChatSession; body?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<Conv> {
  const headers: Record<string, string> = { 'x-tenant': 'alacant', ...opts.headers };
  if (opts.session) {
    headers.cookie = opts.session.cookie;
    if (opts.session.csrf) headers[CSRF_HEADER] = opts.session.csrf;
  }
  const res = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers, payload: { ...(opts.lang ? { lang: opts.lang } : {}), ...opts.body } });
  expect(res.statusCode).toBe(201);
  const body = res.json<{ id: string; replies: Reply[] }>();
  const owner = res.cookies.find((c) => c.name === CONVERSATION_COOKIE);
  if (!owner) throw new Error('no owner cookie');
  const cookie = [`${CONVERSATION_COOKIE}=${owner.value}`, ...(opts.session ? [opts.session.cookie] : [])].join('; ');
  return { id: body.id, headers: { ...headers, cookie }, replies: body.replies };
}

/** One message or quick-reply action; expects 200 and returns the replies. */
export async function sendChat(app: FastifyInstance, conv: Conv, msg: { text?: string; action?: string }): Promise<Reply[]> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/conversations/${conv.id}/messages`, headers: conv.headers, payload: msg });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ replies: Reply[] }>().replies;
}

export const texts = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'text' ? [r.text] : [])).join('\n');
export const options = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'quick_replies' ? r.options : []));
export const cards = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'card' ? [r.card] : []));
