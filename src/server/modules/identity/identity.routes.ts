import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket, type DetailedPeerCertificate } from 'node:tls';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { Auth } from '../../http-types.ts';
import { requireStaff } from './guards.ts';
import {
  ZAuthMethodsSchema,
  ZCardSignInSchema,
  ZCsrfSchema,
  ZMeSchema,
  ZOidcCallbackQuerySchema,
  ZOkSchema,
  ZSignedInSchema,
  ZStaffSignInSchema,
  ZUnlockCardParamsSchema,
  ZX509QuerySchema,
  type Me,
} from './identity.schemas.ts';
import type { IdentityService, SignedIn, SignInContext } from './identity.service.ts';
import { OIDC_STATE_TTL_MS, type OidcService } from './oidc.ts';
import { clearSessionCookie, setSessionCookie } from './session.plugin.ts';
import { createTlsEndpoint } from './tls-endpoint.ts';
import { toX509 } from './x509.ts';

export interface IdentityRoutesDeps {
  identity: IdentityService;
  oidc: OidcService;
  config: Config;
}

/** What leaves the server about the signed-in person (no session id). */
export function presentMe(auth: Auth): Me {
  if (auth.kind === 'citizen') {
    return { kind: 'citizen', tenantId: auth.tenantId, dni: auth.dni, givenName: auth.givenName, surname: auth.surname, method: auth.method };
  }
  return { kind: 'staff', tenantId: auth.tenantId, staffId: auth.staffId, name: auth.name, roles: auth.roles };
}

function signInContext(req: FastifyRequest, tenantId: string, kioskId?: string): SignInContext {
  return { tenantId, channel: req.channel, kioskId: kioskId ?? req.kioskId, requestId: req.id, clientIp: req.ip };
}

/**
 * Binds an OpenID Connect sign-in to the browser that started it (login CSRF, security review MEDIUM-2):
 * the callback link alone must not sign whoever opens it in as the person who authenticated at the provider.
 * The cookie holds a hash of the state, signed; path '/' because cookie paths match the browser's URL
 * (/t/<council>/...), not the rewritten one; SameSite=Lax so the provider's top-level redirect carries it.
 */
export const OIDC_COOKIE = 'vt_oidc';

function hashState(state: string): string {
  return createHash('sha256').update(`oidc-state:${state}`).digest('base64url');
}

function setOidcCookie(reply: FastifyReply, state: string, isHttpsOnly: boolean): void {
  reply.setCookie(OIDC_COOKIE, hashState(state), { httpOnly: true, sameSite: 'lax', secure: isHttpsOnly, path: '/', signed: true, maxAge: OIDC_STATE_TTL_MS / 1000 });
}

function clearOidcCookie(reply: FastifyReply, isHttpsOnly: boolean): void {
  reply.clearCookie(OIDC_COOKIE, { httpOnly: true, sameSite: 'lax', secure: isHttpsOnly, path: '/' });
}

/** True when this browser holds the signed cookie set when `state` was issued. */
function isOidcStateOfThisBrowser(req: FastifyRequest, state: string | undefined): boolean {
  const raw = req.cookies[OIDC_COOKIE];
  if (!state || !raw) return false;
  const u = req.unsignCookie(raw);
  if (!u.valid || !u.value) return false;
  const given = Buffer.from(u.value);
  const expected = Buffer.from(hashState(state));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The peer certificate of a TLS connection, with whatever chain the client presented. */
function peerCertificate(req: FastifyRequest): { leaf: X509Certificate; chain: X509Certificate[] } | undefined {
  const socket = req.raw.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const peer = socket.getPeerCertificate(true);
  if (!peer || !peer.raw) return undefined;
  const leaf = new X509Certificate(peer.raw);
  const chain: X509Certificate[] = [];
  let cur: DetailedPeerCertificate | undefined = peer.issuerCertificate;
  const seen = new Set<string>([peer.fingerprint256]);
  while (cur?.raw && !seen.has(cur.fingerprint256) && chain.length < 5) {
    seen.add(cur.fingerprint256);
    chain.push(new X509Certificate(cur.raw));
    cur = cur.issuerCertificate;
  }
  return { leaf, chain };
}

export function identityRoutes(deps: IdentityRoutesDeps) {
  const { identity, oidc, config } = deps;
  const isHttpsOnly = config.isHttpsOnly;
  const isTrustedProxy = proxyAddr.compile(config.TRUSTED_PROXIES.split(',').map((p) => p.trim()));

  const answerSignedIn = (reply: FastifyReply, s: SignedIn) => {
    setSessionCookie(reply, s, isHttpsOnly);
    reply.header('cache-control', 'no-store');
    return { me: presentMe(s.auth), csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() };
  };

  /** A new sign-in replaces the browser's previous session (no two people on one kiosk browser). */
  const endPrevious = async (req: FastifyRequest) => {
    if (req.auth) await identity.endSession(req.auth.sessionId);
  };

  const wantsJson = (req: FastifyRequest) => (req.headers.accept ?? '').includes('application/json');
  const afterSignIn = (tenantId: string, returnTo: string | undefined) => `${config.PUBLIC_URL}/t/${tenantId}${returnTo ?? '/my'}`;

  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['identity'];

    r.get('/api/v1/me', { schema: { tags, summary: 'Who is signed in (citizen or staff)', response: { 200: ZMeSchema } } }, async (req) => {
      if (!req.auth) throw new AppError('common.unauthorized');
      return presentMe(req.auth);
    });

    r.get('/api/v1/auth/csrf', { schema: { tags, summary: 'The CSRF token for this session (null when not signed in)', response: { 200: ZCsrfSchema } } }, async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return { token: req.auth ? identity.csrfTokenFor(req.auth.sessionId) : null };
    });

    r.get('/api/v1/auth/methods', { schema: { tags, summary: 'Sign-in methods this council offers', response: { 200: ZAuthMethodsSchema } } }, async (req) => {
      const t = req.requireTenant();
      const host = new URL(config.PUBLIC_URL).hostname;
      return {
        card: true,
        certificateUrl: config.TLS_PORT ? `https://${host}:${config.TLS_PORT}/t/${t.id}/api/v1/auth/x509` : null,
        isCertificateHeaderTrusted: Boolean(config.TRUST_PROXY_CLIENT_CERT_HEADER),
        oidc: oidc.isEnabled(t.id),
      };
    });

    r.post(
      '/api/v1/auth/card',
      { config: { csrf: false }, schema: { tags, summary: 'Sign in with a citizen card and PIN (kiosks)', body: ZCardSignInSchema, response: { 200: ZSignedInSchema } } },
      async (req, reply) => {
        const t = req.requireTenant();
        await endPrevious(req);
        return answerSignedIn(reply, await identity.signInWithCard(signInContext(req, t.id), req.body.card, req.body.pin));
      },
    );

    r.post(
      '/api/v1/auth/staff',
      { config: { csrf: false }, schema: { tags, summary: 'Staff sign-in with e-mail and password', body: ZStaffSignInSchema, response: { 200: ZSignedInSchema } } },
      async (req, reply) => {
        const t = req.requireTenant();
        await endPrevious(req);
        return answerSignedIn(reply, await identity.signInStaff(signInContext(req, t.id), req.body.email, req.body.password));
      },
    );

    r.post('/api/v1/auth/logout', { schema: { tags, summary: 'Sign out: ends the session on the server', response: { 200: ZOkSchema } } }, async (req, reply) => {
      if (req.auth) {
        const a = req.auth;
        await identity.signOut(a.sessionId, { tenantId: a.tenantId, actorType: a.kind, actorId: a.kind === 'citizen' ? a.dni : a.staffId, channel: req.channel, kioskId: req.kioskId, requestId: req.id });
      }
      clearSessionCookie(reply, isHttpsOnly);
      return { ok: true as const };
    });

    r.get(
      '/api/v1/auth/x509',
      { schema: { tags, summary: 'Sign in with a citizen certificate (on the TLS_PORT endpoint, or behind a trusted proxy)', querystring: ZX509QuerySchema } },
      async (req, reply) => {
        const t = req.requireTenant();
        let leaf: X509Certificate | undefined;
        let chain: X509Certificate[] = [];
        const fromTls = peerCertificate(req);
        const headerName = config.TRUST_PROXY_CLIENT_CERT_HEADER?.toLowerCase();
        if (fromTls) {
          leaf = fromTls.leaf;
          chain = fromTls.chain;
        } else if (headerName && !(req.raw.socket instanceof TLSSocket) && isTrustedProxy(req.raw.socket.remoteAddress ?? '', 0)) {
          // Only when the operator said a proxy terminates TLS and sets (and strips) this header, and only from
          // that proxy: the header carries no proof of the private key, so from anyone else it is ignored.
          const value = req.headers[headerName];
          if (typeof value === 'string' && value.trim()) {
            try {
              leaf = toX509(value);
            } catch {
              throw new AppError('identity.certificate_invalid');
            }
          }
        }
        if (!leaf) throw new AppError('identity.certificate_missing');
        await endPrevious(req);
        const s = await identity.signInWithCertificate(signInContext(req, t.id), leaf, chain);
        const body = answerSignedIn(reply, s);
        if (wantsJson(req)) return reply.send(body);
        return reply.redirect(afterSignIn(t.id, req.query.returnTo), 303);
      },
    );

    r.get(
      '/api/v1/auth/oidc/start',
      { schema: { tags, summary: 'Start an OpenID Connect (Cl@ve-like) sign-in: redirects to the provider', querystring: ZX509QuerySchema } },
      async (req, reply) => {
        const t = req.requireTenant();
        const { url, state } = await oidc.start(t.id, { returnTo: req.query.returnTo, kioskId: req.kioskId });
        setOidcCookie(reply, state, isHttpsOnly);
        reply.header('cache-control', 'no-store');
        return reply.redirect(url, 302);
      },
    );

    r.get(
      '/api/v1/auth/oidc/callback',
      { schema: { tags, summary: 'The provider returns here with the authorization code', querystring: ZOidcCallbackQuerySchema } },
      async (req, reply) => {
        const t = req.requireTenant();
        // Checked first, before this browser's current session is ended: a link from a sign-in started
        // elsewhere changes nothing here. A refused state stays unused, and so does this browser's own cookie.
        if (!oidc.isEnabled(t.id)) throw new AppError('identity.oidc_disabled');
        if (!isOidcStateOfThisBrowser(req, req.query.state)) throw new AppError('identity.oidc_state_mismatch');
        clearOidcCookie(reply, isHttpsOnly);
        const done = await oidc.finish(t.id, req.query);
        await endPrevious(req);
        const s = await identity.signInWithOidc(signInContext(req, t.id, done.kioskId), done.who);
        const body = answerSignedIn(reply, s);
        if (wantsJson(req)) return reply.send(body);
        return reply.redirect(afterSignIn(t.id, done.returnTo), 303);
      },
    );

    r.post(
      '/api/v1/staff/cards/:card/unlock',
      { schema: { tags, summary: 'Unlock a citizen card after three wrong PINs (admin, agent)', params: ZUnlockCardParamsSchema, response: { 200: ZOkSchema } } },
      async (req) => {
        const staff = requireStaff(req, 'agent');
        await identity.unlockCard(staff.tenantId, req.params.card, { actorType: 'staff', actorId: staff.staffId, channel: req.channel, kioskId: req.kioskId, requestId: req.id });
        return { ok: true as const };
      },
    );

    // The client-certificate endpoint starts with the main server, on its own port.
    if (config.TLS_PORT) {
      let server: Server | undefined;
      app.addHook('onListen', async () => {
        const s = createTlsEndpoint(app, config);
        server = s;
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(config.TLS_PORT, config.HOST, () => resolve());
        });
        const addr = s.address() as AddressInfo;
        app.log.info({ port: addr.port }, 'citizen-certificate endpoint listening (HTTPS, client certificate requested)');
      });
      app.addHook('onClose', async () => {
        const s = server;
        if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
      });
    }
  };
}
