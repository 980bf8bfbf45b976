/** The pending-files journal (table pending_files): the protocol that uses it is described in pending-files.ts. */
import type { Queryable } from '../../db/db.ts';

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
