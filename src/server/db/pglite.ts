import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import lockfile from 'proper-lockfile';
import { AppError } from '../errors.ts';
import { parseInt8, TYPE_OIDS, type Db, type Queryable, type QueryResult, type Row } from './db.ts';

const parsers = {
  [TYPE_OIDS.int8]: parseInt8,
  [TYPE_OIDS.numeric]: (v: string) => v,
  [TYPE_OIDS.date]: (v: string) => v,
};

function wrap(q: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query<R extends object = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, params ? [...params] : undefined);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  };
}

/**
 * Opens the embedded database. `dataDir` undefined means in-memory (tests).
 * A second process opening the same directory is refused: PGlite is single-process
 * and two writers would corrupt the files.
 */
/** The embedded database, plus a dump of its files (tests start from a migrated template). */
export type PgliteDb = Db & { dumpDataDir(): Promise<Blob> };

export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob } = {}): Promise<PgliteDb> {
  let release: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (dataDir) {
    dir = path.join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    try {
      release = await lockfile.lock(dir, { stale: 15_000, update: 5_000, realpath: false });
    } catch (err) {
      if ((err as { code?: string }).code === 'ELOCKED') {
        throw new AppError('db.locked', {
          status: 503,
          log: `The embedded database in ${dir} is in use by another process (is the server running?). ` +
            'Stop it first, or point DATABASE_URL at a PostgreSQL server to share one database.',
        });
      }
      throw err;
    }
  }
  const pg = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    extensions: { pg_trgm, unaccent },
    parsers,
  });
  void pgliteTypes;
  const base = wrap(pg);
  const listeners = new Map<string, Set<(p: string) => void>>();
  return {
    kind: 'pglite',
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction(async (tx) => fn(wrap(tx)));
    },
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
        await unsub();
      };
    },
    async notify(channel, payload) {
      await pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async dumpDataDir(): Promise<Blob> {
      return pg.dumpDataDir('none');
    },
    async close() {
      await pg.close();
      if (release) await release();
    },
  };
}
