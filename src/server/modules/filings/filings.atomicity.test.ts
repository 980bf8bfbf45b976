/**
 * HIGH-2: a registered filing has all of its attachments, and a filing that is not registered leaves no file.
 * Faults are injected at each step of a registration (journal, file write, verification, transaction, commit
 * acknowledgement, clean-up, a crash) on a real store (a local folder and an S3-compatible server) and a real
 * database (PGlite, or PostgreSQL with DATABASE_URL); after each, the store is listed and compared with the rows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { faultyDb, faultyStorage, realStores, type Faults } from '../../testing/faults.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { pendingFilesJournal, type FileStorage } from '../storage/index.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { createFilingsService, type CreateFilingInput, type FilingsService } from './filings.service.ts';
import { TINY_JPEG, TINY_PNG, tinyPdf } from '../../testing/files.ts';

const ctx = { channel: 'web' as const, lang: 'es' as const };
const DNI = '12345678Z';
const TENANT = 'alacant';

const stores = realStores('filings');

describe.each(stores)('HIGH-2: filings and their attachments on a %s', (_name, make) => {
  let t: TestDb;
  let real: FileStorage;
  let storage: ReturnType<typeof faultyStorage>;
  let stop: () => Promise<void>;
  let svc: FilingsService;
  let faults: Faults = {};
  let clock = new Date();
  const errors: string[] = [];
  let pdf: Buffer;

  beforeAll(async () => {
    t = await createTestDb();
    ({ storage: real, stop } = await make());
    storage = faultyStorage(real, () => faults);
    pdf = await tinyPdf();
    svc = createFilingsService({
      db: faultyDb(t.db, () => faults),
      tenants: new TenantRegistry(t.tenants),
      storage,
      now: () => clock,
      onError: (err) => errors.push(err instanceof Error ? err.message : String(err)),
    });
  }, 60_000);
  afterAll(async () => {
    await stop();
    await t.close();
  });
  beforeEach(() => {
    faults = {};
  });

  const input = (subject: string, extra: Partial<CreateFilingInput> = {}): CreateFilingInput => ({
    subject,
    body: 'Solicito que se revise mi expediente.',
    departmentId: 'registro-general',
    attachments: [
      { fileName: 'plano.pdf', data: pdf },
      { fileName: 'foto.png', data: TINY_PNG },
      { fileName: 'dni.jpg', data: TINY_JPEG },
    ],
    ...extra,
  });

  const counter = async () =>
    (await t.db.query<{ last_number: number }>(`SELECT last_number FROM filing_counters WHERE tenant_id = $1`, [TENANT])).rows.reduce((n, r) => n + Number(r.last_number), 0);
  const filingCount = async () => Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM filings WHERE tenant_id = $1`, [TENANT])).rows[0]?.n);

  /**
   * The invariants after any fault: every attachment row has its file with its size; every file in the store belongs
   * to an attachment row; nothing is left in the journal or in `.tmp/`; registry numbers run 1..n without gaps or doubles.
   */
  async function expectConsistent(opts: { pendingLeft?: number } = {}) {
    const rows = (await t.db.query<{ storage_key: string; size_bytes: number }>(`SELECT storage_key, size_bytes FROM filing_attachments WHERE tenant_id = $1 ORDER BY storage_key`, [TENANT])).rows;
    const listed = (await real.list('')).filter((k) => !k.startsWith('.tmp/'));
    expect(listed).toEqual(rows.map((r) => r.storage_key));
    for (const r of rows) expect((await real.stat(r.storage_key))?.size).toBe(Number(r.size_bytes));
    expect(await real.list('.tmp/')).toEqual([]);
    expect(await pendingFilesJournal.list(t.db, 'filings')).toHaveLength(opts.pendingLeft ?? 0);
    const seqs = (await t.db.query<{ year: number; sequence: number }>(`SELECT year, sequence FROM filings WHERE tenant_id = $1 ORDER BY year, sequence`, [TENANT])).rows;
    const byYear = new Map<number, number[]>();
    for (const s of seqs) byYear.set(Number(s.year), [...(byYear.get(Number(s.year)) ?? []), Number(s.sequence)]);
    for (const [year, list] of byYear) {
      const last = (await t.db.query<{ last_number: number }>(`SELECT last_number FROM filing_counters WHERE tenant_id = $1 AND year = $2`, [TENANT, year])).rows[0]?.last_number;
      expect(list).toEqual(Array.from({ length: Number(last) }, (_, i) => i + 1));
    }
  }

  it('HIGH-2: registers a filing whose three attachments are already in place when the call returns', async () => {
    const f = await svc.create(TENANT, DNI, input('Sin fallos'), ctx);
    expect(f.attachments).toHaveLength(3);
    for (const a of f.attachments) expect((await svc.attachment(TENANT, DNI, f.id, a.id, ctx)).data.length).toBe(a.sizeBytes);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a fault before any byte is written (the journal insert fails) leaves nothing and uses no number', async () => {
    const [before, filings] = [await counter(), await filingCount()];
    faults = { queryFails: /INSERT INTO pending_files/ };
    await expect(svc.create(TENANT, DNI, input('Falla el diario'), ctx)).rejects.toThrow(/injected/);
    expect([await counter(), await filingCount()]).toEqual([before, filings]);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a write that fails on the second file removes the first and registers nothing', async () => {
    const [before, filings, puts] = [await counter(), await filingCount(), storage.puts()];
    faults = { putFailsOn: puts + 2 };
    await expect(svc.create(TENANT, DNI, input('Falla la escritura'), ctx)).rejects.toThrow(/injected: put/);
    expect([await counter(), await filingCount()]).toEqual([before, filings]);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a file stored short is caught by the verification before the commit, and nothing is registered', async () => {
    const [before, filings] = [await counter(), await filingCount()];
    faults = { putTruncatesOn: storage.puts() + 3 };
    await expect(svc.create(TENANT, DNI, input('Archivo incompleto'), ctx)).rejects.toThrow(/stored with/);
    expect([await counter(), await filingCount()]).toEqual([before, filings]);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a transaction that fails after the files were written rolls back, deletes the files and gives the number back', async () => {
    const [before, filings] = [await counter(), await filingCount()];
    faults = { transaction: 'before-commit' };
    await expect(svc.create(TENANT, DNI, input('Falla la transacción'), ctx)).rejects.toThrow(/before its commit/);
    expect([await counter(), await filingCount()]).toEqual([before, filings]);
    await expectConsistent();
    faults = {};
    const next = await svc.create(TENANT, DNI, input('Después del fallo'), ctx);
    expect(Number(next.registryNumber.slice(-6))).toBe(before + 1);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a commit whose acknowledgement is lost is answered with the registered filing, never an error, and keeps its files', async () => {
    const before = await counter();
    faults = { transaction: 'ack-lost' };
    const f = await svc.create(TENANT, DNI, input('Se pierde la confirmación'), ctx);
    expect(Number(f.registryNumber.slice(-6))).toBe(before + 1);
    expect(f.attachments).toHaveLength(3);
    faults = {};
    const stored = await svc.get(TENANT, DNI, f.id, 'es');
    expect(stored.attachments.map((a) => a.id).sort()).toEqual(f.attachments.map((a) => a.id).sort());
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a crash after the files were written (clean-up never runs) is undone by the reconciler once the grace period has passed', async () => {
    const [before, filings] = [await counter(), await filingCount()];
    // The transaction fails and the clean-up cannot delete: the state a kill -9 between writing and committing leaves.
    faults = { transaction: 'before-commit', removeFails: true };
    await expect(svc.create(TENANT, DNI, input('Se cae el proceso'), ctx)).rejects.toThrow(/before its commit/);
    faults = {};
    const pending = await pendingFilesJournal.list(t.db, 'filings');
    expect(pending).toHaveLength(3);
    for (const p of pending) expect(await real.stat(p.storageKey)).toBeDefined();
    // A temporary file left by a crash in the middle of a local write or an old commit.
    await real.put('.tmp/crash-leftover', Buffer.from('medio archivo'));
    // Within the grace period the entries may belong to a registration still running: untouched.
    expect(await svc.reconcileFiles()).toEqual({ deleted: [], kept: [], tempSwept: [] });
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    const done = await svc.reconcileFiles();
    expect(done.deleted).toEqual(pending.map((p) => p.storageKey).sort());
    expect(done.tempSwept).toHaveLength(1);
    expect([await counter(), await filingCount()]).toEqual([before, filings]);
    await expectConsistent();
    // Running it again finds nothing to do.
    expect(await svc.reconcileFiles()).toEqual({ deleted: [], kept: [], tempSwept: [] });
  }, 60_000);

  it("HIGH-2: the reconciler keeps the files of a filing that exists, dropping only the stale journal entry", async () => {
    const f = await svc.create(TENANT, DNI, input('Entrada huérfana'), ctx);
    const key = (await t.db.query<{ storage_key: string }>(`SELECT storage_key FROM filing_attachments WHERE filing_id = $1 LIMIT 1`, [f.id])).rows[0]?.storage_key ?? '';
    await pendingFilesJournal.add(t.db, [{ area: 'filings', storageKey: key, tenantId: TENANT, ownerId: f.id }], new Date(clock.getTime() - 3 * 3_600_000));
    const done = await svc.reconcileFiles();
    expect(done).toEqual({ deleted: [], kept: [key], tempSwept: [] });
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: when the reconciler takes the files of a registration still running, that registration fails cleanly instead of committing without them', async () => {
    const [before, filings] = [await counter(), await filingCount()];
    // While the second file is written, a reconciler whose grace period has (wrongly) passed deletes the first one.
    faults = { duringPut: { n: storage.puts() + 2, run: () => svc.reconcileFiles({ graceMs: -3_600_000 }) } };
    await expect(svc.create(TENANT, DNI, input('Reconciliador a destiempo'), ctx)).rejects.toThrow(/reclaimed before its commit/);
    expect([await counter(), await filingCount()]).toEqual([before, filings]);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a retry with the same idempotency key returns the same filing, after a failure too, and other content under the key is a 409', async () => {
    const key = `retry-${real.kind}`;
    faults = { putFailsOn: storage.puts() + 1 };
    await expect(svc.register(TENANT, DNI, { ...input('Con clave'), idempotencyKey: key }, ctx)).rejects.toThrow(/injected/);
    faults = {};
    const first = await svc.register(TENANT, DNI, { ...input('Con clave'), idempotencyKey: key }, ctx);
    expect(first.isNew).toBe(true);
    const filings = await filingCount();
    const again = await svc.register(TENANT, DNI, { ...input('Con clave'), idempotencyKey: key }, ctx);
    expect(again).toMatchObject({ isNew: false, filing: { id: first.filing.id, registryNumber: first.filing.registryNumber } });
    expect(again.filing.attachments.map((a) => a.id).sort()).toEqual(first.filing.attachments.map((a) => a.id).sort());
    await expect(svc.register(TENANT, DNI, { ...input('Otro asunto'), idempotencyKey: key }, ctx)).rejects.toMatchObject({ code: 'filings.idempotency_mismatch', status: 409 });
    // The key is the citizen's own: another citizen may use the same string.
    const other = await svc.register(TENANT, '23456789D', { ...input('Con clave'), idempotencyKey: key }, ctx);
    expect(other.isNew).toBe(true);
    expect(await filingCount()).toBe(filings + 1);
    await expectConsistent();
  }, 60_000);

  it('HIGH-2: two concurrent requests with the same idempotency key register one filing and both get it', async () => {
    const filings = await filingCount();
    const both = await Promise.all([0, 1].map(() => svc.register(TENANT, DNI, { ...input('A la vez'), idempotencyKey: `both-${real.kind}` }, ctx)));
    expect(both[0]?.filing.id).toBe(both[1]?.filing.id);
    expect(both.filter((b) => b.isNew)).toHaveLength(1);
    expect(await filingCount()).toBe(filings + 1);
    await expectConsistent();
  }, 60_000);
});
