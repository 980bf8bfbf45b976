/**
 * Loads the session on every request and sets `req.auth`; enforces CSRF on unsafe methods.
 * Registered (fastify-plugin, so its hooks reach every module) before any other module's routes.
 *
 * CSRF rule: a POST/PUT/PATCH/DELETE from a request authenticated by the session cookie must carry
 * `x-csrf-token` (from `GET /api/v1/auth/csrf` or any sign-in response), else 403 `common.csrf`.
 * Requests without a live session carry no ambient authority and are not checked. A route that is public
 * and sessionless by nature (a payment gateway's server-to-server notification) opts out with
 * `config: { csrf: false }`; sign-in routes opt out too (they require credentials and replace the session).
 *
 * The cookie and the CSRF check are the shared session kernel's (src/server/sessions/), as the observatory's are;
 * only the names and the store (council-scoped rows of `sessions`) are identity's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import '../../http-types.ts';
import { requireCsrf, sessionCookie } from '../../sessions/index.ts';
import type { IdentityService, SignedIn } from './identity.service.ts';

export const SESSION_COOKIE = 'vt_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route never needs a CSRF token (public, sessionless endpoints only). */
    csrf?: boolean;
  }
}

export interface SessionPluginOptions {
  identity: IdentityService;
  isHttpsOnly: boolean;
}

/** The cookie value, when the signature holds. */
export function readSessionToken(req: FastifyRequest): string | undefined {
  // Reading does not depend on Secure.
  return sessionCookie({ name: SESSION_COOKIE, isHttpsOnly: false }).read(req);
}

/** httpOnly, SameSite=Lax, Secure in production, path '/', no Max-Age: it dies with the browser too. */
export function setSessionCookie(reply: FastifyReply, signedIn: SignedIn, isHttpsOnly: boolean): void {
  sessionCookie({ name: SESSION_COOKIE, isHttpsOnly }).set(reply, signedIn.token);
}

export function clearSessionCookie(reply: FastifyReply, isHttpsOnly: boolean): void {
  sessionCookie({ name: SESSION_COOKIE, isHttpsOnly }).clear(reply);
}

export const sessionPlugin = fp(
  async (app: FastifyInstance, opts: SessionPluginOptions) => {
    app.addHook('onRequest', async (req) => {
      const token = readSessionToken(req);
      if (!token) return;
      const auth = await opts.identity.resolveSession(token);
      // Another council's session is simply not a session here.
      if (!auth || (req.tenant && req.tenant.id !== auth.tenantId)) return;
      req.auth = auth;
      if (req.routeOptions.config.csrf !== false) requireCsrf(req, CSRF_HEADER, (given) => opts.identity.isCsrfTokenValid(auth.sessionId, given));
    });
    // The one place that binds a session to its council (HIGH-3 of the 2026-12-04 review). A JSON body may
    // name the council ({ "tenant": … }); that is only known after parsing, when preValidation has run, so the
    // session read above is dropped here if it belongs to another council. Every route, dialog and hand-off
    // then sees `req.auth` undefined: another council's session is "not signed in here".
    app.addHook('preHandler', async (req) => {
      if (req.auth && req.tenant && req.tenant.id !== req.auth.tenantId) req.auth = undefined;
    });
  },
  { name: 'ventanilla-session', dependencies: ['ventanilla-context'] },
);
