import type { Queryable } from '../../db/db.ts';
import { outboxTable, type FailedOutboxRow, type OutboxBacklogRow, type OutboxOutcome } from '../../db/outbox.ts';

const filingExports = outboxTable('filing_exports', 'filing_id');

export type FilingStatus = 'registered' | 'in_review' | 'needs_info' | 'resolved' | 'rejected';

export interface FilingRow {
  id: string;
  tenant_id: string;
  registry_number: string;
  year: number;
  sequence: number;
  dni: string;
  subject: string;
  body: string;
  department_id: string;
  status: FilingStatus;
  receipt_code: string | null;
  language: string;
  /** The client's Idempotency-Key and the hash of what it sent with it; null without a key. */
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttachmentRow {
  id: string;
  filing_id: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
}

export interface HistoryRow {
  status: FilingStatus;
  note: string | null;
  actor_type: string;
  at: Date;
}

/** A filing_exports row as a sender claims it. */
export interface ClaimedFilingExport {
  filing_id: string;
  tenant_id: string;
  attempts: number;
}

export interface FilingExportRow {
  filing_id: string;
  tenant_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  leased_until: Date | null;
  last_error: string | null;
  external_ref: string | null;
  delivered_at: Date | null;
}

const COLS = `id, tenant_id, registry_number, year, sequence, dni, subject, body, department_id, status, receipt_code, language, idempotency_key, request_hash, created_at, updated_at`;

/** The only SQL for the filings registry. */
export const filingsRepository = {
  /**
   * The next registry number for a council and year. The counter row is updated inside the filing's transaction:
   * concurrent filings queue on its row lock, and a rolled-back filing gives its number back, so numbers never skip.
   */
  async nextNumber(q: Queryable, tenantId: string, year: number): Promise<number> {
    const res = await q.query<{ last_number: number }>(
      `INSERT INTO filing_counters (tenant_id, year, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = filing_counters.last_number + 1
       RETURNING last_number`,
      [tenantId, year],
    );
    const n = res.rows[0]?.last_number;
    if (n === undefined) throw new Error('counter returned no row');
    return Number(n);
  },

  async insert(q: Queryable, f: Omit<FilingRow, 'created_at' | 'updated_at' | 'receipt_code'> & { channel: string; kioskId: string | null }): Promise<FilingRow> {
    const res = await q.query<FilingRow>(
      `INSERT INTO filings (id, tenant_id, registry_number, year, sequence, dni, subject, body, department_id, status, language, channel, kiosk_id, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING ${COLS}`,
      [f.id, f.tenant_id, f.registry_number, f.year, f.sequence, f.dni, f.subject, f.body, f.department_id, f.status, f.language, f.channel, f.kioskId, f.idempotency_key, f.request_hash],
    );
    const row = res.rows[0];
    if (!row) throw new Error('insert returned no row');
    return row;
  },

  async insertAttachment(q: Queryable, tenantId: string, a: AttachmentRow): Promise<void> {
    await q.query(
      `INSERT INTO filing_attachments (id, tenant_id, filing_id, file_name, mime_type, size_bytes, sha256, storage_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.id, tenantId, a.filing_id, a.file_name, a.mime_type, a.size_bytes, a.sha256, a.storage_key],
    );
  },

  async addHistory(q: Queryable, tenantId: string, filingId: string, status: FilingStatus, note: string | null, actorType: string, actorId: string | null): Promise<void> {
    await q.query(
      `INSERT INTO filing_status_history (tenant_id, filing_id, status, note, actor_type, actor_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [tenantId, filingId, status, note, actorType, actorId],
    );
  },

  async setStatus(q: Queryable, tenantId: string, id: string, status: FilingStatus): Promise<FilingRow | undefined> {
    const res = await q.query<FilingRow>(`UPDATE filings SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${COLS}`, [tenantId, id, status]);
    return res.rows[0];
  },

  async setReceiptCode(q: Queryable, tenantId: string, id: string, code: string): Promise<void> {
    await q.query(`UPDATE filings SET receipt_code = $3 WHERE tenant_id = $1 AND id = $2 AND receipt_code IS NULL`, [tenantId, id, code]);
  },

  /** A citizen's filing (never another citizen's). */
  async findForCitizen(q: Queryable, tenantId: string, dni: string, id: string): Promise<FilingRow | undefined> {
    const res = await q.query<FilingRow>(`SELECT ${COLS} FROM filings WHERE tenant_id = $1 AND dni = $2 AND id = $3`, [tenantId, dni, id]);
    return res.rows[0];
  },

  /** The citizen's filing registered under an Idempotency-Key. */
  async findByIdempotencyKey(q: Queryable, tenantId: string, dni: string, key: string): Promise<FilingRow | undefined> {
    const res = await q.query<FilingRow>(`SELECT ${COLS} FROM filings WHERE tenant_id = $1 AND dni = $2 AND idempotency_key = $3`, [tenantId, dni, key]);
    return res.rows[0];
  },

  async findByNumberForCitizen(q: Queryable, tenantId: string, dni: string, number: string): Promise<FilingRow | undefined> {
    const res = await q.query<FilingRow>(`SELECT ${COLS} FROM filings WHERE tenant_id = $1 AND dni = $2 AND registry_number = $3`, [tenantId, dni, number]);
    return res.rows[0];
  },

  async findById(q: Queryable, tenantId: string, id: string): Promise<FilingRow | undefined> {
    const res = await q.query<FilingRow>(`SELECT ${COLS} FROM filings WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return res.rows[0];
  },

  async listForCitizen(q: Queryable, tenantId: string, dni: string): Promise<FilingRow[]> {
    const res = await q.query<FilingRow>(`SELECT ${COLS} FROM filings WHERE tenant_id = $1 AND dni = $2 ORDER BY created_at DESC, sequence DESC`, [tenantId, dni]);
    return res.rows;
  },

  async listForDepartment(q: Queryable, tenantId: string, departmentId: string | undefined, limit: number): Promise<FilingRow[]> {
    const res = await q.query<FilingRow>(
      `SELECT ${COLS} FROM filings WHERE tenant_id = $1 AND ($2::text IS NULL OR department_id = $2) ORDER BY created_at DESC LIMIT $3`,
      [tenantId, departmentId ?? null, limit],
    );
    return res.rows;
  },

  async attachments(q: Queryable, tenantId: string, filingId: string): Promise<AttachmentRow[]> {
    const res = await q.query<AttachmentRow>(
      `SELECT id, filing_id, file_name, mime_type, size_bytes, sha256, storage_key FROM filing_attachments WHERE tenant_id = $1 AND filing_id = $2 ORDER BY file_name, id`,
      [tenantId, filingId],
    );
    return res.rows;
  },

  async history(q: Queryable, tenantId: string, filingId: string): Promise<HistoryRow[]> {
    const res = await q.query<HistoryRow>(`SELECT status, note, actor_type, at FROM filing_status_history WHERE tenant_id = $1 AND filing_id = $2 ORDER BY at, id`, [
      tenantId,
      filingId,
    ]);
    return res.rows;
  },

  /** Queues a filing for the council's own registry, in the filing's transaction; due at `now`. */
  async queueExport(q: Queryable, tenantId: string, filingId: string, now: Date): Promise<void> {
    await q.query(`INSERT INTO filing_exports (filing_id, tenant_id, next_attempt_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [filingId, tenantId, now]);
  },

  /** Claims up to `limit` due exports for `leaseSeconds` and counts the attempt (the shared outbox claim). */
  claimExports: (q: Queryable, now: Date, limit: number, leaseSeconds: number): Promise<ClaimedFilingExport[]> => filingExports.claim<ClaimedFilingExport>(q, now, limit, leaseSeconds),

  /** Records how one delivery to the registry went. */
  finishExport: (q: Queryable, filingId: string, now: Date, outcome: OutboxOutcome): Promise<void> => filingExports.finish(q, filingId, now, outcome),

  /** The filings the council's registry refused for good (key: the filing id). */
  async failedExports(q: Queryable, tenantId: string): Promise<FailedOutboxRow[]> {
    // With the filing's number and department: what staff recognise a filing by.
    const res = await q.query<FailedOutboxRow>(
      `SELECT e.filing_id AS key, e.attempts, e.last_error, e.created_at,
              jsonb_build_object('registry_number', f.registry_number, 'department_id', f.department_id) AS about
         FROM filing_exports e JOIN filings f ON f.id = e.filing_id
        WHERE e.tenant_id = $1 AND e.status = 'failed' ORDER BY e.created_at, e.filing_id`,
      [tenantId],
    );
    return res.rows;
  },

  /** Deliveries still to make or refused, per council and status (for /metrics). */
  exportBacklog: (q: Queryable, now: Date): Promise<OutboxBacklogRow[]> => filingExports.backlog(q, now),

  /** Sends a refused filing again; false when it is not a failed export of this council. */
  requeueExport: (q: Queryable, tenantId: string, filingId: string, now: Date): Promise<boolean> => filingExports.requeue(q, tenantId, filingId, now),

  /** Where a filing stands with the council's own registry; undefined for embedded councils. */
  async findExport(q: Queryable, tenantId: string, filingId: string): Promise<FilingExportRow | undefined> {
    const res = await q.query<FilingExportRow>(`SELECT * FROM filing_exports WHERE tenant_id = $1 AND filing_id = $2`, [tenantId, filingId]);
    return res.rows[0];
  },
};
