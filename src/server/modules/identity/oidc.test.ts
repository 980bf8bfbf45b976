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
import { seedDemoIdentities } from './demo-seed.ts';
import { OIDC_COOKIE } from './identity.routes.ts';
import { SESSION_COOKIE } from './session.plugin.ts';

/**
 * End to end against a real OpenID Connect provider (the `oidc-provider` package, with its development
 * login screens) on 127.0.0.1: authorization code + PKCE, state and nonce checked, DNI from a custom claim.
 */
let t: TestDb;
let app: FastifyInstance;
let idp: http.Server;
let issuer: string;
const REDIRECT = 'http://localhost:3000/t/alacant/api/v1/auth/oidc/callback';
/** The provider's accounts; the attacker is Josep (23456789D), whom the padrón names Josep Martí Soler. */
const ACCOUNTS: Record<string, { nif: string; given_name: string; family_name: string }> = {
  'citizen-1': { nif: '12345678z', given_name: 'María', family_name: 'García López' },
  attacker: { nif: '23456789D', given_name: 'Idp', family_name: 'Claims' },
  newcomer: { nif: '87654321X', given_name: 'Nuria', family_name: 'Nueva Gil' },
};

beforeAll(async () => {
  idp = http.createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', () => resolve()));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'ventanilla', client_secret: 'a-long-enough-client-secret', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['given_name', 'family_name', 'nif'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, ...(ACCOUNTS[id] ?? ACCOUNTS['citizen-1']) }) }),
    cookies: { keys: ['test-cookie-key-test-cookie-key'] },
  });
  idp.on('request', (req, res) => void provider.callback()(req, res));
  t = await createTestDb();
  await seedDemoIdentities(t.db);
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

type Inject = Awaited<ReturnType<FastifyInstance['inject']>>;

/** The `name=value` pair of a cookie the response set (for the next request of the same "browser"). */
function cookiePair(res: Inject, name: string): string {
  const c = res.cookies.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} cookie`);
  return `${name}=${c.value}`;
}

/** Every cookie the response set, as a Cookie header: what a browser sends back next. */
function jarOf(res: Inject): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Starts a sign-in in a browser and plays the provider as `account`: the browser's cookies and the callback path. */
async function startAndLogin(account: string): Promise<{ jar: string; callbackPath: string }> {
  const start = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/oidc/start?returnTo=/my' });
  expect(start.statusCode).toBe(302);
  const back = new URL(await loginAtProvider(start.headers.location ?? '', account));
  return { jar: jarOf(start), callbackPath: `${back.pathname}${back.search}` };
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
    const oidcCookie = jarOf(start);

    const back = new URL(await loginAtProvider(authUrl.href, 'citizen-1'));
    expect(back.searchParams.get('code')).toBeTruthy();
    const callbackPath = `${back.pathname}${back.search}`;
    const res = await app.inject({ method: 'GET', url: callbackPath, headers: { accept: 'application/json', cookie: oidcCookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ me: Record<string, unknown> }>().me).toMatchObject({ kind: 'citizen', dni: '12345678Z', givenName: 'María', surname: 'García López', method: 'oidc', tenantId: 'alacant' });

    // The state was taken once: replaying the same callback, even from the same browser, is refused.
    const replay = await app.inject({ method: 'GET', url: callbackPath, headers: { accept: 'application/json', cookie: oidcCookie } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json<{ error: { code: string } }>().error.code).toBe('identity.oidc_failed');
  });

  it('refuses a callback with a state it never issued', async () => {
    const res = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/oidc/callback?code=abc&state=forged', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('identity.oidc_state_mismatch');
  });

  it('is off for a council without a provider', async () => {
    const res = await app.inject({ method: 'GET', url: '/t/medina-rioseco/api/v1/auth/oidc/start' });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('identity.oidc_disabled');
  });
});

describe('OpenID Connect login CSRF', () => {
  it('MEDIUM-2: sets a short-lived, signed, httpOnly, SameSite=Lax cookie at the start that holds no plain state', async () => {
    const start = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/oidc/start' });
    const c = start.cookies.find((x) => x.name === OIDC_COOKIE);
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 600 });
    expect(c?.secure).toBeFalsy();
    const state = new URL(start.headers.location ?? '').searchParams.get('state') ?? '';
    expect(state).not.toBe('');
    expect(decodeURIComponent(c?.value ?? '')).not.toContain(state);
  });

  it("MEDIUM-2: the attacker's callback link, opened in the victim's browser, is refused and she stays signed in as herself; the attacker's own browser completes", async () => {
    // María is signed in with her card; she has also started a Cl@ve sign-in of her own in this browser.
    const card = await app.inject({ method: 'POST', url: '/t/alacant/api/v1/auth/card', payload: { card: '4000000000000001', pin: '1234' } });
    expect(card.statusCode).toBe(200);
    const victimSession = cookiePair(card, SESSION_COOKIE);
    const victimOwnStart = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/oidc/start', headers: { cookie: victimSession } });
    const victimOidc = jarOf(victimOwnStart);

    // The attacker starts in his browser, signs in at the provider as himself and keeps the callback link.
    const attacker = await startAndLogin('attacker');

    for (const cookie of [victimSession, `${victimSession}; ${victimOidc}`]) {
      const res = await app.inject({ method: 'GET', url: attacker.callbackPath, headers: { cookie, 'accept-language': 'ca' } });
      expect(res.statusCode).toBe(403);
      expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'identity.oidc_state_mismatch', message: expect.stringContaining('navegador') });
      expect(res.cookies.find((x) => x.name === SESSION_COOKIE)).toBeUndefined();
      const me = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/me', headers: { cookie: victimSession } });
      expect(me.statusCode).toBe(200);
      expect(me.json<Record<string, unknown>>()).toMatchObject({ kind: 'citizen', dni: '12345678Z', method: 'card' });
    }

    // The link was not used up by the refusals: in the browser that started it, it signs the attacker in.
    const own = await app.inject({ method: 'GET', url: attacker.callbackPath, headers: { cookie: attacker.jar } });
    expect(own.statusCode).toBe(303);
    expect(own.headers.location).toBe('http://localhost:3000/t/alacant/my');
    const cleared = own.cookies.find((x) => x.name === OIDC_COOKIE);
    expect(cleared?.value).toBe('');
    const me = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/me', headers: { cookie: cookiePair(own, SESSION_COOKIE) } });
    expect(me.json<Record<string, unknown>>()).toMatchObject({ kind: 'citizen', dni: '23456789D', method: 'oidc' });
  });

  it('#46: an OpenID Connect sign-in keeps the names the council holds, and only fills them for a citizen it did not know', async () => {
    const josep = await startAndLogin('attacker');
    const res = await app.inject({ method: 'GET', url: josep.callbackPath, headers: { accept: 'application/json', cookie: josep.jar } });
    expect(res.json<{ me: Record<string, unknown> }>().me).toMatchObject({ dni: '23456789D', givenName: 'Josep', surname: 'Martí Soler' });
    const stored = await t.db.query(`SELECT given_name, surname FROM citizens WHERE tenant_id = 'alacant' AND dni = '23456789D'`);
    expect(stored.rows).toEqual([{ given_name: 'Josep', surname: 'Martí Soler' }]);
    const byCard = await app.inject({ method: 'POST', url: '/t/alacant/api/v1/auth/card', payload: { card: '4000000000000002', pin: '2345' } });
    expect(byCard.json<{ me: Record<string, unknown> }>().me).toMatchObject({ givenName: 'Josep', surname: 'Martí Soler' });

    const nuria = await startAndLogin('newcomer');
    const first = await app.inject({ method: 'GET', url: nuria.callbackPath, headers: { accept: 'application/json', cookie: nuria.jar } });
    expect(first.json<{ me: Record<string, unknown> }>().me).toMatchObject({ dni: '87654321X', givenName: 'Nuria', surname: 'Nueva Gil' });
  });
});
