/**
 * Q&A evaluation: crawls a site into an in-memory PGlite, asks every question of a TSV (question<TAB>expected
 * URL path) and prints recall@1, recall@3 and MRR over the pages ranked for each question, per language too.
 *   npx tsx scripts/qa-eval.ts --site http://127.0.0.1:8099/ --questions data/qa-eval/zaragoza.tsv [--tenant alacant] [--verbose]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrate } from '../src/server/db/migrate.ts';
import { openPglite } from '../src/server/db/pglite.ts';
import { AskService, KnowledgeService } from '../src/server/modules/knowledge/index.ts';
import { detectLanguage } from '../src/server/modules/knowledge/knowledge.text.ts';
import { loadTenantsDir, TenantRegistry, upsertTenants } from '../src/server/modules/tenants/index.ts';
import { DEMO_TENANTS_DIR } from '../src/server/testing/test-db.ts';

const { values } = parseArgs({
  options: { site: { type: 'string' }, questions: { type: 'string' }, tenant: { type: 'string', default: 'alacant' }, verbose: { type: 'boolean', default: false } },
});
if (!values.site || !values.questions) {
  process.stderr.write('usage: qa-eval --site <url> --questions <tsv> [--tenant <id>] [--verbose]\n');
  process.exit(2);
}
const tenantId = values.tenant ?? 'alacant';
const cases = readFileSync(values.questions, 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [question = '', path = ''] = l.split('\t');
    return { question: question.trim(), path: path.trim() };
  });

const db = await openPglite();
await migrate(db);
const loaded = loadTenantsDir(DEMO_TENANTS_DIR);
await upsertTenants(db, loaded);
const tenants = new TenantRegistry(loaded);
const knowledge = new KnowledgeService({ db, tenants });
const ask = new AskService(knowledge, tenants);

const t0 = performance.now();
const report = await knowledge.crawl(tenantId, values.site, { maxPages: 5000 });
const crawlS = (performance.now() - t0) / 1000;
process.stdout.write(`crawl: ${report.status}, ${report.counts.pagesIndexed} pages, ${report.counts.chunksIndexed} chunks in ${crawlS.toFixed(1)} s\n`);

type Tally = { n: number; r1: number; r3: number; mrr: number; handoff: number };
const tally = new Map<string, Tally>();
const add = (key: string, rank: number, isHandoff: boolean) => {
  const t = tally.get(key) ?? { n: 0, r1: 0, r3: 0, mrr: 0, handoff: 0 };
  t.n += 1;
  if (rank === 1) t.r1 += 1;
  if (rank >= 1 && rank <= 3) t.r3 += 1;
  if (rank >= 1) t.mrr += 1 / rank;
  if (isHandoff) t.handoff += 1;
  tally.set(key, t);
};
const times: number[] = [];
for (const c of cases) {
  const lang = detectLanguage(c.question) ?? 'es';
  const started = performance.now();
  const pages = await ask.rankPages({ tenantId, question: c.question, lang }, 10);
  const answer = await ask.ask({ tenantId, question: c.question, lang });
  times.push(performance.now() - started);
  const rank = pages.findIndex((p) => new URL(p.url).pathname === c.path) + 1;
  add('all', rank, answer.handoffSuggested);
  add(lang, rank, answer.handoffSuggested);
  if (values.verbose || rank !== 1) {
    process.stdout.write(`${rank === 0 ? 'MISS' : `@${rank}`}\t[${lang}] ${c.question}\t-> ${pages.slice(0, 3).map((p) => `${new URL(p.url).pathname} (${p.coverage.toFixed(2)})`).join(', ')}${answer.handoffSuggested ? '  [handoff]' : ''}\n`);
  }
}
times.sort((a, b) => a - b);
for (const [key, t] of tally) {
  process.stdout.write(
    `${key.padEnd(4)} n=${t.n}  recall@1=${(t.r1 / t.n).toFixed(3)}  recall@3=${(t.r3 / t.n).toFixed(3)}  MRR=${(t.mrr / t.n).toFixed(3)}  handoff=${t.handoff}\n`,
  );
}
process.stdout.write(`ask+rank latency (incl. translation): p50 ${times[Math.floor(times.length / 2)]?.toFixed(0)} ms, p95 ${times[Math.floor(times.length * 0.95)]?.toFixed(0)} ms\n`);
await db.close();
