/**
 * Q&A benchmark: crawl speed on loopback, index size, and question latency with 10,000 chunks indexed.
 * Crawls --site (default the Zaragoza catalogue served on http://127.0.0.1:8099/, see ../shared/corpus/zaragoza)
 * or, when it is not reachable, the test fixture site; then tops the index up to --chunks by copying chunks.
 * Prints figures only; asserts nothing.
 *
 *   npx tsx bench/qa.bench.ts [--site http://127.0.0.1:8099/] [--chunks 10000] [--questions data/qa-eval/zaragoza.tsv]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrate } from '../src/server/db/migrate.ts';
import { openPglite } from '../src/server/db/pglite.ts';
import { AskService, KnowledgeService, noTranslator, startFixtureSite } from '../src/server/modules/knowledge/index.ts';
import { detectLanguage } from '../src/server/modules/knowledge/knowledge.text.ts';
import { loadTenantsDir, TenantRegistry, upsertTenants } from '../src/server/modules/tenants/index.ts';
import { DEMO_TENANTS_DIR } from '../src/server/testing/test-db.ts';

const { values } = parseArgs({
  options: {
    site: { type: 'string', default: 'http://127.0.0.1:8099/' },
    chunks: { type: 'string', default: '10000' },
    questions: { type: 'string', default: new URL('../data/qa-eval/zaragoza.tsv', import.meta.url).pathname },
  },
});
const targetChunks = Number(values.chunks);
const tenantId = 'alacant';

const db = await openPglite();
await migrate(db);
const loaded = loadTenantsDir(DEMO_TENANTS_DIR);
await upsertTenants(db, loaded);
const tenants = new TenantRegistry(loaded);
// Translation is an external process (Apertium); latency is measured without it, then with it.
const knowledge = new KnowledgeService({ db, tenants, translator: noTranslator });
const ask = new AskService(knowledge, tenants);

let site = values.site ?? 'http://127.0.0.1:8099/';
let fixture: Awaited<ReturnType<typeof startFixtureSite>> | undefined;
try {
  await fetch(new URL('/robots.txt', site), { signal: AbortSignal.timeout(2000) });
} catch {
  fixture = await startFixtureSite();
  site = `${fixture.baseUrl}/es/index.html`;
  process.stdout.write(`(${values.site} not reachable: crawling the fixture site instead)\n`);
}

const t0 = performance.now();
const first = await knowledge.crawl(tenantId, site, { maxPages: 5000, maxCrawlDelayMs: 0 });
const crawlS = (performance.now() - t0) / 1000;
const pages = first.counts.pagesIndexed ?? 0;
process.stdout.write(`crawl: ${pages} pages, ${first.counts.chunksIndexed} chunks in ${crawlS.toFixed(1)} s = ${(pages / crawlS).toFixed(1)} pages/s (fetch + Readability + index)\n`);
const t1 = performance.now();
const again = await knowledge.crawl(tenantId, site, { maxPages: 5000, maxCrawlDelayMs: 0 });
process.stdout.write(
  `recrawl unchanged: ${again.counts.bodiesDownloaded} bodies downloaded, ${again.counts.unchanged} unchanged, ${((performance.now() - t1) / 1000).toFixed(1)} s\n`,
);
await fixture?.close();

// Top up to the target by copying chunks (new ord values); frequencies scale, latency is what we measure.
let { chunks } = await knowledge.repo.stats(tenantId);
while (chunks < targetChunks) {
  await db.query(
    `INSERT INTO knowledge_chunks (tenant_id, page_id, ord, title, heading, body, language)
     SELECT tenant_id, page_id, ord + 1000 + (random() * 100000)::int, title, heading, body, language FROM knowledge_chunks
     WHERE tenant_id = $1 ORDER BY id LIMIT $2`,
    [tenantId, targetChunks - chunks],
  );
  chunks = (await knowledge.repo.stats(tenantId)).chunks;
}
const stats = await knowledge.repo.stats(tenantId);
process.stdout.write(`index: ${stats.pages} pages, ${stats.chunks} chunks, ${(stats.bytes / 1024 / 1024).toFixed(1)} MiB (pages + chunks tables with indexes)\n`);
knowledge.index.invalidate(tenantId);

const questions = readFileSync(values.questions ?? '', 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => l.split('\t')[0] ?? '')
  .filter((q) => detectLanguage(q) === 'es');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0;
};
for (const round of ['cold (statistics not cached)', 'warm']) {
  const times: number[] = [];
  for (const question of questions) {
    const s = performance.now();
    await ask.ask({ tenantId, question, lang: 'es' });
    times.push(performance.now() - s);
  }
  process.stdout.write(`ask (${round}), ${questions.length} Spanish questions over ${stats.chunks} chunks: p50 ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms (target p95 < 50 ms)\n`);
}
await db.close();
