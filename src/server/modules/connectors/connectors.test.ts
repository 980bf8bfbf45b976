import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { runPoppler } from '../../testing/poppler.ts';
import { createTestCertificates } from '../../testing/certificates.ts';
import { embeddedPadron } from '../../testing/procedures.ts';
import { TenantRegistry, ZTenantProfile, type LoadedTenant } from '../tenants/index.ts';
import { ConnectorConfigError, createConfiguredPadronConnector } from './connectors.config.ts';
import { createProcedureModules } from '../procedures.composition.ts';
import type { Household, Inhabitant, PadronConnector } from './connectors.types.ts';
import { loadDemoData, seedDemoRegisters } from '../../demo/demo-seed.ts';
import { startLegacyPadronApp, type LegacyApp } from './fixtures/legacy-padron-app.ts';
import { createRestPadronConnector } from './padron.rest.ts';
import { createRpaPadronConnector, type RpaPadronConnector } from './padron.rpa.ts';

const NOW = new Date('2026-11-25T09:00:00Z');
const demo = loadDemoData();
const iso = (v: string | Date | undefined) => (v === undefined ? undefined : v instanceof Date ? v.toISOString().slice(0, 10) : v);
const inhabitants: Inhabitant[] = demo.citizens
  .filter((c) => c.tenant === 'alacant')
  .map((c) => ({ dni: c.dni, givenName: c.givenName, surname: c.surname, birthDate: iso(c.birthDate), householdId: c.household, registeredSince: iso(c.registeredSince) ?? '' }));
const households = demo.households.filter((h) => h.tenant === 'alacant').map((h) => ({ id: h.id, address: h.address }));

/** Every connector must give the same answers for the demo padrón. */
async function expectSameRegister(c: PadronConnector): Promise<void> {
  const maria = await c.findInhabitant('alacant', '12345678Z');
  expect(maria).toEqual({ dni: '12345678Z', givenName: 'María', surname: 'García López', birthDate: '1948-03-12', householdId: 'ALC-H-0001', registeredSince: '1975-06-01' });
  expect(await c.findInhabitant('alacant', '00000000T')).toBeUndefined();
  const home = (await c.findHousehold('alacant', 'ALC-H-0001')) as Household;
  expect(home.address).toBe('Calle San Vicente 12, 3º B, 03004 Alicante');
  expect(home.members.map((m) => m.dni).sort()).toEqual(['12345678Z', '23456789D']);
  expect(await c.findHousehold('alacant', 'ALC-H-9999')).toBeUndefined();
}

describe('padrón connectors', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile), undefined, NOW);
  }, 60_000);
  afterAll(async () => t.close());

  it('the embedded connector reads the demo padrón seeded from data/demo/citizens.yaml, once however often it runs', async () => {
    await expectSameRegister(embeddedPadron(t.db));
    const again = await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile), undefined, NOW);
    expect(again).toEqual({ inhabitants: 0, debts: 0, filings: 0 });
    expect(await embeddedPadron(t.db).findInhabitant('medina-rioseco', '12345678Z')).toBeUndefined();
  });

  it('the REST connector reads a JSON register over HTTP and reports an unavailable register as 503', async () => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      const url = new URL(req.url ?? '/', 'http://x');
      const [, kind, id = ''] = url.pathname.split('/');
      const person = kind === 'inhabitants' ? inhabitants.find((i) => i.dni === decodeURIComponent(id)) : undefined;
      const home = kind === 'households' ? households.find((h) => h.id === decodeURIComponent(id)) : undefined;
      if (kind === 'broken') {
        res.writeHead(500);
        return res.end();
      }
      const body = person ?? (home ? { ...home, members: inhabitants.filter((i) => i.householdId === home.id) } : undefined);
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expectSameRegister(createRestPadronConnector({ baseUrl: base, token: 'secret-token' }));
      expect(requests[0]).toBe('GET /inhabitants/12345678Z?tenant=alacant Bearer secret-token');
      const down = createRestPadronConnector({ baseUrl: `${base}/broken` });
      await expect(down.findInhabitant('alacant', 'x')).rejects.toMatchObject({ code: 'padron.connector_unavailable', status: 503 });
    } finally {
      server.close();
    }
  });

  describe('the RPA connector', () => {
    let app: LegacyApp;
    let rpa: RpaPadronConnector;
    beforeAll(async () => {
      app = await startLegacyPadronApp({ inhabitants, households, user: 'robot', password: 'clave-demo' });
      rpa = createRpaPadronConnector({ baseUrl: app.url, user: 'robot', password: 'clave-demo' });
    });
    afterAll(async () => {
      await rpa.close();
      await app.close();
    });

    it('signs in to a legacy web form app with Chromium, fills the search forms and reads the tables', async () => {
      await expectSameRegister(rpa);
      expect(app.searches).toEqual(['dni:12345678Z', 'dni:00000000T', 'hoja:ALC-H-0001', 'hoja:ALC-H-9999']);
    }, 60_000);

    it("follows each council's profile: Alicante's certificate comes from the legacy app, Medina's from our database", async () => {
      const withPadron = (lt: LoadedTenant, padron: unknown): LoadedTenant => ({ ...lt, profile: ZTenantProfile.parse({ ...stripDefaults(lt.profile), connectors: { padron } }) });
      const tenants = new TenantRegistry(t.tenants.map((lt) => (lt.profile.id === 'alacant' ? withPadron(lt, { kind: 'rpa', baseUrl: app.url, userEnv: 'CONNECTOR_ALACANT_PADRON_USER', passwordEnv: 'CONNECTOR_ALACANT_PADRON_PASSWORD' }) : lt)));
      const dataDir = mkdtempSync(path.join(tmpdir(), 'vt-conn-'));
      const certificates = createTestCertificates(t.db, tenants, dataDir);
      const procedures = createProcedureModules({
        db: t.db,
        tenants,
        certificates,
        log: pino({ level: 'silent' }),
        config: { PUBLIC_URL: 'http://127.0.0.1:3000', SESSION_SECRET: 'x'.repeat(32), MAIL_FROM: 'test@example.org', dataDir, NODE_ENV: 'test', S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: true, connectorEnv: { CONNECTOR_ALACANT_PADRON_USER: 'robot', CONNECTOR_ALACANT_PADRON_PASSWORD: 'clave-demo' } },
      });
      try {
        const before = app.searches.length;
        const ctx = { channel: 'web' as const, lang: 'es' as const };
        const cert = await procedures.padron.issueCertificate('alacant', '12345678Z', { kind: 'individual' }, ctx);
        expect(app.searches.slice(before)).toEqual(['dni:12345678Z', 'hoja:ALC-H-0001']);
        const pdf = await procedures.padron.certificatePdf('alacant', '12345678Z', cert.code, ctx);
        expect(runPoppler('pdftotext', pdf.pdf)).toMatch(/María\s+García López/);
        expect(runPoppler('pdfsig', pdf.pdf)).toContain('Signature is Valid');
        // Medina keeps the embedded register: the legacy app sees no new search.
        await expect(procedures.padron.issueCertificate('medina-rioseco', '12345678Z', { kind: 'individual' }, ctx)).rejects.toMatchObject({ status: 404 });
        expect(app.searches.length).toBe(before + 2);
      } finally {
        await procedures.close();
      }
    }, 60_000);

    it('refuses to start when a profile names a secret that is not set, and never takes the secret itself', () => {
      const profiles = t.tenants.map((lt) => lt.profile).map((p) => (p.id === 'alacant' ? { ...p, connectors: { ...p.connectors, padron: { kind: 'rest' as const, baseUrl: app.url, tokenEnv: 'CONNECTOR_ALACANT_TOKEN' } } } : p));
      expect(() => createConfiguredPadronConnector(embeddedPadron(t.db), profiles, {})).toThrow(ConnectorConfigError);
      expect(() => createConfiguredPadronConnector(embeddedPadron(t.db), profiles, {})).toThrow('alacant: connectors.padron.tokenEnv names CONNECTOR_ALACANT_TOKEN, which is not set');
      const configured = createConfiguredPadronConnector(embeddedPadron(t.db), profiles, { CONNECTOR_ALACANT_TOKEN: 'tok' });
      expect(configured.kinds).toEqual({ alacant: 'rest', 'medina-rioseco': 'embedded' });
      const bad = ZTenantProfile.safeParse({ ...stripDefaults(t.tenants[0]?.profile), connectors: { padron: { kind: 'rest', baseUrl: app.url, tokenEnv: 's3cr3t-token' } } });
      expect(bad.success).toBe(false);
      expect(JSON.stringify(bad.error?.issues)).toContain('must name an environment variable starting with CONNECTOR_');
    });

    it('reports a refused sign-in as the register being unavailable', async () => {
      const wrong = createRpaPadronConnector({ baseUrl: app.url, user: 'robot', password: 'wrong', timeoutMs: 3000 });
      try {
        await expect(wrong.findInhabitant('alacant', '12345678Z')).rejects.toMatchObject({ code: 'padron.connector_unavailable' });
      } finally {
        await wrong.close();
      }
    }, 30_000);
  });
});

/** A parsed profile back to input form (the schema re-applies defaults). */
function stripDefaults(p: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
}
