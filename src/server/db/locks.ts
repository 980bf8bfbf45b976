/**
 * Work that several instances may start at once (a daily job on every instance) and that must not run twice at the
 * same time. On PostgreSQL a transaction-wide advisory lock on the name queues the others until the first commits;
 * PGlite has one connection, so its transactions already run one after another.
 */
import type { Db, Queryable } from './db.ts';

/** Runs `fn` in one transaction that holds the advisory lock `name` (PostgreSQL) until it ends. */
export async function transactionWithLock<T>(db: Db, name: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
    return fn(tx);
  });
}
