import pg from 'pg';
import { parseInt8, TYPE_OIDS, type Db, type Queryable, type QueryResult, type Row } from './db.ts';

const identity = (v: string) => v;
const typeParser = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === TYPE_OIDS.int8) return parseInt8;
    if (oid === TYPE_OIDS.numeric || oid === TYPE_OIDS.date) return identity;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R extends object = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await client.query<R>({ text: sql, values: params ? [...params] : [], types: typeParser });
      return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

/** Connects to a PostgreSQL server; a pool of connections shared by the process. */
export async function openPostgres(url: string, opts: { max?: number; onIdleError?: (err: Error) => void } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle connection that the server closes (restart, failover, pg_terminate_backend) is dropped by the
  // pool and replaced on the next query; without a listener pg re-throws it and the whole process dies.
  pool.on('error', opts.onIdleError ?? ((err) => process.emitWarning(`PostgreSQL closed an idle connection: ${err.message}`)));
  // Fail at start, not at the first request, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  let listenClient: pg.PoolClient | undefined;
  const handlers = new Map<string, Set<(p: string) => void>>();
  const base = wrap(pool);
  return {
    kind: 'postgres',
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      if (!listenClient) {
        listenClient = await pool.connect();
        listenClient.on('notification', (msg) => {
          for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
        });
      }
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        await listenClient.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      listenClient?.release();
      await pool.end();
    },
  };
}
