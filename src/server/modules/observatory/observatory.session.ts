/**
 * The observatory's own sign-in cookie. Officers' accounts are global (not a council's citizens or staff),
 * so they do not use the identity module's council-scoped sessions: the cookie holds "<accountId>.<expiry>",
 * signed by @fastify/cookie with SESSION_SECRET; a CSRF token (HMAC of the cookie value) must accompany
 * unsafe requests. Stateless: signing out clears the cookie; a role change takes effect at once because
 * the account is re-read on every request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import type { ObsActor, ObservatoryService } from './observatory.service.ts';

export const OBS_COOKIE = 'vt_obs';
// Not identity's x-csrf-token: an officer may also hold a council session, whose token differs.
export const OBS_CSRF_HEADER = 'x-obs-csrf-token';
/** Eight hours of work (ms). */
export const OBS_SESSION_TTL_MS = 8 * 3600 * 1000;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ObsSessionOptions {
  secret: string;
  isProduction: boolean;
}

export function csrfTokenFor(cookieValue: string, secret: string): string {
  return createHmac('sha256', secret).update(`obs-csrf:${cookieValue}`).digest('base64url');
}

/** Sets the cookie and returns the CSRF token for it. */
export function startObsSession(reply: FastifyReply, accountId: string, opts: ObsSessionOptions, now = Date.now()): string {
  const value = `${accountId}.${now + OBS_SESSION_TTL_MS}`;
  reply.setCookie(OBS_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: opts.isProduction, path: '/', signed: true });
  return csrfTokenFor(value, opts.secret);
}

export function endObsSession(reply: FastifyReply, opts: ObsSessionOptions): void {
  reply.clearCookie(OBS_COOKIE, { httpOnly: true, sameSite: 'lax', secure: opts.isProduction, path: '/' });
}

function cookieValue(req: FastifyRequest): string | undefined {
  const raw = req.cookies[OBS_COOKIE];
  if (!raw) return undefined;
  const u = req.unsignCookie(raw);
  return u.valid && u.value ? u.value : undefined;
}

/**
 * The actor of a request (undefined when not signed in). Throws `common.csrf` on an unsafe method
 * without the matching token, so a cross-site form cannot act with the officer's cookie.
 */
export async function readObsActor(req: FastifyRequest, service: ObservatoryService, opts: ObsSessionOptions): Promise<ObsActor | undefined> {
  const value = cookieValue(req);
  if (!value) return undefined;
  const dot = value.lastIndexOf('.');
  const accountId = value.slice(0, dot);
  const expires = Number(value.slice(dot + 1));
  if (!accountId || !Number.isFinite(expires) || expires < Date.now()) return undefined;
  if (UNSAFE.has(req.method)) {
    const header = req.headers[OBS_CSRF_HEADER];
    const expected = Buffer.from(csrfTokenFor(value, opts.secret));
    const got = Buffer.from(typeof header === 'string' ? header : '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new AppError('common.csrf', { status: 403 });
  }
  return service.actorForAccount(accountId);
}

/** The CSRF token for the current cookie (null when signed out). */
export function currentCsrfToken(req: FastifyRequest, opts: ObsSessionOptions): string | null {
  const value = cookieValue(req);
  return value ? csrfTokenFor(value, opts.secret) : null;
}
