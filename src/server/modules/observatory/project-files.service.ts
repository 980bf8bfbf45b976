/**
 * Documentation files of projects: upload (all or none), download, removal, and the reconciler that deletes bytes
 * whose row never committed. The bytes live in file storage; the pending-files journal (storage/pending-files.ts)
 * makes every row have its bytes and no bytes outlive their row, as for filings.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { discardPending, inspectUploads, pendingFilesJournal, reconcilePendingFiles, type FileStorage, type ReconcileResult, type Upload, type UploadLimits } from '../storage/index.ts';
import { accountId, canSee, requireAccount, requireEditableProject, type ObsActor } from './observatory.policy.ts';
import { toProjectFile } from './observatory.presenters.ts';
import type { ProjectFile } from './observatory.schemas.ts';
import type { ObsContext } from './observatory.types.ts';
import * as repo from './project-files.repository.ts';
import { findProject, insertHistory, lockProject, touchProject } from './projects.repository.ts';

/** The pending-files journal's area for project documentation (security review HIGH-2, as filings). */
const FILES_AREA = 'observatory';
/** Journal entries younger than this may belong to an upload still running: the reconciler leaves them. */
export const FILES_RECONCILE_GRACE_MS = 60 * 60_000;
/**
 * Documentation files of a project: at most 10, 20 MB each, of the types councils publish reports, slides and
 * spreadsheets in. The type is decided from the bytes (a renamed executable is refused), never from the name.
 */
export const PROJECT_FILE_LIMITS: UploadLimits = {
  maxFiles: 10,
  maxFileBytes: 20 * 1024 * 1024,
  accepted: [
    'application/pdf',
    'image/jpeg',
    'image/png',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
};

type PlannedFile = Omit<repo.ProjectFileRow, 'created_at'>;

export class ProjectFilesService {
  constructor(private readonly ctx: ObsContext, readonly limits: UploadLimits = PROJECT_FILE_LIMITS) {}

  private requireStorage(): FileStorage {
    // A wiring mistake, not a user error: the composition root always passes one.
    if (!this.ctx.storage) throw new Error('the observatory was built without file storage');
    return this.ctx.storage;
  }

  /**
   * Adds documentation files (owner or editor). Count, size and type (sniffed from the bytes) are checked first. Then,
   * as for filings (see storage/pending-files.ts): every id and key is chosen; the keys are journalled (committed);
   * each file is written under its final key and its size verified; one transaction settles the journal and writes
   * the rows and one history entry per file. Any failure deletes the files and their journal rows, unless the
   * transaction did commit (a lost acknowledgement: the call answers with the rows); a crash leaves journal rows that
   * the reconciler undoes. So a project has every file of an upload or none, and each row's bytes are in place.
   */
  async addProjectFiles(actor: ObsActor | undefined, idOrSlug: string, read: readonly Upload[] | (() => Promise<Upload[]>)): Promise<ProjectFile[]> {
    const a = requireAccount(actor);
    const { db } = this.ctx;
    const storage = this.requireStorage();
    const limits = this.limits;
    // Permission first (a stranger learns nothing about a draft, and is refused before the request body is read).
    const p = await requireEditableProject(db, a, idOrSlug);
    const uploads = typeof read === 'function' ? await read() : read;
    if (uploads.length === 0) throw new AppError('observatory.no_files');
    const files = await inspectUploads(uploads, limits, 'storage');
    // Refused before any byte is written; checked again under the project's lock, where it counts.
    const tooMany = () => new AppError('storage.too_many_files', { params: { max: limits.maxFiles } });
    if ((await repo.listProjectFiles(db, p.id)).length + files.length > limits.maxFiles) throw tooMany();
    const planned = files.map((f) => {
      const id = randomUUID();
      const row: PlannedFile = {
        id, project_id: p.id, file_name: f.fileName, mime_type: f.mime, size_bytes: f.data.length, sha256: f.sha256,
        storage_key: `projects/${p.id}/${id}`, uploaded_by: accountId(a),
      };
      return { data: f.data, row };
    });
    let rows: repo.ProjectFileRow[];
    try {
      // Each journal row is owned by its file row: the reconciler keeps the bytes of a row that exists.
      await pendingFilesJournal.add(db, planned.map((x) => ({ area: FILES_AREA, storageKey: x.row.storage_key, tenantId: null, ownerId: x.row.id })), this.ctx.now());
      for (const x of planned) {
        await storage.put(x.row.storage_key, x.data);
        const stored = await storage.stat(x.row.storage_key);
        if (stored?.size !== x.data.length) throw new Error(`project file ${x.row.storage_key} stored with ${stored?.size ?? 'no'} bytes instead of ${x.data.length}`);
      }
      rows = await db.transaction(async (tx) => {
        await lockProject(tx, p.id);
        const current = await requireEditableProject(tx, a, p.id);
        const existing = await repo.listProjectFiles(tx, current.id);
        if (existing.length + planned.length > limits.maxFiles) throw tooMany();
        const out: repo.ProjectFileRow[] = [];
        for (const x of planned) {
          // The file becomes the project's in this transaction; if the reconciler took it meanwhile, do not commit.
          const settled = await pendingFilesJournal.settle(tx, FILES_AREA, x.row.id);
          if (settled.length !== 1 || settled[0] !== x.row.storage_key) throw new Error(`pending file ${x.row.storage_key} was reclaimed before its commit`);
          out.push(await repo.insertProjectFile(tx, x.row));
          await insertHistory(tx, {
            projectId: current.id, actorAccountId: accountId(a), action: 'add_file', statusFrom: current.status, statusTo: current.status,
            changes: { file: { before: null, after: x.row.file_name } },
          });
        }
        await touchProject(tx, current.id);
        return out;
      });
    } catch (err) {
      const committed = await this.afterFailedUpload(planned.map((x) => x.row));
      if (!committed) throw err;
      rows = committed;
    }
    return rows.map(toProjectFile);
  }

  /**
   * After a failed upload: the rows when its transaction did commit (the files stay); otherwise deletes the files and
   * their journal rows and returns undefined. When that cannot be known (the database is down), or a delete fails,
   * the journal rows stay and the reconciler finishes the job.
   */
  private async afterFailedUpload(planned: readonly PlannedFile[]): Promise<repo.ProjectFileRow[] | undefined> {
    let found: repo.ProjectFileRow[];
    try {
      found = await repo.findProjectFilesByIds(this.ctx.db, planned.map((r) => r.id));
    } catch (err) {
      this.ctx.onError(err, 'project file clean-up (left to the reconciler)');
      return undefined;
    }
    // One transaction wrote them all, so either all are there or none.
    if (found.length > 0) return found;
    const storage = this.requireStorage();
    for (const r of planned) {
      await discardPending(this.ctx.db, storage, FILES_AREA, r.id, [r.storage_key]).catch((err: unknown) => this.ctx.onError(err, 'project file clean-up (left to the reconciler)'));
    }
    return undefined;
  }

  /**
   * Deletes the bytes of project files that never committed (a crash or a lost connection between writing them and
   * the commit) or whose removal did not finish, once their journal entries are older than `graceMs`, and stale
   * temporary files. Run at start-up and periodically (registry.ts); safe to run on several instances at once.
   */
  async reconcileFiles(opts: { graceMs?: number } = {}): Promise<ReconcileResult> {
    return reconcilePendingFiles({
      db: this.ctx.db,
      storage: this.requireStorage(),
      area: FILES_AREA,
      olderThan: new Date(this.ctx.now().getTime() - (opts.graceMs ?? FILES_RECONCILE_GRACE_MS)),
      ownerExists: (q, f) => repo.projectFileOwnsKey(q, f.ownerId, f.storageKey),
    });
  }

  /** The bytes of a documentation file: anyone's for a published project, else only its owner's and editors' (404 otherwise). */
  async projectFile(actor: ObsActor | undefined, idOrSlug: string, fileId: string): Promise<{ data: Buffer; fileName: string; mimeType: string; isPublic: boolean }> {
    const p = await findProject(this.ctx.db, idOrSlug);
    const f = p && canSee(actor, p) ? await repo.findProjectFile(this.ctx.db, p.id, fileId) : undefined;
    if (!p || !f) throw new AppError('observatory.file_not_found');
    return { data: await this.requireStorage().read(f.storage_key), fileName: f.file_name, mimeType: f.mime_type, isPublic: p.status === 'published' };
  }

  /**
   * Removes a documentation file (owner or editor): the row, a history entry and a journal entry for its bytes in one
   * transaction, then the bytes. If deleting them fails (or the process dies first), the journal entry outlives its
   * owner and the reconciler deletes them: never a row without bytes, and no bytes left without a row.
   */
  async removeProjectFile(actor: ObsActor | undefined, idOrSlug: string, fileId: string): Promise<void> {
    const a = requireAccount(actor);
    const storage = this.requireStorage();
    const removed = await this.ctx.db.transaction(async (tx) => {
      const p = await requireEditableProject(tx, a, idOrSlug);
      const f = await repo.deleteProjectFile(tx, p.id, fileId);
      if (!f) throw new AppError('observatory.file_not_found');
      await insertHistory(tx, {
        projectId: p.id, actorAccountId: accountId(a), action: 'remove_file', statusFrom: p.status, statusTo: p.status,
        changes: { file: { before: f.file_name, after: null } },
      });
      await touchProject(tx, p.id);
      await pendingFilesJournal.add(tx, [{ area: FILES_AREA, storageKey: f.storage_key, tenantId: null, ownerId: f.id }], this.ctx.now());
      return f;
    });
    // The removal is committed: a failed delete of the bytes is the reconciler's to finish, not the caller's error.
    await discardPending(this.ctx.db, storage, FILES_AREA, removed.id, [removed.storage_key])
      .catch((err: unknown) => this.ctx.onError(err, 'project file removal (left to the reconciler)'));
  }
}
