import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';

/**
 * End to end against a real OpenID Connect provider (the `oidc-provider` package, with its development
 * login screens) on 127.0.0.1: authorization code + PKCE, state and nonce checked, DNI from a custom claim.
 */
let t: TestDb;
let app: FastifyInstance;
let idp: http.Server;
let issuer: string;
const REDIRECT = 'http://localhost:3000/t/alacant/api/v1/auth/oidc/callback';

beforeAll(async () => {
  idp = http.createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', () => resolve()));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'ventanilla', client_secret: 'a-long-enough-client-secret', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['given_name', 'family_name', 'nif'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, nif: '12345678z', given_name: 'María', family_name: 'García López' }) }),
    cookies: { keys: ['test-cookie-key-test-cookie-key'] },
  });
  idp.on('request', (req, res) => void provider.callback()(req, res));
  t = await createTestDb();
  const config = loadConfig(
    {},
    {
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'vt-oidc-')),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      OIDC_PROVIDERS: JSON.stringify({ alacant: { issuer, clientId: 'ventanilla', clientSecret: 'a-long-enough-client-secret', dniClaim: 'nif' } }),
    },
  );
  app = await buildApp({ config, db: t.db, tenants: t.tenants, logger: false });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app.close();
  await t.close().catch(() => undefined);
  await new Promise<void>((resolve) => idp.close(() => resolve()));
});

/** Plays the citizen's browser at the provider: log in as `account`, consent, and return the final redirect. */
async function loginAtProvider(authUrl: string, account: string): Promise<string> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq > 0 && pair) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  let url = authUrl;
  let interactions = 0;
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(REDIRECT)) return url;
    const abs = new URL(url, issuer).href;
    if (new URL(abs).pathname.startsWith('/interaction/')) {
      const prompt = interactions++ === 0 ? `prompt=login&login=${account}&password=x` : 'prompt=consent';
      const res = await fetch(abs, { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, body: prompt });
      remember(res);
      url = res.headers.get('location') ?? '';
      continue;
    }
    const res = await fetch(abs, { redirect: 'manual', headers: { cookie: cookieHeader() } });
    remember(res);
    url = res.headers.get('location') ?? '';
    if (!url) throw new Error(`no redirect from ${abs}: ${res.status} ${await res.text()}`);
  }
  throw new Error('too many redirects');
}

describe('OpenID Connect sign-in', () => {
  it('signs a citizen in with authorization code + PKCE and reads the DNI from the configured claim', async () => {
    const start = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/oidc/start?returnTo=/my' });
    expect(start.statusCode).toBe(302);
    const authUrl = new URL(start.headers.location ?? '');
    expect(authUrl.origin).toBe(issuer);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('state')).toBeTruthy();
    expect(authUrl.searchParams.get('nonce')).toBeTruthy();

    const back = new URL(await loginAtProvider(authUrl.href, 'citizen-1'));
    expect(back.searchParams.get('code')).toBeTruthy();
    const callbackPath = `${back.pathname}${back.search}`;
    const res = await app.inject({ method: 'GET', url: callbackPath, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ me: Record<string, unknown> }>().me).toMatchObject({ kind: 'citizen', dni: '12345678Z', givenName: 'María', surname: 'García López', method: 'oidc', tenantId: 'alacant' });

    // The state was taken once: replaying the same callback is refused.
    const replay = await app.inject({ method: 'GET', url: callbackPath, headers: { accept: 'application/json' } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json<{ error: { code: string } }>().error.code).toBe('identity.oidc_failed');
  });

  it('refuses a callback with a state it never issued', async () => {
    const res = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/oidc/callback?code=abc&state=forged', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(401);
  });

  it('is off for a council without a provider', async () => {
    const res = await app.inject({ method: 'GET', url: '/t/medina-rioseco/api/v1/auth/oidc/start' });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('identity.oidc_disabled');
  });
});
