/**
 * The bookkeeping shared by the outbox tables, which all have one shape (status pending | delivered | failed,
 * attempts, next_attempt_at, leased_until, last_error, external_ref, delivered_at, created_at): taking due rows,
 * writing how a delivery went, and the operator's queries. The repositories that own those tables call it with the
 * service's clock, never the database's, so retries and leases can be tested without waiting. Where "due" differs
 * (appointment events wait for the earlier events of their chain) the table says so with a `due` condition.
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

/** What every claimed row carries, whatever the table: its council and the attempt this is (counted by the claim). */
export interface OutboxClaimRow {
  tenant_id: string;
  attempts: number;
}

export interface OutboxTableOptions {
  /** The columns an operator needs to tell rows apart (the appointment and kind of an event): `about` in failed(). */
  describe?: readonly string[] | undefined;
  /** What a claim returns besides the key, tenant_id and attempts: what the sender needs to deliver the row. */
  claimColumns?: readonly string[] | undefined;
  /**
   * A further condition for a row to be due, on the candidate row aliased `e` (SQL written in code, never input):
   * appointment events wait while an earlier event of their chain is pending.
   */
  due?: string | undefined;
  /** Among rows due at the same moment, the order they go in (a column): insertion order where it matters. */
  tiebreak?: string | undefined;
}

/** The claim, the outcome writer and the operator's tools for one outbox table, keyed by `keyColumn`. */
export function outboxTable(table: string, keyColumn: string, opts: OutboxTableOptions = {}) {
  const describe = opts.describe ?? [];
  const claimColumns = opts.claimColumns ?? [];
  const tiebreak = opts.tiebreak ?? keyColumn;
  for (const id of [table, keyColumn, tiebreak, ...describe, ...claimColumns]) if (!IDENTIFIER.test(id)) throw new Error(`not an SQL identifier: ${id}`);
  const where = `WHERE ${keyColumn} = $1`;
  const about = describe.length ? `jsonb_build_object(${describe.map((c) => `'${c}', ${c}`).join(', ')})` : `'{}'::jsonb`;
  const returning = [keyColumn, 'tenant_id', 'attempts', ...claimColumns].join(', ');
  return {
    /**
     * Takes up to `limit` rows due at `now` for `leaseSeconds` and counts the attempt: a sender that dies leaves them
     * due again once the lease has passed. SKIP LOCKED: several instances share the work without sending one row twice
     * at the same time. The oldest due first. `R` is the row as returned (key, tenant_id, attempts, claimColumns).
     */
    async claim<R extends OutboxClaimRow>(q: Queryable, now: Date, limit: number, leaseSeconds: number): Promise<R[]> {
      const res = await q.query<R>(
        `UPDATE ${table} SET attempts = attempts + 1, leased_until = $1::timestamptz + make_interval(secs => $3)
          WHERE ${keyColumn} IN (SELECT e.${keyColumn} FROM ${table} e
                                  WHERE e.status = 'pending' AND e.next_attempt_at <= $1 AND (e.leased_until IS NULL OR e.leased_until <= $1)
                                    ${opts.due ? `AND (${opts.due})` : ''}
                                  ORDER BY e.next_attempt_at, e.${tiebreak} LIMIT $2 FOR UPDATE OF e SKIP LOCKED)
          RETURNING ${returning}`,
        [now, limit, leaseSeconds],
      );
      return res.rows;
    },


    /** What is still to deliver or refused (not the delivered history, which only grows), as of `now`. */
    async backlog(q: Queryable, now: Date): Promise<OutboxBacklogRow[]> {
      const res = await q.query<OutboxBacklogRow>(
        `SELECT tenant_id, status, count(*)::int AS rows, GREATEST(0, EXTRACT(EPOCH FROM ($1::timestamptz - min(created_at))))::float8 AS oldest_seconds
           FROM ${table} WHERE status <> 'delivered' GROUP BY tenant_id, status ORDER BY tenant_id, status`,
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
