import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import type { LoadedTenant } from '../tenants/index.ts';
import { CertificatesRepository } from './certificates.repository.ts';
import { CertificatesService } from './certificates.service.ts';
import { readQrCode, runPoppler, sampleHousehold } from './certificates.test-support.ts';
import { normalizeCsvCode } from './csv-code.ts';
import { loadOrCreateSeal } from './seal.ts';
import { createSealProvider } from './seal-provider.ts';

let tdb: TestDb;
let dataDir: string;
let service: CertificatesService;
let alacant: LoadedTenant;
let medina: LoadedTenant;

beforeAll(async () => {
  tdb = await createTestDb();
  dataDir = mkdtempSync(path.join(tmpdir(), 'vt-certs-'));
  const byId = new Map(tdb.tenants.map((t) => [t.profile.id, t]));
  const a = byId.get('alacant');
  const m = byId.get('medina-rioseco');
  if (!a || !m) throw new Error('demo councils missing');
  alacant = a;
  medina = m;
  service = new CertificatesService({
    repository: new CertificatesRepository(tdb.db),
    tenants: { loaded: (id) => byId.get(id) },
    seals: createSealProvider(dataDir),
    publicUrl: 'https://ventanilla.example.org/',
    dataDir,
  });
}, 30_000);

afterAll(async () => {
  await tdb.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function expectValidSignature(pdf: Buffer): void {
  const report = runPoppler('pdfsig', pdf);
  expect(report).toContain('Signature Validation: Signature is Valid.');
  expect(report).toContain('Total document signed');
  expect(report).toContain('Signature Type: ETSI.CAdES.detached');
}

describe('padrón certificates', () => {
  it('issues an individual certificate that pdfsig reports as validly signed over the whole document', async () => {
    const doc = await service.issuePadronCertificate(sampleHousehold(alacant, 'individual'));
    expect(doc.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(doc.kind).toBe('padron_individual');
    expectValidSignature(doc.pdf);
  });

  it('prints the data, the full DNI, the CSV code and the verification address in the citizen language', async () => {
    const doc = await service.issuePadronCertificate(sampleHousehold(alacant, 'individual', 'ca'));
    const text = runPoppler('pdftotext', doc.pdf);
    expect(text).toContain("Certificat d'empadronament");
    expect(text).toContain("Ajuntament d'Alacant (demo)");
    expect(text).toContain('Lucía Ferrández Pérez');
    expect(text).toContain('12345678Z');
    expect(text).toContain('09/03/1984');
    expect(text).toContain('Carrer de Sant Vicent 12, 3r A');
    expect(text).toContain(doc.displayCode);
    expect(text).toContain(`https://ventanilla.example.org/verify/${doc.code}`);
    expect(doc.verifyUrl).toBe(`https://ventanilla.example.org/verify/${doc.code}`);
    // The printed QR code, read off the rendered page, leads to the same verification address.
    expect(readQrCode(doc.pdf)).toBe(doc.verifyUrl);
  });

  it('lists everyone in the household on a collective certificate', async () => {
    const doc = await service.issuePadronCertificate(sampleHousehold(alacant, 'collective', 'en'), '12345678Z');
    const text = runPoppler('pdftotext', doc.pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Household certificate of registration');
    expect(text).toContain('3 people are registered');
    for (const dni of ['12345678Z', 'X1234567L', '87654321X']) expect(text).toContain(dni);
    expect(doc.kind).toBe('padron_collective');
    expectValidSignature(doc.pdf);
  });

  it('refuses an individual certificate naming two people', async () => {
    const data = { ...sampleHousehold(alacant, 'collective'), kind: 'individual' as const };
    await expect(service.issuePadronCertificate(data)).rejects.toMatchObject({ code: 'certificates.invalid_data', status: 422 });
  });
});

describe('receipts', () => {
  it('seals the payment receipt the same way, with the amount in euros', async () => {
    const doc = await service.issuePaymentReceipt({
      council: alacant,
      language: 'es',
      reference: 'IBI-2026-000123',
      concept: 'Impuesto sobre Bienes Inmuebles 2026',
      period: '2026',
      payer: { dni: '12345678Z', name: 'Lucía Ferrández Pérez' },
      amountCents: 123456,
      paidAt: new Date('2026-05-04T08:30:00Z'),
      gateway: 'sandbox',
      orderId: '2605ABC12345',
      authorisationCode: '123456',
    });
    expectValidSignature(doc.pdf);
    const text = runPoppler('pdftotext', doc.pdf);
    expect(text).toContain('Justificante de pago');
    // es-ES groups thousands only from five digits (CLDR), so 1234,56 has no dot.
    expect(text).toMatch(/1234,56\s€/);
    // 08:30 UTC is 10:30 in Madrid (summer time).
    expect(text).toContain('10:30');
  });

  it('seals the filing receipt with every attachment fingerprint', async () => {
    const hash = 'a'.repeat(64);
    const doc = await service.issueFilingReceipt({
      council: medina,
      language: 'en',
      registryNumber: 'REG-2026-000123',
      registeredAt: new Date('2026-01-15T11:00:00Z'),
      applicant: { dni: '12345678Z', name: 'Lucía Ferrández Pérez' },
      department: 'General Registry',
      subject: 'Request for a street light',
      text: 'The street light in front of number 4 has been off for two weeks. '.repeat(30),
      attachments: [{ name: 'photo.jpg', sizeBytes: 345_678, sha256: hash }],
    });
    expectValidSignature(doc.pdf);
    const text = runPoppler('pdftotext', doc.pdf).replace(/\s+/g, '');
    expect(text).toContain('REG-2026-000123');
    expect(text).toContain(hash);
  });
});

describe('verification', () => {
  it('says a code is authentic and serves the identical original bytes', async () => {
    const doc = await service.issuePadronCertificate(sampleHousehold(medina, 'individual'));
    const result = await service.verify(doc.displayCode.toLowerCase(), 'es');
    expect(result.status).toBe('authentic');
    expect(result.document).toMatchObject({ code: doc.code, kind: 'padron_individual', tenantId: 'medina-rioseco', sha256: doc.sha256 });
    expect(result.document?.councilName).toContain('Medina de Rioseco');
    const original = await service.originalPdf(doc.code);
    expect(Buffer.compare(original.pdf, doc.pdf)).toBe(0);
  });

  it('gives unknown and malformed codes the same not-found answer', async () => {
    expect(await service.verify('0000-0000-0000-0000-0000')).toEqual({ status: 'not_found' });
    expect(await service.verify("' OR 1=1 --")).toEqual({ status: 'not_found' });
    await expect(service.originalPdf('0000-0000-0000-0000-0000')).rejects.toMatchObject({ code: 'certificates.not_found', status: 404 });
  });

  it('reports a revoked document as revoked', async () => {
    const doc = await service.issuePadronCertificate(sampleHousehold(alacant, 'individual'));
    await service.revoke('alacant', doc.code, 'issued by mistake');
    expect((await service.verify(doc.code)).status).toBe('revoked');
    // Another council cannot revoke it.
    await expect(service.revoke('medina-rioseco', doc.code, 'x')).rejects.toMatchObject({ status: 404 });
  });
});

describe('codes and seals', () => {
  it('makes distinct 20-symbol codes from an unambiguous alphabet', async () => {
    const a = await service.issuePadronCertificate(sampleHousehold(alacant, 'individual'));
    const b = await service.issuePadronCertificate(sampleHousehold(alacant, 'individual'));
    expect(a.code).not.toBe(b.code);
    expect(a.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{20}$/);
    expect(normalizeCsvCode(a.displayCode.replace(/0/g, 'O').toLowerCase())).toBe(a.code);
  });

  it('generates a demo seal once and reuses it after a restart', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vt-seal-'));
    try {
      const first = loadOrCreateSeal(dir, 'alacant');
      expect(first.source).toBe('demo');
      expect(existsSync(path.join(dir, 'secrets', 'seal-alacant.p12'))).toBe(true);
      const again = loadOrCreateSeal(dir, 'alacant');
      expect(again.fingerprint).toBe(first.fingerprint);
      const other = loadOrCreateSeal(dir, 'medina-rioseco');
      expect(other.fingerprint).not.toBe(first.fingerprint);
      // Both councils' seals chain to the one demo CA.
      expect(other.chainDer[1]?.equals(first.chainDer[1] ?? Buffer.alloc(0))).toBe(true);
      // A configured PKCS#12 (here the demo file itself) is used as given.
      const password = readFileSync(path.join(dir, 'secrets', 'seal-alacant.pass'), 'utf8');
      const configured = loadOrCreateSeal('/nonexistent', 'alacant', { p12Path: path.join(dir, 'secrets', 'seal-alacant.p12'), password });
      expect(configured.source).toBe('configured');
      expect(configured.fingerprint).toBe(first.fingerprint);
      expect(() => loadOrCreateSeal(dir, 'alacant', { p12Path: path.join(dir, 'secrets', 'seal-alacant.p12'), password: 'wrong' })).toThrow(/wrong password/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
