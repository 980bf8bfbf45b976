/**
 * The journal of files written for a record that is not committed yet, and the reconciler that deletes what a failed
 * or crashed write left behind (security review HIGH-2). The protocol, for a record with files:
 *   1. `journal.add(db, ...)` in its own committed statement, BEFORE any byte is written;
 *   2. `storage.put(key, bytes)` for each file, under its final key, and verify it;
 *   3. the record's transaction calls `journal.settle(tx, area, ownerId)` and checks it got every key back;
 *   4. on failure, the writer deletes the bytes and then the journal rows (`discardPending`).
 * A crash anywhere leaves journal rows whose owner never committed; `reconcilePendingFiles` deletes their bytes once
 * they are older than a grace period. The journal row is locked while the reconciler deletes, and the record's
 * transaction deletes the same row: whichever comes second sees nothing, so a committed record never loses its files.
 */
import type { Db, Queryable } from '../../db/db.ts';
import type { FileStorage } from './storage.types.ts';

export interface PendingFile {
  /** Which store: `filings`, `observatory`. */
  area: string;
  storageKey: string;
  tenantId: string | null;
  /** The id of the record the file belongs to once committed. */
  ownerId: string;
}

interface PendingRow {
  area: string;
  storage_key: string;
  tenant_id: string | null;
  owner_id: string;
}

const toPending = (r: PendingRow): PendingFile => ({ area: r.area, storageKey: r.storage_key, tenantId: r.tenant_id, ownerId: r.owner_id });

/** The only SQL for the pending-files journal. */
export const pendingFilesJournal = {
  /** Records files about to be written; call outside any transaction, so the rows survive a crash during the write. */
  async add(q: Queryable, files: readonly PendingFile[], at: Date): Promise<void> {
    if (files.length === 0) return;
    const values = files.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ');
    const params = files.flatMap((f) => [f.area, f.storageKey, f.tenantId, f.ownerId, at]);
    await q.query(`INSERT INTO pending_files (area, storage_key, tenant_id, owner_id, created_at) VALUES ${values}`, params);
  },

  /**
   * The owner's files are part of it now (in the owner's transaction), or were deleted (after a failure). Returns the
   * keys it removed from the journal: fewer than written means the reconciler took them, and the owner must not commit.
   */
  async settle(q: Queryable, area: string, ownerId: string): Promise<string[]> {
    const res = await q.query<{ storage_key: string }>(`DELETE FROM pending_files WHERE area = $1 AND owner_id = $2 RETURNING storage_key`, [area, ownerId]);
    return res.rows.map((r) => r.storage_key).sort();
  },

  /** Rows older than `olderThan`, locked for this transaction; rows another transaction holds are skipped. */
  async claimStale(q: Queryable, area: string, olderThan: Date, limit: number): Promise<PendingFile[]> {
    const res = await q.query<PendingRow>(
      `SELECT area, storage_key, tenant_id, owner_id FROM pending_files WHERE area = $1 AND created_at < $2
        ORDER BY created_at, storage_key LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [area, olderThan, limit],
    );
    return res.rows.map(toPending);
  },

  async remove(q: Queryable, area: string, storageKey: string): Promise<void> {
    await q.query(`DELETE FROM pending_files WHERE area = $1 AND storage_key = $2`, [area, storageKey]);
  },

  /** Everything still pending in an area (operators, tests). */
  async list(q: Queryable, area: string): Promise<PendingFile[]> {
    const res = await q.query<PendingRow>(`SELECT area, storage_key, tenant_id, owner_id FROM pending_files WHERE area = $1 ORDER BY created_at, storage_key`, [area]);
    return res.rows.map(toPending);
  },
};

/**
 * After a failed write whose owner did not commit: deletes the bytes, then the journal rows. Throws when a delete
 * fails; the rows then stay and the reconciler tries again later.
 */
export async function discardPending(db: Db, storage: FileStorage, area: string, ownerId: string, keys: readonly string[]): Promise<void> {
  for (const key of keys) await storage.remove(key);
  await pendingFilesJournal.settle(db, area, ownerId);
}

export interface ReconcileOptions {
  db: Db;
  storage: FileStorage;
  area: string;
  /** Only entries (and `.tmp/` files) older than this: a write in progress is never touched. */
  olderThan: Date;
  /** Whether the record exists (committed): then its files are kept and only the journal row goes. */
  ownerExists: (q: Queryable, file: PendingFile) => Promise<boolean>;
  batchSize?: number;
}

export interface ReconcileResult {
  /** Files deleted because their record never committed. */
  deleted: string[];
  /** Journal rows dropped because their record exists (its files are its own). */
  kept: string[];
  /** Temporary files swept from `.tmp/`. */
  tempSwept: string[];
}

/** Deletes the bytes of journal entries whose record never committed, and stale temporary files. Idempotent. */
export async function reconcilePendingFiles(opts: ReconcileOptions): Promise<ReconcileResult> {
  const { db, storage, area } = opts;
  const batchSize = opts.batchSize ?? 100;
  const out: ReconcileResult = { deleted: [], kept: [], tempSwept: [] };
  for (;;) {
    // Bytes are deleted while the journal rows are locked, so a late commit of their owner waits for us and then
    // finds its rows gone (and rolls back) instead of committing a record whose files we are deleting.
    const n = await db.transaction(async (tx) => {
      const rows = await pendingFilesJournal.claimStale(tx, area, opts.olderThan, batchSize);
      for (const row of rows) {
        if (await opts.ownerExists(tx, row)) out.kept.push(row.storageKey);
        else {
          await storage.remove(row.storageKey);
          out.deleted.push(row.storageKey);
        }
        await pendingFilesJournal.remove(tx, area, row.storageKey);
      }
      return rows.length;
    });
    if (n < batchSize) break;
  }
  out.tempSwept = await storage.sweepTemp(opts.olderThan);
  return out;
}
