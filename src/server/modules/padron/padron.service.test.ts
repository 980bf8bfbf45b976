import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { createTestCertificates } from '../../testing/certificates.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { createEmbeddedPadronConnector } from './padron.embedded.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { createPadronService, splitAddress, type PadronService } from './padron.service.ts';

const ctx = { channel: 'kiosk' as const, kioskId: 'alacant-mercat', lang: 'es' as const };

describe('padrón service', () => {
  let t: TestDb;
  let svc: PadronService;
  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile));
    const tenants = new TenantRegistry(t.tenants);
    const certificates = createTestCertificates(t.db, tenants);
    svc = createPadronService({ db: t.db, tenants, connector: createEmbeddedPadronConnector(t.db), certificates });
  }, 60_000);
  afterAll(async () => t.close());

  it('splits a register address into line, postal code and municipality', () => {
    expect(splitAddress('Calle San Vicente 12, 3º B, 03004 Alicante', 'x')).toEqual({ line: 'Calle San Vicente 12, 3º B', postalCode: '03004', municipality: 'Alicante' });
  });

  it('gives the individual data for the citizen and the whole household for a collective certificate', async () => {
    const one = await svc.getCertificateData('alacant', '23456789D', { collective: false, language: 'ca' });
    expect(one.inhabitants.map((i) => i.dni)).toEqual(['23456789D']);
    expect(one.language).toBe('ca');
    const all = await svc.getCertificateData('alacant', '23456789D', { collective: true });
    expect(all.inhabitants.map((i) => i.dni).sort()).toEqual(['12345678Z', '23456789D']);
    expect(all.address.postalCode).toBe('03004');
    // Medina de Rioseco has no Valencian: the certificate falls back to the council default.
    expect((await svc.getCertificateData('medina-rioseco', '45678901G', { collective: false, language: 'ca' })).language).toBe('es');
  });

  it('answers padron.not_registered for someone not on this council register', async () => {
    await expect(svc.getCertificateData('medina-rioseco', '12345678Z', { collective: false })).rejects.toMatchObject({ code: 'padron.not_registered', status: 404 });
    expect(await svc.findForCertificate('medina-rioseco', '12345678Z', 'individual')).toBeUndefined();
  });

  it('issues once per idempotency key, records the kiosk in the audit log and frees the key when issuing fails', async () => {
    const a = await svc.issueCertificate('alacant', 'X1234567L', { kind: 'individual' }, ctx, 'k-1');
    const b = await svc.issueCertificate('alacant', 'X1234567L', { kind: 'individual' }, ctx, 'k-1');
    expect(b.code).toBe(a.code);
    expect((await svc.listMine('alacant', 'X1234567L')).map((c) => c.code)).toEqual([a.code]);
    const audit = await t.db.query<{ channel: string; kiosk_id: string }>(`SELECT channel, kiosk_id FROM audit_log WHERE tenant_id = 'alacant' AND action = 'certificate.issued' AND actor_id = 'X1234567L'`);
    expect(audit.rows).toEqual([{ channel: 'kiosk', kiosk_id: 'alacant-mercat' }]);
    await expect(svc.issueCertificate('medina-rioseco', 'X1234567L', { kind: 'individual' }, ctx, 'k-2')).rejects.toMatchObject({ code: 'padron.not_registered' });
    const left = await t.db.query(`SELECT 1 FROM idempotency_keys WHERE key = 'k-2'`);
    expect(left.rows).toHaveLength(0);
    await expect(svc.certificatePdf('alacant', '12345678Z', a.code, ctx)).rejects.toMatchObject({ status: 404 });
  }, 30_000);

  it('refuses another request under a used key (common.idempotency_mismatch, 422) and issues nothing for it', async () => {
    const first = await svc.issueCertificate('alacant', '23456789D', { kind: 'individual' }, ctx, 'k-3');
    await expect(svc.issueCertificate('alacant', '23456789D', { kind: 'collective' }, ctx, 'k-3')).rejects.toMatchObject({ code: 'common.idempotency_mismatch', status: 422 });
    expect((await svc.listMine('alacant', '23456789D')).map((c) => c.code)).toEqual([first.code]);
  }, 30_000);

  it('issues one certificate for five parallel taps under one key: the others get it, or a 409 while it is being made', async () => {
    const taps = await Promise.allSettled(Array.from({ length: 5 }, () => svc.issueCertificate('alacant', '12345678Z', { kind: 'collective' }, ctx, 'k-4')));
    const codes = new Set(taps.flatMap((r) => (r.status === 'fulfilled' ? [r.value.code] : [])));
    const refused = taps.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect(codes.size).toBe(1);
    expect(refused.every((c) => c === 'common.conflict')).toBe(true);
    expect((await svc.listMine('alacant', '12345678Z')).map((c) => c.code)).toEqual([...codes]);
    const audit = await t.db.query(`SELECT 1 FROM audit_log WHERE tenant_id = 'alacant' AND action = 'certificate.issued' AND actor_id = '12345678Z'`);
    expect(audit.rows).toHaveLength(1);
  }, 60_000);

  it("keeps each council's certificates apart: a citizen's list in one council shows none issued by another", async () => {
    const here = await svc.issueCertificate('medina-rioseco', '45678901G', { kind: 'individual' }, ctx);
    expect((await svc.listMine('medina-rioseco', '45678901G')).map((c) => c.code)).toEqual([here.code]);
    expect(await svc.listMine('alacant', '45678901G')).toEqual([]);
    await expect(svc.certificatePdf('alacant', '45678901G', here.code, ctx)).rejects.toMatchObject({ status: 404 });
  }, 30_000);
});
