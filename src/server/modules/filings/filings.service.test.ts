import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { createTestCertificates } from '../../testing/certificates.ts';
import { runPoppler } from '../../testing/poppler.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { createFilingsService, type FilingsService } from './filings.service.ts';
import { createLocalFileStorage, createS3FileStorage, type FileStorage } from '../storage/index.ts';
import { startTestS3, type TestS3 } from '../../testing/s3-server.ts';
import { EXE_NAMED_PDF, TINY_JPEG, TINY_PNG, tinyPdf } from '../../testing/files.ts';

const ctx = { channel: 'web' as const, lang: 'es' as const };
const NOW = new Date('2026-11-25T09:00:00Z');

describe('filings service', () => {
  let t: TestDb;
  let svc: FilingsService;
  let filesRoot: string;

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile), undefined, NOW);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vt-filings-'));
    filesRoot = path.join(dataDir, 'files');
    const registry = new TenantRegistry(t.tenants);
    const receipts = createTestCertificates(t.db, registry, dataDir);
    svc = createFilingsService({ db: t.db, tenants: registry, storage: createLocalFileStorage(filesRoot), receipts, now: () => NOW, limits: { maxFiles: 3, maxFileBytes: 200_000 } });
  }, 60_000);
  afterAll(async () => t.close());

  const countersFor = async (tenant: string) =>
    (await t.db.query<{ last_number: number }>(`SELECT last_number FROM filing_counters WHERE tenant_id = $1 AND year = 2026`, [tenant])).rows[0]?.last_number ?? 0;

  it('registers a filing with attachments sniffed from their bytes and a signed receipt', async () => {
    const before = await countersFor('alacant');
    const f = await svc.create(
      'alacant',
      '12345678Z',
      { subject: 'Solicitud de vado', body: 'Solicito licencia de vado para mi cochera.', departmentId: 'urbanismo', attachments: [{ fileName: 'plano.pdf', data: await tinyPdf() }, { fileName: 'foto.png', data: TINY_PNG }, { fileName: 'dni.jpg', data: TINY_JPEG }] },
      ctx,
    );
    expect(f.registryNumber).toBe(`REG-2026-${String(before + 1).padStart(6, '0')}`);
    expect(f.attachments.map((a) => a.mimeType).sort()).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
    expect(f.history.map((h) => h.status)).toEqual(['registered']);
    const png = await svc.attachment('alacant', '12345678Z', f.id, f.attachments.find((a) => a.mimeType === 'image/png')?.id ?? '', ctx);
    expect(png.data.equals(TINY_PNG)).toBe(true);
    const receipt = await svc.receiptPdf('alacant', '12345678Z', f.id, ctx);
    expect(runPoppler('pdfsig', receipt.pdf)).toContain('Signature is Valid');
    expect(runPoppler('pdftotext', receipt.pdf)).toContain(f.registryNumber);
    expect(readdirSync(path.join(filesRoot, '.tmp'))).toEqual([]);
  }, 30_000);

  it('refuses a renamed executable, too many files and too large files before using a number', async () => {
    const before = await countersFor('alacant');
    const base = { subject: 'Adjuntos', body: 'Texto', departmentId: 'registro-general' };
    await expect(svc.create('alacant', '12345678Z', { ...base, attachments: [{ fileName: 'factura.pdf', data: EXE_NAMED_PDF }] }, ctx)).rejects.toMatchObject({ code: 'filings.unsupported_type', status: 415 });
    await expect(svc.create('alacant', '12345678Z', { ...base, attachments: Array.from({ length: 4 }, () => ({ fileName: 'a.png', data: TINY_PNG })) }, ctx)).rejects.toMatchObject({ code: 'filings.too_many_files' });
    await expect(svc.create('alacant', '12345678Z', { ...base, attachments: [{ fileName: 'big.png', data: Buffer.concat([TINY_PNG, Buffer.alloc(300_000)]) }] }, ctx)).rejects.toMatchObject({ code: 'filings.file_too_large' });
    expect(await countersFor('alacant')).toBe(before);
  });

  it('writes all attachments or none: a failed insert leaves no file, no row and no gap', async () => {
    const before = await countersFor('alacant');
    // PostgreSQL refuses NUL in text: the insert fails inside the transaction, after the files were written.
    // The database's own error (22021) proves the rollback path ran; a check before the writes would answer otherwise.
    await expect(
      svc.create('alacant', '23456789D', { subject: 'Falla', body: 'texto\u0000roto', departmentId: 'hacienda', attachments: [{ fileName: 'a.pdf', data: await tinyPdf() }, { fileName: 'b.png', data: TINY_PNG }] }, ctx),
    ).rejects.toMatchObject({ code: '22021' });
    expect(await countersFor('alacant')).toBe(before);
    expect(readdirSync(path.join(filesRoot, '.tmp'))).toEqual([]);
    const orphans = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM filing_attachments a LEFT JOIN filings f ON f.id = a.filing_id WHERE f.id IS NULL`);
    expect(orphans.rows[0]?.n).toBe(0);
    const next = await svc.create('alacant', '23456789D', { subject: 'Bien', body: 'texto', departmentId: 'hacienda' }, ctx);
    expect(next.registryNumber).toBe(`REG-2026-${String(before + 1).padStart(6, '0')}`);
  });

  it('numbers concurrent filings without gaps or repeats, per council', async () => {
    const before = await countersFor('medina-rioseco');
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) => svc.create('medina-rioseco', i % 2 ? '45678901G' : '56789012B', { subject: `Solicitud ${i}`, body: 'texto', departmentId: 'secretaria' }, ctx)),
    );
    const numbers = made.map((f) => Number(f.registryNumber.slice(-6))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => before + i + 1));
  }, 60_000);

  it('keeps a status history that staff update, and finds a filing by its number', async () => {
    const f = await svc.create('alacant', 'X1234567L', { subject: 'Ayuda', body: 'Solicito información.', departmentId: 'servicios-sociales' }, ctx);
    await svc.updateStatus('alacant', { type: 'staff', id: 'staff-1' }, f.id, { status: 'needs_info', note: 'Falta el certificado de empadronamiento' }, ctx);
    const found = await svc.status('alacant', 'X1234567L', f.registryNumber.toLowerCase(), 'en');
    expect(found.history.map((h) => [h.status, h.by])).toEqual([
      ['registered', 'citizen'],
      ['needs_info', 'staff'],
    ]);
    expect(found.departmentName).toBe('Social services');
  });

  it("answers 404 when a citizen reaches for another citizen's filing", async () => {
    const [mine] = await svc.listMine('alacant', '12345678Z', 'es');
    if (!mine) throw new Error('no filing');
    await expect(svc.get('alacant', '34567890V', mine.id, 'es')).rejects.toMatchObject({ status: 404 });
    await expect(svc.status('alacant', '34567890V', mine.registryNumber, 'es')).rejects.toMatchObject({ status: 404 });
    await expect(svc.receiptPdf('alacant', '34567890V', mine.id, ctx)).rejects.toMatchObject({ status: 404 });
    const detail = await svc.get('alacant', '12345678Z', mine.id, 'es');
    await expect(svc.attachment('alacant', '34567890V', mine.id, detail.attachments[0]?.id ?? 'x', ctx)).rejects.toMatchObject({ status: 404 });
    expect(existsSync(filesRoot)).toBe(true);
  });
});

describe('filings on S3-compatible storage', () => {
  let t: TestDb;
  let s3: TestS3;
  let storage: FileStorage;
  let svc: FilingsService;

  beforeAll(async () => {
    t = await createTestDb();
    s3 = await startTestS3();
    storage = createS3FileStorage({ ...s3.options, prefix: 'filings' });
    svc = createFilingsService({ db: t.db, tenants: new TenantRegistry(t.tenants), storage, now: () => NOW });
  }, 60_000);
  afterAll(async () => {
    storage.close?.();
    await s3.close();
    await t.close();
  });

  it('stores the attachments as objects under the filing and serves them back byte for byte', async () => {
    const pdf = await tinyPdf();
    const f = await svc.create('alacant', '12345678Z', { subject: 'Vado', body: 'Solicito vado.', departmentId: 'urbanismo', attachments: [{ fileName: 'plano.pdf', data: pdf }, { fileName: 'foto.png', data: TINY_PNG }] }, ctx);
    const keys = await storage.list('alacant/');
    expect(keys).toEqual(f.attachments.map((a) => `alacant/2026/${f.id}/${a.id}`).sort());
    const got = await svc.attachment('alacant', '12345678Z', f.id, f.attachments.find((a) => a.mimeType === 'application/pdf')?.id ?? '', ctx);
    expect(got.data.equals(pdf)).toBe(true);
    expect(await storage.list('.tmp/')).toEqual([]);
  }, 30_000);

  it('leaves no object behind when the filing cannot be written', async () => {
    const before = await storage.list('');
    // As above: the database refuses the NUL (22021) after the objects were put.
    await expect(
      svc.create('alacant', '23456789D', { subject: 'Falla', body: 'texto\u0000roto', departmentId: 'hacienda', attachments: [{ fileName: 'a.png', data: TINY_PNG }, { fileName: 'b.jpg', data: TINY_JPEG }] }, ctx),
    ).rejects.toMatchObject({ code: '22021' });
    expect(await storage.list('')).toEqual(before);
  }, 30_000);
});
