import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { createCa, createCrl, ensureCitizenCertificateFiles, issueCitizenCertificate, loadOrCreateDemoCa, type KeyAndCert } from './pki.ts';
import { createTlsEndpoint } from './tls-endpoint.ts';
import { toX509 } from './x509.ts';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';

/** Real TLS on 127.0.0.1: the demo citizen certificate against the client-certificate endpoint. */
let t: TestDb;
let app: FastifyInstance;
let server: https.Server;
let port: number;
let dataDir: string;
let demoCa: KeyAndCert;
let serverCaPem: string;

interface Answer {
  status: number;
  body: string;
  setCookie: string[];
  location: string | undefined;
}

function tlsGet(urlPath: string, client: { key?: string; cert?: string }, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: urlPath, method: 'GET', ca: serverCaPem, servername: 'localhost', headers: { accept: 'application/json', ...headers }, ...client },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [], location: res.headers.location }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

beforeAll(async () => {
  t = await createTestDb();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-tls-'));
  const config = loadConfig({}, { DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000, TRUST_PROXY_CLIENT_CERT_HEADER: 'x-ssl-client-cert' });
  app = await buildApp({ config, db: t.db, tenants: t.tenants, logger: false });
  await app.ready();
  demoCa = loadOrCreateDemoCa(dataDir);
  serverCaPem = demoCa.certPem;
  server = createTlsEndpoint(app, config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
  await t.close().catch(() => undefined);
});

describe('citizen certificate over real TLS', () => {
  it('gives María a session for her DNI after a handshake with her demo certificate', async () => {
    const files = ensureCitizenCertificateFiles(dataDir, { dni: '12345678Z', givenName: 'María', surname: 'García López' });
    const res = await tlsGet('/t/alacant/api/v1/auth/x509', { key: readFileSync(files.keyFile, 'utf8'), cert: readFileSync(files.certFile, 'utf8') });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { me: Record<string, unknown> };
    expect(body.me).toMatchObject({ kind: 'citizen', dni: '12345678Z', givenName: 'MARÍA', surname: 'GARCÍA LÓPEZ', method: 'x509', tenantId: 'alacant' });
    const cookie = res.setCookie.find((c) => c.startsWith('vt_session='))?.split(';')[0];
    expect(cookie).toBeTruthy();
    // The cookie set on the TLS port works on the main site.
    const me = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/me', headers: { cookie: cookie ?? '' } });
    expect(me.json<Record<string, unknown>>()).toMatchObject({ dni: '12345678Z', method: 'x509' });
  });

  it('redirects a browser to the citizen area after signing in', async () => {
    const files = ensureCitizenCertificateFiles(dataDir, { dni: 'X1234567L', givenName: 'Amina', surname: 'El Idrissi' });
    const res = await tlsGet('/t/alacant/api/v1/auth/x509?returnTo=/procedures', { key: readFileSync(files.keyFile, 'utf8'), cert: readFileSync(files.certFile, 'utf8') }, { accept: 'text/html' });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/\/t\/alacant\/procedures$/);
  });

  it('refuses a handshake without a certificate with identity.certificate_missing', async () => {
    const res = await tlsGet('/t/alacant/api/v1/auth/x509', {});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'identity.certificate_missing' } });
  });

  it('refuses a certificate from a foreign CA', async () => {
    const foreign = createCa('Foreign CA');
    const kc = issueCitizenCertificate(foreign, { dni: '12345678Z', givenName: 'María', surname: 'García López' });
    const res = await tlsGet('/t/alacant/api/v1/auth/x509', { key: kc.keyPem, cert: kc.certPem });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'identity.certificate_invalid' } });
  });

  it('refuses an expired certificate from the trusted CA', async () => {
    const day = 24 * 3600_000;
    const kc = issueCitizenCertificate(demoCa, { dni: '12345678Z', givenName: 'María', surname: 'García López', notBefore: new Date(Date.now() - 400 * day), notAfter: new Date(Date.now() - day) });
    const res = await tlsGet('/t/alacant/api/v1/auth/x509', { key: kc.keyPem, cert: kc.certPem });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'identity.certificate_expired' } });
  });

  it('ignores the proxy header on the direct TLS endpoint (it is only for a proxy in front of plain HTTP)', async () => {
    const files = ensureCitizenCertificateFiles(dataDir, { dni: '12345678Z', givenName: 'María', surname: 'García López' });
    const res = await tlsGet('/t/alacant/api/v1/auth/x509', {}, { 'x-ssl-client-cert': encodeURIComponent(readFileSync(files.certFile, 'utf8')) });
    expect(res.status).toBe(401);
  });
});

describe('citizen certificate behind a reverse proxy', () => {
  it('signs in from the PEM in the trusted header, URL-encoded as nginx sends it', async () => {
    const files = ensureCitizenCertificateFiles(dataDir, { dni: '23456789D', givenName: 'Josep', surname: 'Martí Soler' });
    const pem = readFileSync(files.certFile, 'utf8');
    const res = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/x509', headers: { accept: 'application/json', 'x-ssl-client-cert': encodeURIComponent(pem) } });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ me: Record<string, unknown> }>().me).toMatchObject({ dni: '23456789D', method: 'x509' });
  });

  it('ignores the header from a client that is not a trusted proxy', async () => {
    const files = ensureCitizenCertificateFiles(dataDir, { dni: '23456789D', givenName: 'Josep', surname: 'Martí Soler' });
    const pem = encodeURIComponent(readFileSync(files.certFile, 'utf8'));
    // Someone on the network who reached the port directly, holding a copy of Josep's (public) certificate.
    const res = await app.inject({
      method: 'GET', url: '/t/alacant/api/v1/auth/x509', remoteAddress: '203.0.113.7',
      headers: { accept: 'application/json', 'x-ssl-client-cert': pem, 'x-forwarded-for': '127.0.0.1' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('identity.certificate_missing');
  });

  it('refuses a foreign certificate in the header too', async () => {
    const kc = issueCitizenCertificate(createCa('Other CA'), { dni: '23456789D', givenName: 'Josep', surname: 'Martí Soler' });
    const res = await app.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/x509', headers: { accept: 'application/json', 'x-ssl-client-cert': kc.certPem.replace(/\n/g, ' ') } });
    expect(res.statusCode).toBe(401);
  });

  it('ignores the header when TRUST_PROXY_CLIENT_CERT_HEADER is not set', async () => {
    const t2 = await createTestDb();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-tls2-'));
    const app2 = await buildApp({ config: loadConfig({}, { DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent' }), db: t2.db, tenants: t2.tenants, logger: false });
    try {
      const files = ensureCitizenCertificateFiles(dir, { dni: '23456789D', givenName: 'Josep', surname: 'Martí Soler' });
      const res = await app2.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/x509', headers: { accept: 'application/json', 'x-ssl-client-cert': encodeURIComponent(readFileSync(files.certFile, 'utf8')) } });
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('identity.certificate_missing');
    } finally {
      await app2.close();
      await t2.close().catch(() => undefined);
    }
  });
});

describe('certificate revocation list', () => {
  it('refuses a certificate listed in CLIENT_CRL_FILE', async () => {
    const t3 = await createTestDb();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-crl-'));
    const ca = loadOrCreateDemoCa(dir);
    const files = ensureCitizenCertificateFiles(dir, { dni: '34567890V', givenName: 'Vicent', surname: 'Llorens Pastor' });
    const crlFile = path.join(dir, 'crl.der');
    writeFileSync(crlFile, createCrl(ca, [toX509(readFileSync(files.certFile, 'utf8')).serialNumber]));
    const app3 = await buildApp({
      config: loadConfig({}, { DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent', TRUST_PROXY_CLIENT_CERT_HEADER: 'x-ssl-client-cert', CLIENT_CRL_FILE: crlFile }),
      db: t3.db,
      tenants: t3.tenants,
      logger: false,
    });
    try {
      const revoked = await app3.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/x509', headers: { accept: 'application/json', 'x-ssl-client-cert': encodeURIComponent(readFileSync(files.certFile, 'utf8')) } });
      expect(revoked.statusCode).toBe(401);
      const other = ensureCitizenCertificateFiles(dir, { dni: '12345678Z', givenName: 'María', surname: 'García López' });
      const fine = await app3.inject({ method: 'GET', url: '/t/alacant/api/v1/auth/x509', headers: { accept: 'application/json', 'x-ssl-client-cert': encodeURIComponent(readFileSync(other.certFile, 'utf8')) } });
      expect(fine.statusCode).toBe(200);
    } finally {
      await app3.close();
      await t3.close().catch(() => undefined);
    }
  });
});
