import { randomUUID } from 'node:crypto';
import { fsyncSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { NodeFS } from '@electric-sql/pglite/nodefs';
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

// ---- the single-writer lock ----

/** A holder refreshes the lock's mtime this often; silent for LOCK_STALE_MS it counts as gone where its PID cannot be checked. */
const LOCK_REFRESH_MS = 5_000;
const LOCK_STALE_MS = 15_000;
const OWNER_FILE = 'owner.json';

interface LockOwner {
  pid: number;
  hostname: string;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat, Linux), to tell a reused PID apart. */
  startTicks: number | null;
  startedAt: string;
  /** Unique per acquisition: a take-over removes only the lock it judged stale, never a newer one. */
  nonce: string;
}

function processStartTicks(pid: number): number | null {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(path.join(lockPath, OWNER_FILE), 'utf8')) as Partial<LockOwner>;
    if (typeof v.pid !== 'number' || typeof v.hostname !== 'string' || typeof v.nonce !== 'string') return undefined;
    return { pid: v.pid, hostname: v.hostname, startTicks: typeof v.startTicks === 'number' ? v.startTicks : null, startedAt: String(v.startedAt ?? ''), nonce: v.nonce };
  } catch {
    return undefined;
  }
}

/** 'dead' when the recorded process provably no longer exists on this machine; 'alive' when it does; 'unknown' elsewhere. */
function holderState(owner: LockOwner): 'alive' | 'dead' | 'unknown' {
  if (owner.hostname !== os.hostname()) return 'unknown';
  // Our own PID in the lock is a previous process that had it (PID 1 in a restarted container, say).
  if (owner.pid === process.pid) return 'dead';
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
    // EPERM: a process of another user has that PID; it exists.
  }
  if (owner.startTicks !== null) {
    const now = processStartTicks(owner.pid);
    if (now !== null && now !== owner.startTicks) return 'dead'; // the PID was reused by another process
  }
  return 'alive';
}

type LockInspection = { isStale: true; token: string } | { isStale: false; why: string };

/** Whether the lock at `lockPath` may be taken over, and a token naming exactly that lock (for the take-over). */
function inspectLock(lockPath: string): LockInspection {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lockPath).mtimeMs;
  } catch {
    return { isStale: true, token: 'gone' };
  }
  const silentMs = Date.now() - mtimeMs;
  const owner = readOwner(lockPath);
  if (owner) {
    const state = holderState(owner);
    if (state === 'dead') return { isStale: true, token: owner.nonce };
    if (state === 'alive') return { isStale: false, why: `process ${owner.pid} on this machine, since ${owner.startedAt}` };
    if (silentMs > LOCK_STALE_MS) return { isStale: true, token: owner.nonce };
    return { isStale: false, why: `process ${owner.pid} on host ${owner.hostname}, seen ${Math.round(silentMs / 1000)} s ago` };
  }
  // No owner file: a lock being written this instant, or one left by a version without it. Only time can tell.
  if (silentMs > LOCK_STALE_MS) return { isStale: true, token: `mtime:${mtimeMs}` };
  return { isStale: false, why: `lock refreshed ${Math.round(silentMs / 1000)} s ago` };
}

function tokenOf(lockPath: string): string {
  const owner = readOwner(lockPath);
  if (owner) return owner.nonce;
  try {
    return `mtime:${statSync(lockPath).mtimeMs}`;
  } catch {
    return 'gone';
  }
}

/**
 * Takes the lock directory `<dir>.lock` (mkdir is atomic), records who holds it, and refreshes its mtime while
 * open. A lock whose process is gone is taken over at once (LOW-3: a restart right after a crash used to wait
 * 15 s); a lock held by a live process is refused with `db.locked`, naming the holder in the log message.
 */
function acquireDirLock(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startTicks: processStartTicks(process.pid), startedAt: new Date().toISOString(), nonce: randomUUID() };
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lockPath);
      writeFileSync(path.join(lockPath, OWNER_FILE), JSON.stringify(owner));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = inspectLock(lockPath);
    if (!seen.isStale || attempt >= 2) {
      throw new AppError('db.locked', {
        log: `The embedded database in ${dir} is in use by another process${seen.isStale ? '' : ` (${seen.why})`}. ` +
          'Stop it first, or point DATABASE_URL at a PostgreSQL server to share one database. ' +
          `If no such process runs, remove ${lockPath}.`,
      });
    }
    // Take-over in two steps so that two starters cannot both win: move the lock aside (atomic), then check that
    // what was moved is the lock judged stale. If a live starter got in between, put its lock back.
    const aside = `${lockPath}.stale-${randomUUID()}`;
    try {
      renameSync(lockPath, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (tokenOf(aside) !== seen.token) {
      try {
        renameSync(aside, lockPath);
      } catch {
        // A third starter holds it now; the next attempt reports it.
      }
      continue;
    }
    rmSync(aside, { recursive: true, force: true });
  }
  // Only the refresh keeps a lock alive for processes that cannot check our PID (another host); unref: it never
  // keeps the process running. A failed refresh (the directory removed by hand) is not worth a crash.
  const timer = setInterval(() => {
    try {
      const at = new Date();
      utimesSync(lockPath, at, at);
    } catch {
      /* see above */
    }
  }, LOCK_REFRESH_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (readOwner(lockPath)?.nonce === owner.nonce) rmSync(lockPath, { recursive: true, force: true });
  };
}

// ---- durable commits ----

type EmscriptenOpts = Parameters<NodeFS['init']>[1];
type PreRun = NonNullable<EmscriptenOpts['preRun']>[number];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * PGlite's Node file system is Emscripten's NODEFS, whose streams have no `fsync`: PostgreSQL's fsync() of the WAL
 * returns success without reaching the disk, and PGlite also starts PostgreSQL with fsync off (`-F`). This adds the
 * missing operation (a real fsync(2) of the file), so that with fsync on a commit is on disk before it is
 * acknowledged. Errors become errno values for PostgreSQL (which then stops, as it does on a failed fsync).
 */
const addFsyncToNodefs: PreRun = (mod) => {
  const nodefs: unknown = mod.NODEFS;
  const ops = isRecord(nodefs) ? nodefs.stream_ops : undefined;
  if (!isRecord(nodefs) || !isRecord(ops)) throw new Error('PGlite internals changed: NODEFS.stream_ops not found, cannot make commits durable');
  const tryFs = nodefs.tryFSOperation;
  ops.fsync = (stream: { nfd?: unknown }) => {
    const fd = stream.nfd;
    if (typeof fd !== 'number') return 0;
    const sync = () => fsyncSync(fd);
    if (typeof tryFs === 'function') tryFs.call(nodefs, sync);
    else sync();
    return 0;
  };
};

class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: EmscriptenOpts): Promise<{ emscriptenOpts: EmscriptenOpts }> {
    const { emscriptenOpts } = await super.init(pg, opts);
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), addFsyncToNodefs] } };
  }
}

/** PGlite's start parameters without `-F` (fsync off), and with the one WAL sync method NODEFS can honour. */
const DURABLE_START_PARAMS = [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync'];

/** The embedded database, plus a dump of its files (tests start from a migrated template). */
export type PgliteDb = Db & { dumpDataDir(): Promise<Blob> };

export interface OpenPgliteOptions {
  loadDataDir?: Blob;
  /**
   * Commits reach the disk (fsync of the WAL) before they are acknowledged: true by default. False is PGlite's own
   * behaviour (commits survive a crash of the process but not of the machine); for benchmarks and throwaway data.
   */
  isDurable?: boolean;
}

/**
 * Opens the embedded database. `dataDir` undefined means in-memory (tests).
 * A second process opening the same directory is refused: PGlite is single-process
 * and two writers would corrupt the files.
 */
export async function openPglite(dataDir?: string, opts: OpenPgliteOptions = {}): Promise<PgliteDb> {
  let release: (() => void) | undefined;
  let dir: string | undefined;
  if (dataDir) {
    dir = path.join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    release = acquireDirLock(dir);
  }
  const isDurable = Boolean(dir) && opts.isDurable !== false;
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(dir ? { fs: isDurable ? new DurableNodeFS(dir) : new NodeFS(dir) } : {}),
      ...(isDurable ? { startParams: DURABLE_START_PARAMS } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      extensions: { pg_trgm, unaccent },
      parsers,
    });
  } catch (err) {
    release?.();
    throw err;
  }
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
      release?.();
    },
  };
}
