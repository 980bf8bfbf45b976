/**
 * Fault injection for the "all of its files or none" tests (HIGH-2 of the 2026-12-04 security review): a real store
 * and a real database, each wrapped so that a test can make one step fail, lose a commit's acknowledgement, or run
 * something in the middle of a write. Everything not broken goes straight through to the real part.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db, Queryable, QueryResult, Row } from '../db/db.ts';
import { createLocalFileStorage, createS3FileStorage, type FileStorage } from '../modules/storage/index.ts';
import { startTestS3 } from './s3-server.ts';

/** What to break; each test sets what it needs and everything is reset before the next one. */
export interface Faults {
  /** Fail the Nth `put` (1-based) of the store. */
  putFailsOn?: number;
  /** Store one byte less on the Nth `put`: the verification after writing must notice. */
  putTruncatesOn?: number;
  /** Fail every `remove` (the clean-up after a failure, as when the process dies there). */
  removeFails?: boolean;
  /** A SQL statement matching this fails (outside or inside the transaction). */
  queryFails?: RegExp;
  /** `before-commit`: the transaction's work runs, then it throws and rolls back. `ack-lost`: it commits, then the call throws. */
  transaction?: 'before-commit' | 'ack-lost';
  /** Runs while the Nth `put` is under way (another process acting in the middle of a registration or upload). */
  duringPut?: { n: number; run: () => Promise<unknown> };
}

/** A real store with faults injected into put/remove; reads, stats and listings go straight through. */
export function faultyStorage(real: FileStorage, faults: () => Faults): FileStorage & { puts: () => number } {
  let puts = 0;
  return {
    kind: real.kind,
    puts: () => puts,
    async put(key, data) {
      puts++;
      const f = faults();
      if (f.duringPut?.n === puts) await f.duringPut.run();
      if (f.putFailsOn === puts) throw new Error(`injected: put #${puts} failed`);
      return real.put(key, f.putTruncatesOn === puts ? data.subarray(0, data.length - 1) : data);
    },
    stat: (key) => real.stat(key),
    sweepTemp: (olderThan) => real.sweepTemp(olderThan),
    read: (key) => real.read(key),
    async remove(key) {
      if (faults().removeFails) throw new Error('injected: remove failed');
      return real.remove(key);
    },
    list: (prefix) => real.list(prefix),
  };
}

/** The real database with faults injected into statements and transactions. */
export function faultyDb(real: Db, faults: () => Faults): Db {
  const check = (sql: string) => {
    if (faults().queryFails?.test(sql)) throw new Error(`injected: query failed: ${sql.slice(0, 60)}`);
  };
  const wrap = (q: Queryable): Queryable => ({
    query<R extends object = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      check(sql);
      return q.query<R>(sql, params);
    },
    exec: (sql) => q.exec(sql),
  });
  return {
    kind: real.kind,
    query<R extends object = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      check(sql);
      return real.query<R>(sql, params);
    },
    exec: (sql) => real.exec(sql),
    async transaction(fn) {
      const mode = faults().transaction;
      const result = await real.transaction(async (tx) => {
        const r = await fn(wrap(tx));
        if (mode === 'before-commit') throw new Error('injected: the transaction failed before its commit');
        return r;
      });
      if (mode === 'ack-lost') throw new Error('injected: the commit went through but its acknowledgement was lost');
      return result;
    },
    listen: (channel, onPayload) => real.listen(channel, onPayload),
    notify: (channel, payload) => real.notify(channel, payload),
    close: () => real.close(),
  };
}

/** The two real stores every "all or none" test runs on: a local folder and an S3-compatible server (s3rver). */
export function realStores(prefix: string): [name: string, open: () => Promise<{ storage: FileStorage; stop: () => Promise<void> }>][] {
  return [
    ['local folder', async () => ({ storage: createLocalFileStorage(path.join(mkdtempSync(path.join(tmpdir(), `vt-${prefix}-`)), 'files')), stop: async () => undefined })],
    [
      'S3-compatible server',
      async () => {
        const s3 = await startTestS3();
        const storage = createS3FileStorage({ ...s3.options, prefix });
        return {
          storage,
          stop: async () => {
            storage.close?.();
            await s3.close();
          },
        };
      },
    ],
  ];
}
