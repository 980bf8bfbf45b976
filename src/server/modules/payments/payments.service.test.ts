import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../mail/index.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { createTestCertificates } from '../../testing/certificates.ts';
import { runPoppler } from '../../testing/poppler.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { createRestTaxConnector } from '../connectors/index.ts';
import { paymentExportOperations } from './payments.export.ts';
import { paymentsRepository } from './payments.repository.ts';
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
    const receipts = createTestCertificates(t.db, registry, dataDir);
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

  it('HIGH-1: never pays a receipt twice, nor charges it twice: a second start while the order is open gets the same order', async () => {
    const vado = (await svc.listPending('alacant', '23456789D', 'es')).find((p) => p.taxCode === 'VADO');
    if (!vado) throw new Error('no VADO receipt');
    const first = await payOnSandbox('23456789D', vado.id);
    const second = await payOnSandbox('23456789D', vado.id);
    // The second tab was handed the first tab's order and form: the gateway is asked to charge one order only.
    expect(second.started).toEqual({ ...first.started, isReused: true });
    const [a, b] = await Promise.all([svc.handleNotification('alacant', 'sandbox', first.fields), svc.handleNotification('alacant', 'sandbox', second.fields)]);
    expect([a.outcome, b.outcome].sort()).toEqual(['duplicate', 'paid']);
    const paid = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE debt_id = $1 AND status = 'paid'`, [vado.id]);
    expect(paid.rows[0]?.n).toBe(1);
    const all = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE debt_id = $1`, [vado.id]);
    expect(all.rows[0]?.n).toBe(1);
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

describe("payments against the council's own tax system (REST connector)", () => {
  type Debt = import('../connectors/index.ts').ExternalDebt;
  let t: TestDb;
  let svc: PaymentsService;
  let sandbox: SandboxGateway;
  let server: Server;
  const delivered: Record<string, string>[] = [];
  // The tax system's state: what it lists for Amina, the payments it recorded, and switches to make it fail.
  const debts: Debt[] = [
    { reference: 'SUMA-IBI-1', kind: 'receipt', taxCode: 'IBI', concept: 'IBI 2026 Calle Mayor 3', fiscalYear: 2026, amountCents: 31_250, reductionPercent: 0, voluntaryStart: '2026-09-01', voluntaryEnd: '2026-12-05', status: 'pending' },
    { reference: 'SUMA-MULTA-7', kind: 'fine', taxCode: 'MULTA', concept: 'Exceso de velocidad', fiscalYear: 2026, amountCents: 20_000, reductionPercent: 50, voluntaryStart: '2026-11-10', voluntaryEnd: '2026-12-10', status: 'pending' },
    { reference: 'SUMA-VADO-2', kind: 'receipt', taxCode: 'VADO', concept: 'Vado 2026', fiscalYear: 2026, amountCents: 9_900, reductionPercent: 0, voluntaryStart: '2026-09-01', voluntaryEnd: '2026-12-05', status: 'pending' },
    { reference: 'SUMA-BASURA-0', kind: 'receipt', taxCode: 'BASURA', concept: 'Basuras 2025', fiscalYear: 2025, amountCents: 8_000, reductionPercent: 0, voluntaryStart: '2025-09-01', voluntaryEnd: '2025-12-05', status: 'paid' },
  ];
  const recorded: { key: string | undefined; body: { reference: string; paymentId: string; amountCents: number } }[] = [];
  // refused: references the tax system answers 422 for (it does not know them), as a refusal of the payment itself.
  const sw = { isListDown: false, isRecordDown: false, refused: new Set<string>() };
  const DNI = 'X1234567L';
  // The service's clock: the outbox claims, leases and retries follow it, never the database's.
  let clock = NOW;
  const later = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

  beforeAll(async () => {
    t = await createTestDb();
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/debts') {
        if (sw.isListDown) return void res.writeHead(502).end();
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(url.searchParams.get('dni') === DNI && url.searchParams.get('tenant') === 'alacant' ? debts : []));
      }
      if (req.method === 'POST' && url.pathname === '/payments') {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          if (sw.isRecordDown) return void res.writeHead(503).end();
          const body = JSON.parse(raw) as (typeof recorded)[number]['body'];
          if (sw.refused.has(body.reference)) return void res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"unknown reference"}');
          const key = req.headers['idempotency-key'] as string | undefined;
          // Idempotent on its side too: the same key again is "already recorded".
          if (recorded.some((r) => r.key === key)) return void res.writeHead(409).end();
          recorded.push({ key, body });
          res.writeHead(201).end();
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const connector = createRestTaxConnector({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'tok', timeoutMs: 2000 });
    sandbox = new SandboxGateway({ secret: 'y'.repeat(40), publicUrl: 'http://127.0.0.1:3000', deliver: async (_url, fields) => void delivered.push(fields), now: () => NOW.getTime() });
    svc = createPaymentsService({
      db: t.db,
      tenants: new TenantRegistry(t.tenants),
      gateways: { sandbox },
      defaultGateway: 'sandbox',
      publicUrl: 'http://127.0.0.1:3000',
      now: () => clock,
      taxConnectorFor: (tenantId) => (tenantId === 'alacant' ? connector : undefined),
    });
  }, 60_000);
  afterAll(async () => {
    server.close();
    await t.close();
  });

  async function pay(debtId: string) {
    const started = await svc.startPayment('alacant', DNI, { debtId }, ctx);
    await sandbox.decide(started.redirectForm.fields.p ?? '', started.orderId, true);
    const fields = delivered.at(-1);
    if (!fields) throw new Error('no notification');
    return { started, fields };
  }
  const exportsOf = async (paymentId: string) =>
    (
      await t.db.query<{ status: string; attempts: number; last_error: string | null; next_attempt_at: Date; leased_until: Date | null }>(
        `SELECT status, attempts, last_error, next_attempt_at, leased_until FROM payment_exports WHERE payment_id = $1`,
        [paymentId],
      )
    ).rows[0];
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('shows what the tax system lists, with the fine reduction, and keeps its paid history', async () => {
    const pending = await svc.listPending('alacant', DNI, 'es');
    expect(pending.map((p) => p.reference)).toEqual(['SUMA-IBI-1', 'SUMA-VADO-2', 'SUMA-MULTA-7']);
    expect(pending.find((p) => p.reference === 'SUMA-MULTA-7')).toMatchObject({ amountCents: 20_000, amountDueCents: 10_000, taxName: 'Multa de tráfico' });
    expect((await svc.listAll('alacant', DNI, 'es')).find((p) => p.reference === 'SUMA-BASURA-0')?.status).toBe('paid');
    // Nobody else's debts leak in, and another council without a connector keeps its own register.
    expect(await svc.listPending('alacant', '12345678Z', 'es')).toEqual([]);
  });

  it('records a payment in the tax system exactly once, however many notifications arrive', async () => {
    const ibi = (await svc.listPending('alacant', DNI, 'es')).find((p) => p.reference === 'SUMA-IBI-1');
    const { started, fields } = await pay(ibi?.id ?? '');
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => svc.handleNotification('alacant', 'sandbox', fields)));
    expect(outcomes.filter((o) => o.outcome === 'paid')).toHaveLength(1);
    await until(async () => (await exportsOf(started.paymentId))?.status === 'delivered');
    expect(await svc.deliverPaymentExports()).toBe(0);
    expect(recorded.filter((r) => r.body.reference === 'SUMA-IBI-1')).toEqual([{ key: started.paymentId, body: expect.objectContaining({ paymentId: started.paymentId, amountCents: 31_250 }) }]);
    const audit = await t.db.query(`SELECT 1 FROM audit_log WHERE action = 'payment.exported' AND subject_id = $1`, [started.paymentId]);
    expect(audit.rows).toHaveLength(1);
  });

  it('keeps a payment in the outbox while the tax system is down and delivers it once when it is back', async () => {
    const fine = (await svc.listPending('alacant', DNI, 'es')).find((p) => p.reference === 'SUMA-MULTA-7');
    sw.isRecordDown = true;
    const { started, fields } = await pay(fine?.id ?? '');
    expect((await svc.handleNotification('alacant', 'sandbox', fields)).outcome).toBe('paid');
    // Until the first attempt is over (the row is pending while it is leased, too).
    await until(async () => (await exportsOf(started.paymentId))?.attempts === 1 && (await exportsOf(started.paymentId))?.leased_until === null);
    expect(await exportsOf(started.paymentId)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'tax REST payments: HTTP 503', leased_until: null });
    expect((await exportsOf(started.paymentId))?.next_attempt_at).toEqual(new Date(clock.getTime() + 60_000));
    expect(await svc.deliverPaymentExports()).toBe(0); // not due yet: it waits a minute before retrying
    later(59);
    expect(await svc.deliverPaymentExports()).toBe(0);
    sw.isRecordDown = false;
    later(1);
    expect(await svc.deliverPaymentExports()).toBe(1);
    expect(await exportsOf(started.paymentId)).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });
    expect(recorded.filter((r) => r.body.reference === 'SUMA-MULTA-7')).toHaveLength(1);
    expect(recorded.at(-1)?.body.amountCents).toBe(10_000);
  });

  it('never takes a receipt settled at the bank meanwhile, nor one the tax system annulled', async () => {
    const vado = (await svc.listPending('alacant', DNI, 'es')).find((p) => p.reference === 'SUMA-VADO-2');
    const vadoDebt = debts.find((d) => d.reference === 'SUMA-VADO-2');
    if (!vado || !vadoDebt) throw new Error('no vado');
    vadoDebt.status = 'paid';
    await expect(svc.startPayment('alacant', DNI, { debtId: vado.id }, ctx)).rejects.toMatchObject({ code: 'payments.already_paid', status: 409 });
    expect((await svc.listPending('alacant', DNI, 'es')).map((p) => p.reference)).toEqual([]);
    debts.push({ reference: 'SUMA-ICIO-9', kind: 'self_assessment', taxCode: 'ICIO', concept: 'Obra menor', fiscalYear: 2026, amountCents: 4_500, reductionPercent: 0, voluntaryStart: '2026-11-01', voluntaryEnd: '2026-12-31', status: 'pending' });
    const icio = (await svc.listPending('alacant', DNI, 'es')).find((p) => p.reference === 'SUMA-ICIO-9');
    debts.pop();
    await expect(svc.startPayment('alacant', DNI, { debtId: icio?.id ?? '' }, ctx)).rejects.toMatchObject({ code: 'payments.not_found', status: 404 });
    expect(await svc.listPending('alacant', DNI, 'es')).toEqual([]);
  });

  it('shows nothing and takes nothing while the tax system does not answer', async () => {
    sw.isListDown = true;
    try {
      await expect(svc.listPending('alacant', DNI, 'es')).rejects.toMatchObject({ code: 'payments.connector_unavailable', status: 503 });
    } finally {
      sw.isListDown = false;
    }
  });

  it('marks a payment the tax system refuses (422) failed, audited, for operators to list and send again once fixed', async () => {
    debts.push({ reference: 'SUMA-ICIO-3', kind: 'self_assessment', taxCode: 'ICIO', concept: 'Obra menor', fiscalYear: 2026, amountCents: 4_500, reductionPercent: 0, voluntaryStart: '2026-11-01', voluntaryEnd: '2026-12-31', status: 'pending' });
    sw.refused.add('SUMA-ICIO-3');
    const icio = (await svc.listPending('alacant', DNI, 'es')).find((p) => p.reference === 'SUMA-ICIO-3');
    const { started, fields } = await pay(icio?.id ?? '');
    expect((await svc.handleNotification('alacant', 'sandbox', fields)).outcome).toBe('paid');
    await until(async () => (await exportsOf(started.paymentId))?.status === 'failed');
    const refusal = 'tax REST payments: HTTP 422 {"error":"unknown reference"}';
    expect(await exportsOf(started.paymentId)).toMatchObject({ status: 'failed', attempts: 1, last_error: refusal, leased_until: null });
    const audit = await t.db.query(`SELECT details FROM audit_log WHERE action = 'payment.export_failed' AND subject_id = $1`, [started.paymentId]);
    expect(audit.rows).toEqual([{ details: { attempts: 1, error: refusal } }]);
    // Never retried on its own, however much time passes.
    later(7 * 3600);
    expect(await svc.deliverPaymentExports()).toBe(0);
    expect((await exportsOf(started.paymentId))?.attempts).toBe(1);

    const ops = paymentExportOperations(t.db, () => clock);
    expect(await ops.failed('alacant')).toEqual([
      { key: started.paymentId, attempts: 1, last_error: refusal, created_at: expect.any(Date), about: { reference: 'SUMA-ICIO-3', order_id: started.orderId, amount_cents: 4_500 } },
    ]);
    expect(await ops.failed('medina-rioseco')).toEqual([]);
    expect((await ops.backlog()).filter((r) => r.tenant_id === 'alacant' && r.status === 'failed')).toEqual([{ tenant_id: 'alacant', status: 'failed', rows: 1, oldest_seconds: 7 * 3600 }]);
    // The reference fixed in the tax system: sent again, once.
    sw.refused.delete('SUMA-ICIO-3');
    await ops.requeue('alacant', started.paymentId);
    await expect(ops.requeue('alacant', started.paymentId)).rejects.toMatchObject({ code: 'connectors.export_not_failed', status: 404 });
    expect(await svc.deliverPaymentExports()).toBe(1);
    expect(await exportsOf(started.paymentId)).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });
    expect(recorded.filter((r) => r.body.reference === 'SUMA-ICIO-3')).toHaveLength(1);
    debts.pop();
  });

  it('leaves a payment held by a sender that died alone until its lease has passed, then sends it', async () => {
    debts.push({ reference: 'SUMA-TASA-4', kind: 'receipt', taxCode: 'VADO', concept: 'Tasa 2026', fiscalYear: 2026, amountCents: 1_500, reductionPercent: 0, voluntaryStart: '2026-11-01', voluntaryEnd: '2026-12-31', status: 'pending' });
    sw.isRecordDown = true;
    const tasa = (await svc.listPending('alacant', DNI, 'es')).find((p) => p.reference === 'SUMA-TASA-4');
    const { started, fields } = await pay(tasa?.id ?? '');
    expect((await svc.handleNotification('alacant', 'sandbox', fields)).outcome).toBe('paid');
    await until(async () => (await exportsOf(started.paymentId))?.attempts === 1 && (await exportsOf(started.paymentId))?.leased_until === null);
    sw.isRecordDown = false;
    later(60);
    // Another instance claims it (the production claim) and dies before it finishes: the row stays leased for 120 s.
    expect(await paymentsRepository.claimExports(t.db, clock, 10, 120)).toEqual([{ payment_id: started.paymentId, tenant_id: 'alacant', attempts: 2 }]);
    expect((await exportsOf(started.paymentId))?.leased_until).toEqual(new Date(clock.getTime() + 120_000));
    later(119);
    expect(await svc.deliverPaymentExports()).toBe(0);
    expect(recorded.filter((r) => r.body.reference === 'SUMA-TASA-4')).toHaveLength(0);
    later(1);
    expect(await svc.deliverPaymentExports()).toBe(1);
    expect(await exportsOf(started.paymentId)).toMatchObject({ status: 'delivered', attempts: 3, leased_until: null });
    expect(recorded.filter((r) => r.body.reference === 'SUMA-TASA-4')).toHaveLength(1);
    debts.pop();
  });
});
