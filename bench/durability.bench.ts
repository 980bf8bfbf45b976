/**
 * What durable commits cost in the embedded database: the same small transactions with PGlite's own behaviour
 * (fsync off: a commit survives a crash of the process, not of the machine) and with ours (fsync of the WAL
 * before the commit is acknowledged). Prints commits/s and p50/p95 per commit; never asserts timings.
 * Run: npx tsx bench/durability.bench.ts [commits per round] [directory on the disk to measure]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPglite } from '../src/server/db/pglite.ts';

const commits = Number(process.argv[2] ?? 300);
const baseDir = process.argv[3] ?? tmpdir();
const ROUNDS = 2;

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** One round: a fresh database, a warm-up, then `commits` transactions of one INSERT and one UPDATE each. */
async function round(isDurable: boolean): Promise<number[]> {
  const dataDir = mkdtempSync(path.join(baseDir, 'vt-durability-'));
  const db = await openPglite(dataDir, { isDurable });
  try {
    await db.exec('CREATE TABLE bench_orders (id serial PRIMARY KEY, status text NOT NULL, amount_cents int NOT NULL)');
    const one = () =>
      db.transaction(async (tx) => {
        const res = await tx.query<{ id: number }>(`INSERT INTO bench_orders (status, amount_cents) VALUES ('created', 4500) RETURNING id`);
        await tx.query(`UPDATE bench_orders SET status = 'paid' WHERE id = $1`, [res.rows[0]?.id]);
      });
    for (let i = 0; i < 20; i++) await one();
    const times: number[] = [];
    for (let i = 0; i < commits; i++) {
      const t0 = performance.now();
      await one();
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results = { relaxed: [] as number[], durable: [] as number[] };
  // Interleaved rounds, so that a noisy neighbour on the machine weighs on both modes alike.
  for (let r = 0; r < ROUNDS; r++) {
    results.relaxed.push(...(await round(false)));
    results.durable.push(...(await round(true)));
  }
  console.log(`${commits} commits x ${ROUNDS} rounds per mode, data in ${baseDir}`);
  const rate: Record<string, number> = {};
  for (const [mode, times] of Object.entries(results)) {
    const sorted = [...times].sort((a, b) => a - b);
    const total = times.reduce((a, b) => a + b, 0);
    rate[mode] = (times.length / total) * 1000;
    console.log(
      `${mode.padEnd(8)} ${(rate[mode] ?? 0).toFixed(0).padStart(6)} commits/s   p50 ${quantile(sorted, 0.5).toFixed(2)} ms   p95 ${quantile(sorted, 0.95).toFixed(2)} ms   max ${quantile(sorted, 1).toFixed(2)} ms`,
    );
  }
  console.log(`durable / relaxed throughput: ${((rate.durable ?? 0) / (rate.relaxed ?? 1)).toFixed(2)}`);
}

await main();
