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

/** Identifiers come from code, never from input; checked anyway, since they are spliced into the SQL. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The outcome writer for one outbox table, keyed by `keyColumn`. */
export function outboxTable(table: string, keyColumn: string) {
  if (!IDENTIFIER.test(table) || !IDENTIFIER.test(keyColumn)) throw new Error(`not an SQL identifier: ${table}.${keyColumn}`);
  const where = `WHERE ${keyColumn} = $1`;
  return {
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
