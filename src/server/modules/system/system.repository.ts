import type { Queryable } from '../../db/db.ts';

/** The readiness probe's one query: the database answers a trivial statement. */
export async function pingDatabase(q: Queryable): Promise<void> {
  await q.query('SELECT 1');
}
