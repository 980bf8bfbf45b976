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
import { pendingFilesJournal, type PendingFile } from './pending-files.repository.ts';
import type { FileStorage } from './storage.types.ts';

/** The journal's SQL is in pending-files.repository.ts; the protocol above and the reconciler are here. */
export { pendingFilesJournal, type PendingFile } from './pending-files.repository.ts';

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
