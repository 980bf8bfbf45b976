import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

// Alicante's profile lists http://127.0.0.1:8099/ as its website; the server's own address is PUBLIC_URL.
const COUNCIL_SITE = 'http://127.0.0.1:8099';
const SELF = 'https://ventanilla.example.org';
const ALACANT = { 'x-tenant': 'alacant' };

let ta: TestApp;
beforeAll(async () => {
  ta = await createTestApp({ env: { PUBLIC_URL: `${SELF}/` } });
}, 60_000);
afterAll(async () => {
  await ta.close();
});

const startChat = (headers: Record<string, string>) => ta.app.inject({ method: 'POST', url: '/api/v1/conversations', headers: { ...ALACANT, ...headers }, payload: { lang: 'es' } });
const preflight = (url: string, origin: string, tenant = ALACANT) =>
  ta.app.inject({ method: 'OPTIONS', url, headers: { ...tenant, origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-conversation-token' } });

describe('CORS for the embeddable widget', () => {
  it("lets the council's own website and this server call the assistant, without credentials", async () => {
    for (const origin of [COUNCIL_SITE, SELF]) {
      const res = await startChat({ origin });
      expect(res.statusCode).toBe(201);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toContain('Origin');
    }
  });

  it('gives no CORS grant to another site, nor to the website of a council the request is not for', async () => {
    const evil = await startChat({ origin: 'https://evil.example' });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(evil.headers.vary).toContain('Origin');
    // Medina de Rioseco lists no website: Alicante's site is not one of its origins.
    const elsewhere = await ta.app.inject({ method: 'POST', url: '/api/v1/conversations', headers: { 'x-tenant': 'medina-rioseco', origin: COUNCIL_SITE }, payload: { lang: 'es' } });
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a preflight from an allowed origin with the methods and headers the widget uses', async () => {
    const res = await preflight('/api/v1/conversations/0b7c2f52-4f0e-4c39-9d59-1d1f0f6f8a11/messages', COUNCIL_SITE);
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(COUNCIL_SITE);
    expect(res.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('content-type, accept, accept-language, x-conversation-token');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect((await preflight('/api/v1/ask', COUNCIL_SITE)).statusCode).toBe(204);
  });

  it('refuses a preflight from another origin with 403 and no grant', async () => {
    const res = await preflight('/api/v1/conversations', 'https://evil.example');
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('opens only the assistant: sign-in and staff APIs give no grant even to the council website', async () => {
    const signIn = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: { ...ALACANT, origin: COUNCIL_SITE }, payload: { email: 'nobody@example.org', password: 'wrong-password' } });
    expect(signIn.headers['access-control-allow-origin']).toBeUndefined();
    const hours = await ta.app.inject({ url: '/api/v1/handoff/hours', headers: { ...ALACANT, origin: COUNCIL_SITE } });
    expect(hours.statusCode).toBe(200);
    expect(hours.headers['access-control-allow-origin']).toBeUndefined();
    // No preflight route outside the assistant: the browser never gets to send the request.
    expect((await preflight('/api/v1/auth/staff', COUNCIL_SITE)).headers['access-control-allow-origin']).toBeUndefined();
  });
});
