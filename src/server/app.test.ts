import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from './app.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';

describe('the HTTP app', () => {
  let ta: TestApp;
  beforeAll(async () => {
    // The unbuilt index.html carries the same markers as the built one.
    ta = await createTestApp({ webDistDir: path.join(ROOT_DIR, 'src/web') });
  });
  afterAll(async () => {
    await ta.close();
  });

  it('answers the liveness and readiness probes', async () => {
    expect((await ta.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await ta.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });

  it('exposes Prometheus metrics including request durations by route pattern', async () => {
    await ta.app.inject({ url: '/api/v1/tenants/alacant' });
    const res = await ta.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    expect(res.body).toContain('route="/api/v1/tenants/:id"');
    expect(res.body).not.toContain('route="/api/v1/tenants/alacant"');
  });

  it('publishes an OpenAPI document generated from the route schemas, and a docs page', async () => {
    const doc = (await ta.app.inject({ url: '/api/openapi.json' })).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/api/v1/tenants', '/api/v1/tenants/{id}']));
    const docs = await ta.app.inject({ url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('keeps /metrics for the bearer of METRICS_TOKEN when one is set', async () => {
    const token = 'prometheus-scraper-token-1234';
    const locked = await createTestApp({ env: { METRICS_TOKEN: token } });
    try {
      const none = await locked.app.inject({ url: '/metrics?lang=en' });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ error: { code: 'common.unauthorized', message: 'Please sign in to continue.' } });
      expect((await locked.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}x` } })).statusCode).toBe(401);
      const ok = await locked.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('ventanilla_outbox_rows');
    } finally {
      await locked.close();
    }
  }, 60_000);

  it('translates errors into the language asked for, with a stable code', async () => {
    const ca = await ta.app.inject({ url: '/api/v1/tenants/nowhere?lang=ca' });
    expect(ca.statusCode).toBe(404);
    expect(ca.json()).toEqual({ error: { code: 'tenants.not_found', message: "No hi ha cap ajuntament amb l'identificador «nowhere»." } });
    const en = await ta.app.inject({ url: '/api/v1/nothing-here', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(en.json()).toEqual({ error: { code: 'common.not_found', message: 'We could not find what you are looking for.' } });
    const es = await ta.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { 'content-type': 'application/json' }, payload: '{"broken' });
    expect(es.statusCode).toBe(400);
    expect(es.json<{ error: { code: string } }>().error.code).toBe('common.invalid_json');
  });

  it('routes a request to its council by path prefix, host name or header', async () => {
    const byPath = await ta.app.inject({ url: '/t/medina-rioseco/api/v1/tenants/alacant' });
    expect(byPath.statusCode).toBe(200);
    const html = await ta.app.inject({ url: '/t/medina-rioseco/', headers: { 'accept-language': 'ca' } });
    // Medina de Rioseco has no Valencian, so the page falls back to its default language.
    expect(html.body).toContain('<html lang="es">');
    expect(html.body).toContain('Ayuntamiento de Medina de Rioseco (demo)');
    const byHost = await ta.app.inject({ url: '/', headers: { host: 'alacant.localhost:3000', 'accept-language': 'ca' } });
    expect(byHost.body).toContain('<html lang="ca">');
    expect(byHost.body).toContain("Ajuntament d'Alacant (demo)");
    const unknown = await ta.app.inject({ url: '/t/atlantis/' });
    expect(unknown.statusCode).toBe(404);
  });

  it('serves the web shell with a boot block that carries no secrets', async () => {
    const res = await ta.app.inject({ url: '/t/alacant/kiosk/alacant-mercat?lang=en' });
    expect(res.statusCode).toBe(200);
    const boot = /<script id="boot" type="application\/json">(.*?)<\/script>/.exec(res.body)?.[1];
    expect(boot).toBeDefined();
    const data = JSON.parse(boot ?? '{}') as { lang: string; basePath: string; tenant: { id: string } };
    expect(data).toMatchObject({ lang: 'en', basePath: '/t/alacant', tenant: { id: 'alacant' } });
    expect(res.body).not.toContain('tokenSha256');
  });

  it('sends security headers with a strict script policy and a request id', async () => {
    const res = await ta.app.inject({ url: '/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
  });

  it('serves the council logo for the council in the address', async () => {
    const res = await ta.app.inject({ url: '/t/alacant/branding/logo' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    const none = await ta.app.inject({ url: '/branding/logo' });
    expect(none.json<{ error: { code: string } }>().error.code).toBe('tenants.required');
  });
});

describe('logs', () => {
  it('never contain personal data typed by a citizen, nor query strings', async () => {
    const { Writable } = await import('node:stream');
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const { createTestDb } = await import('./testing/test-db.ts');
    const { buildApp } = await import('./app.ts');
    const { loadConfig } = await import('./config.ts');
    const { mkdtempSync } = await import('node:fs');
    const os = await import('node:os');
    const t = await createTestDb();
    const config = loadConfig({}, { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'vt-log-')), NODE_ENV: 'test', LOG_LEVEL: 'info' });
    const app = await buildApp({ config, db: t.db, tenants: t.tenants, logger: { stream } });
    await app.inject({ url: '/api/v1/tenants/alacant?q=12345678Z&email=maria@example.org' });
    app.log.info({ note: 'citizen wrote 12345678Z and ES91 2100 0418 4502 0005 1332' }, 'message from maria@example.org');
    await app.close();
    const all = lines.join('');
    expect(all).toContain('/api/v1/tenants/alacant');
    expect(all).not.toContain('12345678Z');
    expect(all).not.toContain('maria@example.org');
    expect(all).not.toContain('2100 0418');
  });
});
