/**
 * `npm run bench`: runs every bench/*.bench.ts one after another (they compete for the same 2 cores
 * otherwise) and prints their figures. Benchmarks print numbers and ratios to targets; they never fail
 * on timings. `npm run bench -- nlu qa` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n### ${file}\n`);
  const started = Date.now();
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit', env: process.env });
  process.stdout.write(`(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${res.status ?? 'signal'})\n`);
  if (res.status !== 0) failed++;
}
process.stdout.write(`\n${benches.length} benchmark(s) run, ${failed} did not finish\n`);
process.exitCode = failed ? 1 : 0;
