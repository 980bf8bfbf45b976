import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { startWithoutConnectorSecrets } from '../../testing/procedures.ts';
import { ConnectorConfigError, createConfiguredFilingsRegistries } from '../connectors/index.ts';
import { createLocalFileStorage } from '../storage/index.ts';
import { TenantRegistry, ZTenantProfile, type LoadedTenant, type TenantProfile } from '../tenants/index.ts';
import { filingExportOperations } from './filings.export.ts';
import { createFilingsService, type FilingsService } from './filings.service.ts';
import { TINY_PNG, tinyPdf } from '../../testing/files.ts';

const ctx = { channel: 'web' as const, lang: 'es' as const };
const DNI = '12345678Z';
const TOKEN = 'registro-alacant-token';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    id?: string;
    tenant?: string;
    registryNumber?: string;
    subject?: string;
    attachments?: { fileName: string; mimeType: string; sha256: string; sizeBytes: number; contentBase64: string }[];
  };
}

/**
 * A council's electronic registry on 127.0.0.1: it keeps what it accepted by id, answers 409 for an id it already
 * holds, and plays the statuses queued in `answers` (one per POST) before behaving normally.
 */
async function startRegistry() {
  const received: Received[] = [];
  const held = new Map<string, string>();
  const answers: { status: number; body?: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Received['body']) : {};
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const send = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'unauthorized' });
      const lookup = /^\/filings\/([^/]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && lookup) {
        const ref = held.get(decodeURIComponent(lookup[1] ?? ''));
        return ref ? send(200, { externalRef: ref }) : send(404, { error: 'not found' });
      }
      if (req.method !== 'POST' || req.url !== '/filings' || !body.id) return send(404, { error: 'not found' });
      const scripted = answers.shift();
      if (scripted) return send(scripted.status, scripted.body ?? { error: `scripted ${scripted.status}` });
      const already = held.get(body.id);
      if (already) return send(409, { id: body.id });
      const ref = `ALC-E-${String(held.size + 1).padStart(5, '0')}`;
      held.set(body.id, ref);
      return send(201, { externalRef: ref });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, held, answers, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const withFilingsRegistry = (p: TenantProfile, baseUrl: string): TenantProfile =>
  p.id === 'alacant' ? { ...p, connectors: { ...p.connectors, filings: { kind: 'rest', baseUrl, tokenEnv: 'CONNECTOR_ALACANT_REGISTRY_TOKEN', timeoutMs: 5000 } } } : p;

describe('filings delivered to a council registry over REST', () => {
  let t: TestDb;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let svc: FilingsService;
  let tenants: LoadedTenant[];
  let clock = new Date('2026-11-25T09:00:00Z');
  const errors: string[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    registry = await startRegistry();
    tenants = t.tenants.map((lt) => ({ ...lt, profile: withFilingsRegistry(lt.profile, registry.url) }));
    const registryFor = createConfiguredFilingsRegistries(
      tenants.map((lt) => lt.profile),
      { CONNECTOR_ALACANT_REGISTRY_TOKEN: TOKEN },
    );
    svc = createFilingsService({
      db: t.db,
      tenants: new TenantRegistry(tenants),
      storage: createLocalFileStorage(path.join(mkdtempSync(path.join(tmpdir(), 'vt-filing-exports-')), 'files')),
      now: () => clock,
      registryFor,
      onError: (err, what) => void errors.push(`${what}: ${(err as Error).message}`),
    });
  }, 60_000);
  afterAll(async () => {
    await registry.close();
    await t.close();
  });

  const postsFor = (id: string) => registry.received.filter((r) => r.method === 'POST' && r.body.id === id);
  const audit = async (action: string, id: string) => (await t.db.query(`SELECT details FROM audit_log WHERE action = $1 AND subject_id = $2`, [action, id])).rows;
  /** The delivery started by create runs in the background; wait until it has finished (either way). */
  const settled = async (tenantId: string, id: string, attempts: number) => {
    for (let i = 0; i < 200; i++) {
      const e = await svc.exportStatus(tenantId, id);
      if (e && e.attempts >= attempts && (e.status !== 'pending' || e.lastError !== null)) return e;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`export of ${id} did not settle`);
  };
  const file = (subject: string) => svc.create('alacant', DNI, { subject, body: 'Solicito licencia de vado.', departmentId: 'urbanismo', attachments: [] }, ctx);

  it('sends a filing with two attachments once, with the bearer token, the filing id as Idempotency-Key and matching hashes', async () => {
    const pdf = await tinyPdf('Plano de la cochera');
    const f = await svc.create('alacant', DNI, { subject: 'Solicitud de vado', body: 'Solicito licencia de vado para mi cochera.', departmentId: 'urbanismo', attachments: [{ fileName: 'plano.pdf', data: pdf }, { fileName: 'foto.png', data: TINY_PNG }] }, ctx);
    const e = await settled('alacant', f.id, 1);
    expect(e).toEqual({ status: 'delivered', attempts: 1, lastError: null, externalRef: expect.stringMatching(/^ALC-E-\d{5}$/) });

    const [post, ...more] = postsFor(f.id);
    expect(more).toEqual([]);
    expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post?.headers['idempotency-key']).toBe(f.id);
    expect(post?.body).toMatchObject({ tenant: 'alacant', id: f.id, registryNumber: f.registryNumber, subject: 'Solicitud de vado' });
    const sent = post?.body.attachments ?? [];
    expect(sent.map((a) => [a.fileName, a.mimeType]).sort()).toEqual([['foto.png', 'image/png'], ['plano.pdf', 'application/pdf']]);
    for (const a of sent) {
      const bytes = Buffer.from(a.contentBase64, 'base64');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(a.sha256);
      expect(bytes.length).toBe(a.sizeBytes);
    }
    // The registry got exactly the files on the citizen's receipt.
    expect(sent.map((a) => a.sha256).sort()).toEqual(f.attachments.map((a) => a.sha256).sort());
    expect(Buffer.from(sent.find((a) => a.fileName === 'plano.pdf')?.contentBase64 ?? '', 'base64').equals(pdf)).toBe(true);
    expect(e?.externalRef).toBe(registry.held.get(f.id));
    expect(await audit('filing.exported', f.id)).toEqual([{ details: { attempts: 1, externalRef: e?.externalRef } }]);

    // The job run again has nothing to send, even hours later.
    clock = new Date(clock.getTime() + 7 * 3600_000);
    expect(await svc.deliverFilingExports()).toBe(0);
    expect(postsFor(f.id)).toHaveLength(1);
  });

  it('keeps a filing in the outbox while the registry answers 503 and delivers it on a later run', async () => {
    registry.answers.push({ status: 503 });
    const f = await file('Registro caído');
    expect(await settled('alacant', f.id, 1)).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('HTTP 503') });
    expect(await svc.deliverFilingExports()).toBe(0); // not due yet: the first retry waits a minute
    expect(postsFor(f.id)).toHaveLength(1);
    clock = new Date(clock.getTime() + 61_000);
    expect(await svc.deliverFilingExports()).toBe(1);
    expect(await svc.exportStatus('alacant', f.id)).toMatchObject({ status: 'delivered', attempts: 2, lastError: null, externalRef: registry.held.get(f.id) });
    expect(postsFor(f.id).map((p) => p.headers['idempotency-key'])).toEqual([f.id, f.id]);
    expect(await audit('filing.exported', f.id)).toHaveLength(1);
  });

  it('sends a due filing once when several job runs (instances) claim at the same time', async () => {
    registry.answers.push({ status: 503 });
    const f = await file('Varias instancias');
    await settled('alacant', f.id, 1);
    clock = new Date(clock.getTime() + 61_000);
    const runs = await Promise.all([svc.deliverFilingExports(), svc.deliverFilingExports(), svc.deliverFilingExports()]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(postsFor(f.id)).toHaveLength(2);
    expect(await svc.exportStatus('alacant', f.id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('backs off 1, 2, 4 minutes while the registry is unreachable', async () => {
    registry.answers.push({ status: 500 }, { status: 502 }, { status: 504 });
    const f = await file('Registro intermitente');
    await settled('alacant', f.id, 1);
    for (const [minutes, attempts] of [[1, 2], [2, 3]] as const) {
      clock = new Date(clock.getTime() + (minutes * 60 - 1) * 1000);
      expect(await svc.deliverFilingExports()).toBe(0);
      clock = new Date(clock.getTime() + 2000);
      expect(await svc.deliverFilingExports()).toBe(0);
      expect(await svc.exportStatus('alacant', f.id)).toMatchObject({ status: 'pending', attempts });
    }
    clock = new Date(clock.getTime() + 4 * 60_000 + 1000);
    expect(await svc.deliverFilingExports()).toBe(1);
    expect(await svc.exportStatus('alacant', f.id)).toMatchObject({ status: 'delivered', attempts: 4 });
  });

  it('marks a filing the registry refuses (422) as failed, audits it and never retries it', async () => {
    registry.answers.push({ status: 422, body: { error: 'departmentId unknown' } });
    const f = await file('Departamento desconocido');
    const e = await settled('alacant', f.id, 1);
    expect(e).toMatchObject({ status: 'failed', attempts: 1, externalRef: null });
    expect(e?.lastError).toContain('HTTP 422');
    expect(e?.lastError).toContain('departmentId unknown');
    clock = new Date(clock.getTime() + 24 * 3600_000);
    expect(await svc.deliverFilingExports()).toBe(0);
    expect(postsFor(f.id)).toHaveLength(1);
    const [row] = await audit('filing.export_failed', f.id);
    expect(row).toMatchObject({ details: { attempts: 1, error: expect.stringContaining('HTTP 422') } });
    expect(await audit('filing.exported', f.id)).toEqual([]);

    // The operator lists it, the registry learns the department, and the operator sends it again (audited).
    const ops = filingExportOperations(t.db, () => clock);
    expect((await ops.failed('alacant')).filter((r) => r.key === f.id)).toEqual([{ key: f.id, attempts: 1, last_error: expect.stringContaining('HTTP 422'), created_at: expect.any(Date), about: { registry_number: f.registryNumber, department_id: 'urbanismo' } }]);
    expect(await ops.failed('medina-rioseco')).toEqual([]);
    await expect(ops.requeue('medina-rioseco', f.id)).rejects.toMatchObject({ code: 'connectors.export_not_failed', status: 404 });
    await ops.requeue('alacant', f.id);
    await expect(ops.requeue('alacant', f.id)).rejects.toMatchObject({ code: 'connectors.export_not_failed' }); // pending now, not failed
    expect(await audit('filing.export_requeued', f.id)).toHaveLength(1);
    expect(await svc.deliverFilingExports()).toBe(1);
    expect(await svc.exportStatus('alacant', f.id)).toMatchObject({ status: 'delivered', attempts: 2, externalRef: registry.held.get(f.id) });
    expect((await ops.failed('alacant')).filter((r) => r.key === f.id)).toEqual([]);
  });

  it('counts a 409 for the same filing as delivered (asking for the reference) and a 409 for another filing as a refusal', async () => {
    const f = await file('Respuesta perdida');
    await settled('alacant', f.id, 1);
    const ref = registry.held.get(f.id);
    // Our record of the answer was lost: the registry, which holds it, answers the next delivery 409 with our id only.
    await t.db.query(`UPDATE filing_exports SET status = 'pending', external_ref = NULL, next_attempt_at = $2 WHERE filing_id = $1`, [f.id, clock]);
    expect(await svc.deliverFilingExports()).toBe(1);
    expect(registry.received.filter((r) => r.method === 'GET' && r.url === `/filings/${f.id}`)).toHaveLength(1);
    expect(await svc.exportStatus('alacant', f.id)).toMatchObject({ status: 'delivered', externalRef: ref });

    registry.answers.push({ status: 409, body: { id: randomUUID(), externalRef: 'ALC-E-99999' } });
    const g = await file('Número repetido');
    expect(await settled('alacant', g.id, 1)).toMatchObject({ status: 'failed', externalRef: null, lastError: expect.stringContaining('another filing') });
  });

  it('sends nothing and queues nothing for a council whose registry is our database (embedded)', async () => {
    const before = registry.received.length;
    const f = await svc.create('medina-rioseco', DNI, { subject: 'Instancia general', body: 'Texto', departmentId: 'secretaria' }, ctx);
    expect(await svc.exportStatus('medina-rioseco', f.id)).toBeUndefined();
    expect((await t.db.query(`SELECT 1 FROM filing_exports WHERE tenant_id = 'medina-rioseco'`)).rows).toEqual([]);
    expect(await svc.deliverFilingExports()).toBe(0);
    expect(registry.received.length).toBe(before);
    expect(errors.filter((e) => e.includes(f.id))).toEqual([]);
  });

  it('refuses to start when the registry token variable is not set, naming it', async () => {
    const profiles = tenants.map((lt) => lt.profile);
    expect(() => createConfiguredFilingsRegistries(profiles, {})).toThrow(ConnectorConfigError);
    expect(() => createConfiguredFilingsRegistries(profiles, {})).toThrow('alacant: connectors.filings.tokenEnv names CONNECTOR_ALACANT_REGISTRY_TOKEN, which is not set');
    const start = startWithoutConnectorSecrets(t.db, tenants);
    expect(start).toThrow(/connectors\.filings\.tokenEnv names CONNECTOR_ALACANT_REGISTRY_TOKEN/);
  });

  it('reads connectors.filings from a profile: embedded by default, rest with a CONNECTOR_ variable', () => {
    const plain = JSON.parse(JSON.stringify(t.tenants[0]?.profile)) as Record<string, unknown>;
    delete plain.connectors;
    expect(ZTenantProfile.parse(plain).connectors.filings).toEqual({ kind: 'embedded' });
    const rest = ZTenantProfile.parse({ ...plain, connectors: { filings: { kind: 'rest', baseUrl: registry.url, tokenEnv: 'CONNECTOR_ALACANT_REGISTRY_TOKEN' } } });
    expect(rest.connectors).toMatchObject({ padron: { kind: 'embedded' }, taxes: { kind: 'embedded' }, filings: { kind: 'rest', baseUrl: registry.url } });
    expect(ZTenantProfile.safeParse({ ...plain, connectors: { filings: { kind: 'rest', baseUrl: registry.url, tokenEnv: 'the-token-itself' } } }).success).toBe(false);
  });
});
