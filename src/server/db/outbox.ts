/**
 * The bookkeeping shared by the outbox tables that share one shape (status pending | delivered | failed, attempts,
 * next_attempt_at, leased_until, last_error, external_ref, delivered_at): what a sender writes once it knows how a
 * delivery went. The repositories that own those tables call it; claiming stays with them, since what is due differs
 * (appointment events wait for the earlier events of their chain).
 */
import type { Queryable } from './db.ts';

export type OutboxOutcome =
  | { status: 'delivered'; externalRef: string | undefined }
  /** Refused for good: a person must look at last_error. */
  | { status: 'failed'; error: string }
  /** Not taken this time: due again retryInSeconds after `now`. */
  | { status: 'pending'; error: string; retryInSeconds: number };

/** Rows not yet delivered, per council and status, and how long the oldest has waited (for /metrics). */
export interface OutboxBacklogRow {
  tenant_id: string;
  status: string;
  rows: number;
  oldest_seconds: number;
}

/** Identifiers come from code, never from input; checked anyway, since they are spliced into the SQL. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A row a delivery refused for good, as an operator lists it. */
export interface FailedOutboxRow {
  key: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  /** The table's own columns that say what the row is about (`describe` in outboxTable). */
  about: Record<string, unknown>;
}

/**
 * The outcome writer and the operator's tools for one outbox table, keyed by `keyColumn`; `describe` names the
 * columns an operator needs to tell rows apart (the appointment and kind of an event, say).
 */
export function outboxTable(table: string, keyColumn: string, describe: readonly string[] = []) {
  for (const id of [table, keyColumn, ...describe]) if (!IDENTIFIER.test(id)) throw new Error(`not an SQL identifier: ${id}`);
  const where = `WHERE ${keyColumn} = $1`;
  const about = describe.length ? `jsonb_build_object(${describe.map((c) => `'${c}', ${c}`).join(', ')})` : `'{}'::jsonb`;
  return {
    /** What is still to deliver or refused (not the delivered history, which only grows), as of `now`. */
    async backlog(q: Queryable, now: Date): Promise<OutboxBacklogRow[]> {
      const res = await q.query<OutboxBacklogRow>(
        `SELECT tenant_id, status, count(*)::int AS rows, GREATEST(0, EXTRACT(EPOCH FROM ($1::timestamptz - min(created_at))))::float8 AS oldest_seconds
           FROM ${table} WHERE status NOT IN ('delivered', 'done') GROUP BY tenant_id, status ORDER BY tenant_id, status`,
        [now],
      );
      return res.rows;
    },

    /** The rows of a council refused for good, oldest first: what needs a person. */
    async failed(q: Queryable, tenantId: string): Promise<FailedOutboxRow[]> {
      const res = await q.query<FailedOutboxRow>(
        `SELECT ${keyColumn} AS key, attempts, last_error, created_at, ${about} AS about FROM ${table} WHERE tenant_id = $1 AND status = 'failed' ORDER BY created_at, ${keyColumn}`,
        [tenantId],
      );
      return res.rows;
    },

    /** Makes a failed row due now again (its cause fixed); false when the council has no failed row with that key. */
    async requeue(q: Queryable, tenantId: string, key: string, now: Date): Promise<boolean> {
      const res = await q.query(`UPDATE ${table} SET status = 'pending', next_attempt_at = $3, leased_until = NULL ${where} AND tenant_id = $2 AND status = 'failed'`, [key, tenantId, now]);
      return res.rowCount === 1;
    },

    /** Records how one delivery went and releases the lease; errors are kept to 500 characters. */
    async finish(q: Queryable, key: string, now: Date, outcome: OutboxOutcome): Promise<void> {
      switch (outcome.status) {
        case 'delivered':
          await q.query(`UPDATE ${table} SET status = 'delivered', external_ref = $2, delivered_at = $3, last_error = NULL, leased_until = NULL ${where}`, [
            key,
            outcome.externalRef ?? null,
            now,
          ]);
          return;
        case 'failed':
          await q.query(`UPDATE ${table} SET status = 'failed', last_error = $2, leased_until = NULL ${where}`, [key, outcome.error.slice(0, 500)]);
          return;
        case 'pending':
          await q.query(`UPDATE ${table} SET last_error = $2, next_attempt_at = $3::timestamptz + make_interval(secs => $4), leased_until = NULL ${where}`, [
            key,
            outcome.error.slice(0, 500),
            now,
            outcome.retryInSeconds,
          ]);
          return;
      }
    },
  };
}
