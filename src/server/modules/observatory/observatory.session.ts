/**
 * The observatory's sign-in cookie, on the shared session kernel (src/server/sessions/). Officers' accounts are global
 * (not a council's citizens or staff), so their sessions are rows of global_obs_sessions rather than of the council-scoped
 * `sessions`, and their cookie and CSRF header are their own: an officer may also hold a council session in the same
 * browser. Everything else is the kernel's: a random token in a signed httpOnly cookie, its SHA-256 as the row id, idle
 * and absolute expiry, and a CSRF token (an HMAC of the row id) on unsafe requests. Signing out ends the row, so a copied
 * cookie stops working; a role change takes effect at once because the account is re-read on every request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokens, requireCsrf, sessionCookie, sessionIdOf, type CsrfTokens, type SessionCookie } from '../../sessions/index.ts';
import { OBS_SESSION_TTL } from './accounts.service.ts';
import type { ObsActor } from './observatory.policy.ts';
import type { ObservatoryService } from './observatory.service.ts';

export const OBS_COOKIE = 'vt_obs';
// Not identity's x-csrf-token: an officer may also hold a council session, whose token differs.
export const OBS_CSRF_HEADER = 'x-obs-csrf-token';
/** Eight hours of work (ms). */
export const OBS_SESSION_TTL_MS = OBS_SESSION_TTL.absoluteMs;

export interface ObsSessionOptions {
  secret: string;
  isHttpsOnly: boolean;
}

/** The cookie (kept for the working day, so it survives a browser restart) and the CSRF tokens. Cheap to build. */
function stackOf(opts: ObsSessionOptions): { cookie: SessionCookie; csrf: CsrfTokens } {
  return {
    cookie: sessionCookie({ name: OBS_COOKIE, isHttpsOnly: opts.isHttpsOnly, maxAgeMs: OBS_SESSION_TTL_MS }),
    csrf: csrfTokens(opts.secret, 'obs-csrf'),
  };
}

/** Opens a session for the account, sets the cookie and returns the CSRF token for it. */
export async function startObsSession(reply: FastifyReply, accountId: string, service: ObservatoryService, opts: ObsSessionOptions): Promise<string> {
  const { cookie, csrf } = stackOf(opts);
  const started = await service.startSession(accountId);
  cookie.set(reply, started.token);
  return csrf.tokenFor(started.id);
}

/** Ends the request's session on the server (when there is one) and clears the cookie. */
export async function endObsSession(req: FastifyRequest, reply: FastifyReply, service: ObservatoryService, opts: ObsSessionOptions): Promise<void> {
  const { cookie } = stackOf(opts);
  const token = cookie.read(req);
  if (token) await service.endSession(token);
  cookie.clear(reply);
}

/**
 * The actor of a request (undefined when not signed in). Throws `common.csrf` on an unsafe method
 * without the matching token, so a cross-site form cannot act with the officer's cookie.
 */
export async function readObsActor(req: FastifyRequest, service: ObservatoryService, opts: ObsSessionOptions): Promise<ObsActor | undefined> {
  const { cookie, csrf } = stackOf(opts);
  const token = cookie.read(req);
  const id = token ? sessionIdOf(token) : undefined;
  if (!token || !id) return undefined;
  requireCsrf(req, OBS_CSRF_HEADER, (given) => csrf.isValid(id, given));
  return service.actorForSession(token);
}

/** The CSRF token for the current cookie (null when signed out). */
export function currentCsrfToken(req: FastifyRequest, opts: ObsSessionOptions): string | null {
  const { cookie, csrf } = stackOf(opts);
  const token = cookie.read(req);
  const id = token ? sessionIdOf(token) : undefined;
  return id ? csrf.tokenFor(id) : null;
}
