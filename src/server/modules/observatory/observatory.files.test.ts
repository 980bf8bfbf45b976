import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { startTestS3, type TestS3 } from '../../testing/s3-server.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { createLocalFileStorage, createS3FileStorage, type FileStorage } from '../storage/index.ts';
import { ObservatoryService, OBS_CSRF_HEADER, type ObsRole } from './index.ts';

type Json = Record<string, unknown>;
interface FileView { id: string; name: string; mimeType: string; typeLabel: string; sizeBytes: number; sha256: string; url: string }
interface Officer { cookie: string; csrf: string; headers: Record<string, string> }

// Real bytes of each type: file-type decides from them, never from the name.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
// A Windows executable (MZ header, PE signature) named like a report.
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x40, 0, 0, 0]), Buffer.from('PE\0\0'), Buffer.alloc(200)]);

/** A multipart/form-data body with one "files" part per file. */
function multipart(files: { name: string; data: Buffer; type?: string }[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----vt-obs-${Math.random().toString(16).slice(2)}`;
  const parts = files.map((f) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`),
      f.data,
      Buffer.from('\r\n'),
    ]),
  );
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function officer(app: FastifyInstance, svc: ObservatoryService, email: string, role?: ObsRole): Promise<Officer> {
  const { account, verificationToken } = await svc.register({ email, password: 'correct horse battery', displayName: `Officer ${email.split('@')[0] ?? ''}`, language: 'en', ine5: '47086' });
  await svc.verifyEmail(verificationToken);
  if (role) await svc.setRole({ kind: 'system' }, account.id, role);
  const login = await app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email, password: 'correct horse battery' } });
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  const csrf = login.json<{ csrfToken: string }>().csrfToken;
  return { cookie, csrf, headers: { cookie, [OBS_CSRF_HEADER]: csrf } };
}

async function createDraft(app: FastifyInstance, who: Officer, title: string): Promise<string> {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/observatory/projects', headers: who.headers,
    payload: { title: { es: title }, ine5: '47086', phase: 'pilot', type: 'services', area: 'first-line-care' },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function upload(app: FastifyInstance, who: Officer | undefined, projectId: string, files: { name: string; data: Buffer; type?: string }[]) {
  const body = multipart(files);
  return app.inject({ method: 'POST', url: `/api/v1/observatory/projects/${projectId}/files?lang=en`, headers: { ...(who?.headers ?? {}), ...body.headers }, payload: body.payload });
}

describe('project documentation files (local storage)', () => {
  let ta: TestApp;
  let svc: ObservatoryService;
  let storage: FileStorage;
  let owner: Officer;
  let stranger: Officer;
  let editor: Officer;
  let projectId = '';
  let files: FileView[] = [];

  beforeAll(async () => {
    ta = await createTestApp();
    svc = new ObservatoryService({ db: ta.t.db });
    await svc.ensureMunicipalities();
    // The same folder the app writes to (createFileStorage(config, 'observatory') without S3).
    storage = createLocalFileStorage(path.join(ta.dataDir, 'files', '_observatory'));
    owner = await officer(ta.app, svc, 'owner@medina.example');
    stranger = await officer(ta.app, svc, 'stranger@elsewhere.example');
    editor = await officer(ta.app, svc, 'editor@observatorio.example', 'editor');
    projectId = await createDraft(ta.app, owner, 'Sede electrónica rural');
  }, 120_000);
  afterAll(async () => ta.close());

  it('lets the owner upload a PDF and a PNG, lists them on the project and serves the exact bytes as an attachment', async () => {
    const res = await upload(ta.app, owner, projectId, [{ name: 'Memòria del projecte.pdf', data: PDF, type: 'application/pdf' }, { name: 'captura.png', data: PNG }]);
    expect(res.statusCode).toBe(201);
    files = res.json<{ files: FileView[] }>().files;
    expect(files.map((f) => [f.name, f.mimeType, f.typeLabel, f.sizeBytes])).toEqual([
      ['Memòria del projecte.pdf', 'application/pdf', 'PDF', PDF.length],
      ['captura.png', 'image/png', 'PNG', PNG.length],
    ]);
    const detail = await ta.app.inject({ method: 'GET', url: `/api/v1/observatory/projects/${projectId}`, headers: { cookie: owner.cookie } });
    expect(detail.json<{ files: FileView[] }>().files.map((f) => f.url)).toEqual(files.map((f) => `/api/v1/observatory/projects/${projectId}/files/${f.id}`));

    const pdf = files[0];
    const dl = await ta.app.inject({ method: 'GET', url: pdf?.url ?? '', headers: { cookie: owner.cookie } });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="Memoria del projecte.pdf"; filename*=UTF-8''Mem%C3%B2ria%20del%20projecte.pdf`);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['cache-control']).toBe('private, no-store');
    const png = await ta.app.inject({ method: 'GET', url: files[1]?.url ?? '', headers: { cookie: owner.cookie } });
    expect(png.rawPayload.equals(PNG)).toBe(true);
    expect((await storage.list(`projects/${projectId}/`)).sort()).toEqual(files.map((f) => `projects/${projectId}/${f.id}`).sort());
    expect(await storage.list('.tmp/')).toEqual([]);
  });

  it('refuses a renamed executable with 415 storage.unsupported_type and keeps nothing of it', async () => {
    const res = await upload(ta.app, owner, projectId, [{ name: 'informe.pdf', data: EXE, type: 'application/pdf' }]);
    expect(res.statusCode).toBe(415);
    expect(res.json<{ error: Json }>().error).toEqual({
      code: 'storage.unsupported_type',
      message: 'The document “informe.pdf” is not of an accepted type (PDF, JPEG, PNG, ODT, ODS, DOCX, XLSX).',
    });
    expect(await storage.list('.tmp/')).toEqual([]);
    expect(await storage.list(`projects/${projectId}/`)).toHaveLength(2);
  });

  it('refuses too many files (in one upload, or over the ten a project may hold) and a file over 20 MB, all with 413', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.pdf`, data: PDF }));
    const batch = await upload(ta.app, owner, projectId, eleven);
    expect(batch.statusCode).toBe(413);
    expect(batch.json<{ error: Json }>().error).toMatchObject({ code: 'storage.too_many_files', message: 'You can attach at most 10 documents.' });
    // Two are there already: nine more would make eleven. Nothing is kept of the refused upload.
    const over = await upload(ta.app, owner, projectId, eleven.slice(0, 9));
    expect(over.statusCode).toBe(413);
    expect(over.json<{ error: Json }>().error).toMatchObject({ code: 'storage.too_many_files' });
    expect(await storage.list('.tmp/')).toEqual([]);
    expect(await storage.list(`projects/${projectId}/`)).toHaveLength(2);

    const big = Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024 + 1 - PDF.length, 0x20)]);
    const large = await upload(ta.app, owner, projectId, [{ name: 'grande.pdf', data: big }]);
    expect(large.statusCode).toBe(413);
    expect(large.json<{ error: Json }>().error).toEqual({ code: 'storage.file_too_large', message: 'The document “grande.pdf” is larger than the 20 MB allowed.' });
    expect(await storage.list('.tmp/')).toEqual([]);
  }, 60_000);

  it('hides a draft\'s files from strangers (404) and lets anyone download them once published, but only owners and editors change them', async () => {
    const url = files[0]?.url ?? '';
    expect((await ta.app.inject({ method: 'GET', url, headers: { cookie: stranger.cookie } })).statusCode).toBe(404);
    const anonymous = await ta.app.inject({ method: 'GET', url: `${url}?lang=en` });
    expect(anonymous.statusCode).toBe(404);
    expect(anonymous.json<{ error: Json }>().error.code).toBe('observatory.file_not_found');
    const strangerUpload = await upload(ta.app, stranger, projectId, [{ name: 'x.pdf', data: PDF }]);
    expect(strangerUpload.statusCode).toBe(404);
    expect(strangerUpload.json<{ error: Json }>().error.code).toBe('observatory.project_not_found');
    expect((await upload(ta.app, undefined, projectId, [{ name: 'x.pdf', data: PDF }])).statusCode).toBe(401);
    // Without the officer's CSRF token the cookie alone does nothing.
    const noCsrf = multipart([{ name: 'x.pdf', data: PDF }]);
    const forged = await ta.app.inject({ method: 'POST', url: `/api/v1/observatory/projects/${projectId}/files`, headers: { cookie: owner.cookie, ...noCsrf.headers }, payload: noCsrf.payload });
    expect(forged.statusCode).toBe(403);
    expect(forged.json<{ error: Json }>().error.code).toBe('common.csrf');

    await ta.app.inject({ method: 'POST', url: `/api/v1/observatory/projects/${projectId}/submit`, headers: owner.headers });
    expect((await ta.app.inject({ method: 'POST', url: `/api/v1/observatory/projects/${projectId}/publish`, headers: editor.headers })).statusCode).toBe(200);
    const open = await ta.app.inject({ method: 'GET', url });
    expect(open.statusCode).toBe(200);
    expect(open.rawPayload.equals(PDF)).toBe(true);
    expect(open.headers['cache-control']).toBe('public, max-age=300');
    const refused = await upload(ta.app, stranger, projectId, [{ name: 'x.pdf', data: PDF }]);
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: Json }>().error.code).toBe('observatory.forbidden');
    const del = await ta.app.inject({ method: 'DELETE', url, headers: stranger.headers });
    expect(del.statusCode).toBe(403);
    // An editor may add documentation to someone else's project, as they may edit it.
    const byEditor = await upload(ta.app, editor, projectId, [{ name: 'revisio.png', data: PNG }]);
    expect(byEditor.statusCode).toBe(201);
    files.push(...byEditor.json<{ files: FileView[] }>().files);
  });

  it('deletes a file: no row, no object, and the history records who added and removed what', async () => {
    const gone = files[0];
    const del = await ta.app.inject({ method: 'DELETE', url: gone?.url ?? '', headers: owner.headers });
    expect(del.statusCode).toBe(204);
    expect(await storage.list(`projects/${projectId}/`)).not.toContain(`projects/${projectId}/${gone?.id ?? ''}`);
    expect(await storage.list(`projects/${projectId}/`)).toHaveLength(2);
    expect((await ta.app.inject({ method: 'GET', url: gone?.url ?? '' })).statusCode).toBe(404);
    expect((await ta.app.inject({ method: 'DELETE', url: gone?.url ?? '', headers: owner.headers })).statusCode).toBe(404);
    const detail = await ta.app.inject({ method: 'GET', url: `/api/v1/observatory/projects/${projectId}` });
    expect(detail.json<{ files: FileView[] }>().files.map((f) => f.name)).toEqual(['captura.png', 'revisio.png']);

    const history = (await ta.app.inject({ method: 'GET', url: `/api/v1/observatory/projects/${projectId}/history` })).json<Json[]>();
    const fileEntries = history.filter((h) => h.action === 'add_file' || h.action === 'remove_file')
      .map((h) => [h.action, h.actorName, h.changes]);
    expect(fileEntries).toEqual([
      ['add_file', 'Officer owner', { file: { before: null, after: 'Memòria del projecte.pdf' } }],
      ['add_file', 'Officer owner', { file: { before: null, after: 'captura.png' } }],
      ['add_file', 'Officer editor', { file: { before: null, after: 'revisio.png' } }],
      ['remove_file', 'Officer owner', { file: { before: 'Memòria del projecte.pdf', after: null } }],
    ]);
  });
});

describe('project documentation files on an S3-compatible server', () => {
  let s3: TestS3;
  let t: TestDb;
  let app: FastifyInstance;

  beforeAll(async () => {
    s3 = await startTestS3();
    t = await createTestDb();
    const o = s3.options;
    // The real app, configured for S3 the way an operator would: the registry picks the S3 adapter from S3_BUCKET.
    const config = loadConfig({}, {
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'vt-test-')), NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000,
      S3_BUCKET: o.bucket, S3_ENDPOINT: o.endpoint, S3_REGION: o.region, S3_ACCESS_KEY_ID: o.accessKeyId, S3_SECRET_ACCESS_KEY: o.secretAccessKey,
      S3_FORCE_PATH_STYLE: true, S3_PREFIX: 'install-1',
    });
    app = await buildApp({ config, db: t.db, tenants: t.tenants, logger: false });
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await t.close().catch(() => undefined);
    await s3.close();
  });

  it('stores an upload in the bucket under the observatory prefix, serves it back and removes it', async () => {
    const svc = new ObservatoryService({ db: t.db });
    await svc.ensureMunicipalities();
    const owner = await officer(app, svc, 'owner-s3@medina.example');
    const projectId = await createDraft(app, owner, 'Documentos en S3');
    const res = await upload(app, owner, projectId, [{ name: 'memoria.pdf', data: PDF }, { name: 'plano.png', data: PNG }]);
    expect(res.statusCode).toBe(201);
    const [pdf, png] = res.json<{ files: FileView[] }>().files;
    // Read the bucket directly, under the prefix the app was given.
    const bucket = createS3FileStorage({ ...s3.options, prefix: 'install-1/observatory' });
    try {
      expect((await bucket.list(`projects/${projectId}/`)).sort()).toEqual([`projects/${projectId}/${pdf?.id ?? ''}`, `projects/${projectId}/${png?.id ?? ''}`].sort());
      expect(await bucket.list('.tmp/')).toEqual([]);
      const dl = await app.inject({ method: 'GET', url: pdf?.url ?? '', headers: { cookie: owner.cookie } });
      expect(dl.statusCode).toBe(200);
      expect(dl.rawPayload.equals(PDF)).toBe(true);
      const refused = await upload(app, owner, projectId, [{ name: 'setup.pdf', data: EXE }]);
      expect(refused.json<{ error: Json }>().error.code).toBe('storage.unsupported_type');
      expect(await bucket.list('.tmp/')).toEqual([]);
      expect((await app.inject({ method: 'DELETE', url: pdf?.url ?? '', headers: owner.headers })).statusCode).toBe(204);
      expect(await bucket.list(`projects/${projectId}/`)).toEqual([`projects/${projectId}/${png?.id ?? ''}`]);
    } finally {
      bucket.close?.();
    }
  }, 60_000);
});
