/**
 * HIGH-2 for the observatory: a project has every file of an upload or none, and each file row has its bytes; no
 * bytes stay in the store without a row. Faults are injected at each step of an upload (journal, file write,
 * verification, transaction, commit acknowledgement, clean-up, a crash) and of a removal, on a real store (a local
 * folder and an S3-compatible server) and a real database (PGlite, or PostgreSQL with DATABASE_URL); after each,
 * the store is listed and compared with the rows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { faultyDb, faultyStorage, realStores, type Faults } from '../../testing/faults.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { pendingFilesJournal, type FileStorage, type Upload } from '../storage/index.ts';
import { ZProjectInputSchema } from './observatory.schemas.ts';
import type { ObsActor } from './observatory.policy.ts';
import { ObservatoryService } from './observatory.service.ts';
import { PROJECT_FILE_LIMITS } from './project-files.service.ts';

// Real bytes of each type: the type is sniffed from them.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.alloc(64), Buffer.from([0xff, 0xd9])]);
const HOUR = 3_600_000;

const stores = realStores('observatory');

describe.each(stores)('HIGH-2: observatory project files on a %s', (_name, make) => {
  let t: TestDb;
  let real: FileStorage;
  let storage: ReturnType<typeof faultyStorage>;
  let stop: () => Promise<void>;
  let svc: ObservatoryService;
  let faults: Faults = {};
  let clock = new Date();
  const errors: string[] = [];
  let owner: ObsActor;
  let projectId = '';

  beforeAll(async () => {
    t = await createTestDb();
    ({ storage: real, stop } = await make());
    storage = faultyStorage(real, () => faults);
    svc = new ObservatoryService({
      db: faultyDb(t.db, () => faults),
      storage,
      // Room for every test's uploads in one project (the per-project limit has its own tests).
      fileLimits: { ...PROJECT_FILE_LIMITS, maxFiles: 40 },
      now: () => clock,
      onError: (err) => errors.push(err instanceof Error ? err.message : String(err)),
    });
    await svc.ensureMunicipalities();
    const { account, verificationToken } = await svc.register({ email: 'owner@medina.example', password: 'correct horse battery', displayName: 'Owner', language: 'es', ine5: '47086' });
    await svc.verifyEmail(verificationToken);
    owner = { kind: 'account', id: account.id, role: account.role, ine5: account.ine5, isVerified: true };
    projectId = (await svc.createProject(owner, ZProjectInputSchema.parse({ title: { es: 'Documentos sin huecos' }, ine5: '47086', phase: 'pilot', type: 'services', area: 'first-line-care' }))).id;
  }, 120_000);
  afterAll(async () => {
    await stop();
    await t.close();
  });
  beforeEach(() => {
    faults = {};
  });

  const three = (tag: string): Upload[] => [
    { fileName: `memoria-${tag}.pdf`, data: PDF },
    { fileName: `captura-${tag}.png`, data: PNG },
    { fileName: `foto-${tag}.jpg`, data: JPEG },
  ];
  const fileRows = async () =>
    (await t.db.query<{ id: string; storage_key: string; size_bytes: number }>(`SELECT id, storage_key, size_bytes FROM global_obs_project_files WHERE project_id = $1 ORDER BY storage_key`, [projectId])).rows;
  const fileCount = async () => (await fileRows()).length;

  /**
   * The invariants after any fault: every file row has its bytes with its size; every object in the store belongs to
   * a file row; one add_file history entry per file added (minus those removed); nothing in the journal or `.tmp/`.
   */
  async function expectConsistent(opts: { pendingLeft?: number } = {}) {
    const rows = await fileRows();
    const listed = (await real.list('')).filter((k) => !k.startsWith('.tmp/')).sort();
    expect(listed).toEqual(rows.map((r) => r.storage_key).sort());
    for (const r of rows) expect((await real.stat(r.storage_key))?.size).toBe(Number(r.size_bytes));
    expect(await real.list('.tmp/')).toEqual([]);
    expect(await pendingFilesJournal.list(t.db, 'observatory')).toHaveLength(opts.pendingLeft ?? 0);
    const history = (await t.db.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM global_obs_project_history WHERE project_id = $1 AND action IN ('add_file', 'remove_file') GROUP BY action`, [projectId],
    )).rows;
    const count = (action: string) => Number(history.find((h) => h.action === action)?.n ?? 0);
    expect(count('add_file') - count('remove_file')).toBe(rows.length);
  }

  it('HIGH-2: an upload of three files has all three in place, readable, when the call returns', async () => {
    const files = await svc.addProjectFiles(owner, projectId, three('ok'));
    expect(files).toHaveLength(3);
    for (const f of files) expect((await svc.projectFile(owner, projectId, f.id)).data.length).toBe(f.sizeBytes);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a fault before any byte is written (the journal insert fails) leaves no row and no object', async () => {
    const [before, puts] = [await fileCount(), storage.puts()];
    faults = { queryFails: /INSERT INTO pending_files/ };
    await expect(svc.addProjectFiles(owner, projectId, three('journal'))).rejects.toThrow(/injected/);
    expect(storage.puts()).toBe(puts);
    expect(await fileCount()).toBe(before);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a write that fails on the second file deletes the first and adds no row', async () => {
    const before = await fileCount();
    faults = { putFailsOn: storage.puts() + 2 };
    await expect(svc.addProjectFiles(owner, projectId, three('put'))).rejects.toThrow(/injected: put/);
    expect(await fileCount()).toBe(before);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a file stored short is caught by the verification before the transaction, and nothing is added', async () => {
    const before = await fileCount();
    faults = { putTruncatesOn: storage.puts() + 3 };
    await expect(svc.addProjectFiles(owner, projectId, three('short'))).rejects.toThrow(/stored with/);
    expect(await fileCount()).toBe(before);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a transaction that fails after the files were written (at commit, or on a row insert) rolls back and deletes the files', async () => {
    const before = await fileCount();
    faults = { transaction: 'before-commit' };
    await expect(svc.addProjectFiles(owner, projectId, three('tx'))).rejects.toThrow(/before its commit/);
    expect(await fileCount()).toBe(before);
    await expectConsistent();
    faults = { queryFails: /INSERT INTO global_obs_project_history/ };
    await expect(svc.addProjectFiles(owner, projectId, three('row'))).rejects.toThrow(/injected: query failed/);
    expect(await fileCount()).toBe(before);
    await expectConsistent();
    faults = {};
    expect(await svc.addProjectFiles(owner, projectId, [{ fileName: 'despues.pdf', data: PDF }])).toHaveLength(1);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a commit whose acknowledgement is lost is answered with the added files, never an error, and keeps their bytes', async () => {
    const before = await fileCount();
    faults = { transaction: 'ack-lost' };
    const files = await svc.addProjectFiles(owner, projectId, three('ack'));
    expect(files.map((f) => f.name).sort()).toEqual(['captura-ack.png', 'foto-ack.jpg', 'memoria-ack.pdf']);
    faults = {};
    expect(await fileCount()).toBe(before + 3);
    for (const f of files) expect((await svc.projectFile(owner, projectId, f.id)).data.length).toBe(f.sizeBytes);
    const project = await svc.getProject(owner, projectId, 'es');
    expect(project.files.map((f) => f.id)).toEqual(expect.arrayContaining(files.map((f) => f.id)));
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a crash after the files were written (clean-up never runs) is undone by the reconciler once the grace period has passed', async () => {
    const before = await fileCount();
    // The transaction fails and the clean-up cannot delete: the state a kill -9 between writing and committing leaves.
    faults = { transaction: 'before-commit', removeFails: true };
    await expect(svc.addProjectFiles(owner, projectId, three('crash'))).rejects.toThrow(/before its commit/);
    faults = {};
    const pending = await pendingFilesJournal.list(t.db, 'observatory');
    expect(pending).toHaveLength(3);
    for (const p of pending) expect(await real.stat(p.storageKey)).toBeDefined();
    expect(errors.filter((e) => /remove failed/.test(e))).toHaveLength(3);
    // Within the grace period the entries may belong to an upload still running: untouched.
    expect(await svc.reconcileFiles()).toEqual({ deleted: [], kept: [], tempSwept: [] });
    clock = new Date(clock.getTime() + 2 * HOUR);
    const done = await svc.reconcileFiles();
    expect(done.deleted.sort()).toEqual(pending.map((p) => p.storageKey).sort());
    expect(done.kept).toEqual([]);
    expect(await fileCount()).toBe(before);
    await expectConsistent();
    // Running it again finds nothing to do.
    expect(await svc.reconcileFiles()).toEqual({ deleted: [], kept: [], tempSwept: [] });
  }, 60_000);

  it('HIGH-2: the reconciler keeps the bytes of a file row that exists, dropping only the stale journal entry', async () => {
    const [f] = await svc.addProjectFiles(owner, projectId, [{ fileName: 'conservar.pdf', data: PDF }]);
    const key = (await fileRows()).find((r) => r.id === f?.id)?.storage_key ?? '';
    expect(key).not.toBe('');
    await pendingFilesJournal.add(t.db, [{ area: 'observatory', storageKey: key, tenantId: null, ownerId: f?.id ?? '' }], new Date(clock.getTime() - 3 * HOUR));
    expect(await svc.reconcileFiles()).toEqual({ deleted: [], kept: [key], tempSwept: [] });
    expect((await real.stat(key))?.size).toBe(PDF.length);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: when the reconciler takes the files of an upload still running, that upload fails cleanly instead of committing rows without bytes', async () => {
    const before = await fileCount();
    // While the second file is written, a reconciler whose grace period has (wrongly) passed deletes the first one.
    faults = { duringPut: { n: storage.puts() + 2, run: () => svc.reconcileFiles({ graceMs: -HOUR }) } };
    await expect(svc.addProjectFiles(owner, projectId, three('race'))).rejects.toThrow(/reclaimed before its commit/);
    expect(await fileCount()).toBe(before);
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a removal whose delete of the bytes fails still removes the file, and the reconciler deletes the orphan bytes', async () => {
    const [f] = await svc.addProjectFiles(owner, projectId, [{ fileName: 'quitar.png', data: PNG }]);
    const key = (await fileRows()).find((r) => r.id === f?.id)?.storage_key ?? '';
    faults = { removeFails: true };
    await svc.removeProjectFile(owner, projectId, f?.id ?? '');
    faults = {};
    expect((await fileRows()).map((r) => r.id)).not.toContain(f?.id);
    // The bytes are still there for now, but journalled: they are not forgotten.
    expect((await real.stat(key))?.size).toBe(PNG.length);
    expect(await pendingFilesJournal.list(t.db, 'observatory')).toEqual([{ area: 'observatory', storageKey: key, tenantId: null, ownerId: f?.id }]);
    clock = new Date(clock.getTime() + 2 * HOUR);
    expect(await svc.reconcileFiles()).toEqual({ deleted: [key], kept: [], tempSwept: [] });
    expect(await real.stat(key)).toBeUndefined();
    await expectConsistent();
  }, 30_000);

  it('HIGH-2: a removal without faults deletes the row and the bytes at once and leaves no journal entry', async () => {
    const [f] = await svc.addProjectFiles(owner, projectId, [{ fileName: 'borrar.pdf', data: PDF }]);
    await svc.removeProjectFile(owner, projectId, f?.id ?? '');
    expect((await fileRows()).map((r) => r.id)).not.toContain(f?.id);
    await expectConsistent();
  }, 30_000);
});
