import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../mail/index.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { CertificatesRepository } from '../certificates/certificates.repository.ts';
import { CertificatesService } from '../certificates/certificates.service.ts';
import { runPoppler } from '../certificates/certificates.test-helpers.ts';
import { createSealProvider } from '../certificates/seal-provider.ts';
import { seedDemoRegisters } from '../connectors/demo-seed.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { SandboxGateway } from './gateway/sandbox.gateway.ts';
import { amountDueCents } from './payments.amounts.ts';
import { createPaymentsService, type PaymentsService } from './payments.service.ts';

const NOW = new Date('2026-11-25T09:00:00Z');
const ctx = { channel: 'web' as const, lang: 'es' as const };

describe('amounts', () => {
  it('halves a fine inside the voluntary period in integer cents, rounding the discount down', () => {
    const fine = { amountCents: 10_001, reductionPercent: 50, voluntaryStart: '2026-11-01', voluntaryEnd: '2026-11-30' };
    expect(amountDueCents(fine, '2026-11-30')).toBe(5_001);
    expect(amountDueCents(fine, '2026-12-01')).toBe(10_001);
    expect(amountDueCents({ ...fine, reductionPercent: 0 }, '2026-11-15')).toBe(10_001);
  });
});

describe('payments service', () => {
  let t: TestDb;
  let svc: PaymentsService;
  let sandbox: SandboxGateway;
  let outbox: string;
  const delivered: Record<string, string>[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile), undefined, NOW);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vt-pay-'));
    outbox = path.join(dataDir, 'outbox');
    const registry = new TenantRegistry(t.tenants);
    sandbox = new SandboxGateway({ secret: 'x'.repeat(40), publicUrl: 'http://127.0.0.1:3000', deliver: async (_url, fields) => void delivered.push(fields), now: () => NOW.getTime() });
    const receipts = new CertificatesService({ repository: new CertificatesRepository(t.db), tenants: registry, seals: createSealProvider(dataDir), publicUrl: 'http://127.0.0.1:3000', dataDir });
    svc = createPaymentsService({
      db: t.db,
      tenants: registry,
      gateways: { sandbox },
      defaultGateway: 'sandbox',
      publicUrl: 'http://127.0.0.1:3000',
      receipts,
      mailer: createMailer({ from: 'x@example.org', outboxDir: outbox }),
      now: () => NOW,
    });
  }, 60_000);
  afterAll(async () => t.close());

  /** Starts a payment and presses Pay on the sandbox page; returns the signed notification. */
  async function payOnSandbox(dni: string, debtId: string, isPaid = true) {
    const started = await svc.startPayment('alacant', dni, { debtId }, ctx);
    const id = started.redirectForm.fields.p ?? '';
    await sandbox.decide(id, started.orderId, isPaid);
    const fields = delivered.at(-1);
    if (!fields) throw new Error('no notification delivered');
    return { started, fields };
  }

  it('lists what a citizen owes from the council profile taxes, the fine with its 50 % reduction', async () => {
    const pending = await svc.listPending('alacant', '12345678Z', 'en');
    expect(pending.map((p) => p.taxCode).sort()).toEqual(['BASURA', 'IBI', 'ICIO', 'IVTM', 'MULTA', 'PLUSVALIA', 'VADO']);
    const fine = pending.find((p) => p.kind === 'fine');
    expect(fine).toMatchObject({ amountCents: 20_000, amountDueCents: 10_000, isInVoluntaryPeriod: true, taxName: 'Traffic fine' });
  });

  it('pays a receipt exactly once when the notification arrives many times, concurrently and replayed', async () => {
    const ibi = (await svc.listPending('alacant', '12345678Z', 'es')).find((p) => p.taxCode === 'IBI');
    if (!ibi) throw new Error('no IBI receipt');
    const { started, fields } = await payOnSandbox('12345678Z', ibi.id);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => svc.handleNotification('alacant', 'sandbox', fields)));
    const replay = await svc.handleNotification('alacant', 'sandbox', fields);
    expect(outcomes.filter((o) => o.outcome === 'paid')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(7);
    expect(replay.outcome).toBe('duplicate');
    const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE debt_id = $1 AND status = 'paid'`, [ibi.id]);
    expect(rows.rows[0]?.n).toBe(1);
    expect((await svc.getDebt('alacant', '12345678Z', ibi.id, 'es')).status).toBe('paid');
    const receipt = await svc.receiptPdf('alacant', '12345678Z', started.paymentId, ctx);
    expect(runPoppler('pdfsig', receipt.pdf)).toContain('Signature is Valid');
    expect(runPoppler('pdftotext', receipt.pdf)).toContain(ibi.reference);
    await expect(svc.startPayment('alacant', '12345678Z', { debtId: ibi.id }, ctx)).rejects.toMatchObject({ code: 'payments.already_paid', status: 409 });
  }, 30_000);

  it('never pays a receipt twice when two attempts are both authorised', async () => {
    const vado = (await svc.listPending('alacant', '23456789D', 'es')).find((p) => p.taxCode === 'VADO');
    if (!vado) throw new Error('no VADO receipt');
    const first = await payOnSandbox('23456789D', vado.id);
    const second = await payOnSandbox('23456789D', vado.id);
    const [a, b] = await Promise.all([svc.handleNotification('alacant', 'sandbox', first.fields), svc.handleNotification('alacant', 'sandbox', second.fields)]);
    expect([a.outcome, b.outcome].sort()).toEqual(['already_paid', 'paid']);
    const paid = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE debt_id = $1 AND status = 'paid'`, [vado.id]);
    expect(paid.rows[0]?.n).toBe(1);
  });

  it('charges the reduced fine and refuses a notification whose amount differs', async () => {
    const fine = (await svc.listPending('alacant', 'X1234567L', 'es')).find((p) => p.kind === 'fine');
    if (!fine) throw new Error('no fine');
    const started = await svc.startPayment('alacant', 'X1234567L', { debtId: fine.id }, ctx);
    expect(started.amountCents).toBe(10_000);
    const id = started.redirectForm.fields.p ?? '';
    const page = sandbox.openPayment(id, started.orderId);
    const wrong = sandbox.notificationFor({ ...page, amountCents: 100 }, true);
    expect((await svc.handleNotification('alacant', 'sandbox', wrong)).outcome).toBe('amount_mismatch');
    expect((await svc.getDebt('alacant', 'X1234567L', fine.id, 'es')).status).toBe('pending');
  });

  it('leaves the receipt pending when the citizen cancels at the gateway', async () => {
    const ivtm = (await svc.listPending('alacant', 'X1234567L', 'es')).find((p) => p.taxCode === 'IVTM');
    if (!ivtm) throw new Error('no IVTM');
    const { fields } = await payOnSandbox('X1234567L', ivtm.id, false);
    expect((await svc.handleNotification('alacant', 'sandbox', fields)).outcome).toBe('denied');
    expect((await svc.handleNotification('alacant', 'sandbox', fields)).outcome).toBe('duplicate');
    expect((await svc.getDebt('alacant', 'X1234567L', ivtm.id, 'es')).status).toBe('pending');
  });

  it("answers 404 when a citizen reaches for another citizen's receipt or payment", async () => {
    const theirs = (await svc.listPending('alacant', '34567890V', 'es'))[0];
    if (!theirs) throw new Error('no debt');
    await expect(svc.getDebt('alacant', '12345678Z', theirs.id, 'es')).rejects.toMatchObject({ status: 404 });
    await expect(svc.startPayment('alacant', '12345678Z', { debtId: theirs.id }, ctx)).rejects.toMatchObject({ status: 404 });
    const mine = await svc.listPayments('alacant', '12345678Z');
    const paymentId = mine[0]?.id ?? '';
    await expect(svc.getPayment('alacant', '34567890V', paymentId)).rejects.toMatchObject({ status: 404 });
    await expect(svc.receiptPdf('alacant', '34567890V', paymentId, ctx)).rejects.toMatchObject({ status: 404 });
    await expect(svc.getDebt('medina-rioseco', '34567890V', theirs.id, 'es')).rejects.toMatchObject({ status: 404 });
  });

  it('reminds opted-in citizens once per open period, however often the job runs', async () => {
    const first = await svc.sendReminders();
    expect(first).toBeGreaterThan(0);
    expect(await svc.sendReminders()).toBe(0);
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(first);
    const all = files.map((f) => readFileSync(path.join(outbox, f), 'utf8')).join('\n');
    expect(all).toContain('ya puede pagar');
    // Paid receipts are not reminded.
    expect(all).not.toContain(`IBI-2026-12345678Z`);
  });
});
