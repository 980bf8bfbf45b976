/**
 * OpenID Connect sign-in for a Cl@ve-like provider, per council (OIDC_PROVIDERS), off by default.
 * Authorization code + PKCE (S256); state, nonce and the verifier live server-side (oidc_states) and
 * are taken once, so a replayed callback finds nothing; the routes bind the state to the browser that started
 * the sign-in (a signed cookie). The DNI comes from a configurable claim.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { IdentityRepository } from './identity.repository.ts';
import type { CitizenIdentity } from './identity.service.ts';

export const ZOidcProviderConfig = z
  .object({
    issuer: z.string().url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** The claim holding the DNI/NIE (Cl@ve-like providers differ). */
    dniClaim: z.string().default('dni'),
    givenNameClaim: z.string().default('given_name'),
    surnameClaim: z.string().default('family_name'),
    scope: z.string().default('openid profile'),
    /** Defaults to PUBLIC_URL/t/<tenant>/api/v1/auth/oidc/callback. */
    redirectUri: z.string().url().optional(),
  })
  .strict();
export type OidcProviderConfig = z.infer<typeof ZOidcProviderConfig>;

/** Parses OIDC_PROVIDERS ({"<tenant>": {...}}); a bad value stops the start with the field path. */
export function parseOidcProviders(json: string | undefined): Record<string, OidcProviderConfig> {
  if (!json) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('OIDC_PROVIDERS: not valid JSON');
  }
  const parsed = z.record(z.string(), ZOidcProviderConfig).safeParse(raw);
  if (!parsed.success) throw new Error(`OIDC_PROVIDERS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** State kept between the redirect and the callback, in milliseconds. */
export const OIDC_STATE_TTL_MS = 10 * 60_000;

function isLoopback(url: string): boolean {
  const h = new URL(url).hostname;
  return h === '127.0.0.1' || h === 'localhost' || h === '[::1]';
}

export class OidcService {
  private readonly discovered = new Map<string, Promise<client.Configuration>>();

  constructor(
    private readonly deps: { repo: IdentityRepository; providers: Record<string, OidcProviderConfig>; publicUrl: string },
  ) {}

  isEnabled(tenantId: string): boolean {
    return tenantId in this.deps.providers;
  }

  private provider(tenantId: string): OidcProviderConfig {
    const p = this.deps.providers[tenantId];
    if (!p) throw new AppError('identity.oidc_disabled');
    return p;
  }

  private redirectUri(tenantId: string): string {
    return this.provider(tenantId).redirectUri ?? `${this.deps.publicUrl}/t/${tenantId}/api/v1/auth/oidc/callback`;
  }

  /** Discovery once per council; a failure is not cached, so the next attempt retries. */
  private configuration(tenantId: string): Promise<client.Configuration> {
    const existing = this.discovered.get(tenantId);
    if (existing) return existing;
    const p = this.provider(tenantId);
    // Plain http only for a provider on this machine (development and tests).
    const options = isLoopback(p.issuer) ? { execute: [client.allowInsecureRequests] } : undefined;
    const promise = client.discovery(new URL(p.issuer), p.clientId, p.clientSecret, undefined, options);
    promise.catch(() => this.discovered.delete(tenantId));
    this.discovered.set(tenantId, promise);
    return promise;
  }

  /**
   * The provider's authorization URL for a new sign-in, and its state: the caller binds the state to the
   * browser that asked (the callback must come back to that browser, not to whoever follows the link).
   */
  async start(tenantId: string, opts: { returnTo?: string | undefined; kioskId?: string | undefined }): Promise<{ url: string; state: string }> {
    const p = this.provider(tenantId);
    let config: client.Configuration;
    try {
      config = await this.configuration(tenantId);
    } catch (err) {
      throw new AppError('identity.oidc_unavailable', { cause: err, log: 'OIDC discovery failed' });
    }
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    const codeVerifier = client.randomPKCECodeVerifier();
    await this.deps.repo.insertOidcState({ state, tenantId, nonce, codeVerifier, returnTo: opts.returnTo, kioskId: opts.kioskId, expiresAt: new Date(Date.now() + OIDC_STATE_TTL_MS) });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(tenantId),
      scope: p.scope,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, state };
  }

  /** Exchanges the code, checks state/nonce/PKCE and the ID token, and returns the citizen it names. */
  async finish(tenantId: string, query: Record<string, string | undefined>): Promise<{ who: CitizenIdentity; returnTo: string | undefined; kioskId: string | undefined }> {
    const p = this.provider(tenantId);
    const state = query.state;
    const saved = state ? await this.deps.repo.takeOidcState(tenantId, state) : undefined;
    if (!saved) throw new AppError('identity.oidc_failed', { log: 'unknown, used or expired state' });
    if (query.error) throw new AppError('identity.oidc_failed', { log: `provider error ${query.error}` });
    const callback = new URL(this.redirectUri(tenantId));
    for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'tenant') callback.searchParams.set(k, v);
    let claims: Record<string, unknown>;
    try {
      const config = await this.configuration(tenantId);
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: saved.code_verifier,
        expectedState: saved.state,
        expectedNonce: saved.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
    } catch (err) {
      throw new AppError('identity.oidc_failed', { cause: err, log: err instanceof Error ? `OIDC: ${err.message}` : 'OIDC failed' });
    }
    const text = (name: string): string => {
      const v = claims[name];
      return typeof v === 'string' ? v : '';
    };
    return {
      who: { dni: text(p.dniClaim), givenName: text(p.givenNameClaim), surname: text(p.surnameClaim) },
      returnTo: saved.return_to ?? undefined,
      kioskId: saved.kiosk_id ?? undefined,
    };
  }
}
