/**
 * The embedded database's single-writer lock (LOW-3 of the 2026-12-04 security review: a restart right after a
 * crash was refused for about 15 s) and its durable commits (the review's observation: no fsync on commit).
 * Real child processes hold the lock and are really killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { openPglite } from './pglite.ts';

const PGLITE_MODULE = new URL('./pglite.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];

/** A node process that opens the database in `dataDir`, commits one row, says "ready" and waits to be killed. */
async function startHolder(dataDir: string): Promise<ChildProcess> {
  const script = `
    const { openPglite } = await import(${JSON.stringify(PGLITE_MODULE)});
    const db = await openPglite(${JSON.stringify(dataDir)});
    await db.query('CREATE TABLE IF NOT EXISTS marks (pid int)');
    await db.query('INSERT INTO marks VALUES ($1)', [process.pid]);
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

afterEach(async () => {
  for (const c of children.splice(0)) await kill(c, 'SIGKILL');
});

const tempDataDir = () => mkdtempSync(path.join(os.tmpdir(), 'vt-pglite-lock-'));

// PGlite's own lock and durability: the same whatever DATABASE_URL says, so only the embedded pass runs them.
const describeEmbedded = describe.skipIf(Boolean(process.env.DATABASE_URL));

describeEmbedded('openPglite lock', () => {
  it('LOW-3: opens at once after the holder was killed with SIGKILL, with the holder\'s committed row', async () => {
    const dataDir = tempDataDir();
    const holder = await startHolder(dataDir);
    await kill(holder, 'SIGKILL');
    // Before the fix this threw db.locked at once, and kept doing so until the lock was 15 s old.
    const db = await openPglite(dataDir);
    try {
      const rows = await db.query<{ pid: number }>('SELECT pid FROM marks');
      expect(rows.rows).toEqual([{ pid: holder.pid }]);
      const owner = JSON.parse(readFileSync(path.join(dataDir, 'pglite.lock', 'owner.json'), 'utf8')) as { pid: number };
      expect(owner.pid).toBe(process.pid);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('LOW-3: while a live process holds it, the open is refused with the translated db.locked error naming that process', async () => {
    const dataDir = tempDataDir();
    const holder = await startHolder(dataDir);
    const refused = await openPglite(dataDir).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'db.locked', status: 503 });
    expect((refused as AppError).message).toContain(`process ${holder.pid} on this machine`);
    expect((refused as AppError).userMessage('es')).toBe('La base de datos está en uso por otro proceso.');
    expect((refused as AppError).userMessage('ca')).toBe('La base de dades està en ús per un altre procés.');
    // The holder stops without closing (SIGTERM, no handler): the next start does not wait either.
    await kill(holder, 'SIGTERM');
    const db = await openPglite(dataDir);
    await db.close();
  }, 120_000);

  it('LOW-3: a lock whose PID now belongs to another process is taken over; one from another host is refused until it is 15 s silent', async () => {
    const dataDir = tempDataDir();
    const lockDir = path.join(dataDir, 'pglite.lock');
    mkdirSync(path.join(dataDir, 'pglite'), { recursive: true });
    const writeLock = (owner: object, ageMs: number) => {
      mkdirSync(lockDir, { recursive: true });
      writeFileSync(path.join(lockDir, 'owner.json'), JSON.stringify({ startedAt: '2026-12-04T00:00:00Z', nonce: `n-${Math.random()}`, ...owner }));
      const at = new Date(Date.now() - ageMs);
      utimesSync(lockDir, at, at);
    };
    // The parent process (vitest's) is alive, but it did not start at tick 1: a reused PID.
    writeLock({ pid: process.ppid, hostname: os.hostname(), startTicks: 1 }, 0);
    const reused = await openPglite(dataDir);
    await reused.close();

    writeLock({ pid: 4242, hostname: 'another-host.example', startTicks: null }, 2_000);
    await expect(openPglite(dataDir)).rejects.toMatchObject({ code: 'db.locked', message: expect.stringContaining('on host another-host.example') });
    writeLock({ pid: 4242, hostname: 'another-host.example', startTicks: null }, 20_000);
    const silent = await openPglite(dataDir);
    await silent.close();
  }, 120_000);
});

describeEmbedded('openPglite durability', () => {
  it('Observation: a database on disk commits with fsync on (WAL synced by fsync), and can opt out', async () => {
    const durable = await openPglite(tempDataDir());
    try {
      expect((await durable.query('SHOW fsync')).rows).toEqual([{ fsync: 'on' }]);
      expect((await durable.query('SHOW wal_sync_method')).rows).toEqual([{ wal_sync_method: 'fsync' }]);
      expect((await durable.query('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'on' }]);
    } finally {
      await durable.close();
    }
    const relaxed = await openPglite(tempDataDir(), { isDurable: false });
    try {
      expect((await relaxed.query('SHOW fsync')).rows).toEqual([{ fsync: 'off' }]);
    } finally {
      await relaxed.close();
    }
  }, 120_000);
});
