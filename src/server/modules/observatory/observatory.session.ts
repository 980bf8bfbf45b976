/**
 * The observatory's own sign-in cookie. Officers' accounts are global (not a council's citizens or staff),
 * so they do not use the identity module's council-scoped sessions: the cookie holds a random session token,
 * signed by @fastify/cookie with SESSION_SECRET, whose hash is a row in global_obs_sessions; a CSRF token
 * (HMAC of the cookie value) must accompany unsafe requests. Signing out ends the row, so a copied cookie
 * stops working; a role change takes effect at once because the account is re-read on every request.
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
  isHttpsOnly: boolean;
}

export function csrfTokenFor(cookieValue: string, secret: string): string {
  return createHmac('sha256', secret).update(`obs-csrf:${cookieValue}`).digest('base64url');
}

/** Opens a session for the account, sets the cookie and returns the CSRF token for it. */
export async function startObsSession(reply: FastifyReply, accountId: string, service: ObservatoryService, opts: ObsSessionOptions): Promise<string> {
  const value = await service.startSession(accountId, OBS_SESSION_TTL_MS);
  reply.setCookie(OBS_COOKIE, value, {
    httpOnly: true, sameSite: 'lax', secure: opts.isHttpsOnly, path: '/', signed: true, maxAge: OBS_SESSION_TTL_MS / 1000,
  });
  return csrfTokenFor(value, opts.secret);
}

/** Ends the request's session on the server (when there is one) and clears the cookie. */
export async function endObsSession(req: FastifyRequest, reply: FastifyReply, service: ObservatoryService, opts: ObsSessionOptions): Promise<void> {
  const value = cookieValue(req);
  if (value) await service.endSession(value);
  reply.clearCookie(OBS_COOKIE, { httpOnly: true, sameSite: 'lax', secure: opts.isHttpsOnly, path: '/' });
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
  if (UNSAFE.has(req.method)) {
    const header = req.headers[OBS_CSRF_HEADER];
    const expected = Buffer.from(csrfTokenFor(value, opts.secret));
    const got = Buffer.from(typeof header === 'string' ? header : '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new AppError('common.csrf', { status: 403 });
  }
  return service.actorForSession(value);
}

/** The CSRF token for the current cookie (null when signed out). */
export function currentCsrfToken(req: FastifyRequest, opts: ObsSessionOptions): string | null {
  const value = cookieValue(req);
  return value ? csrfTokenFor(value, opts.secret) : null;
}
