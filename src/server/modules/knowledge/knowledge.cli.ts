/** `ventanilla crawl <url> [--tenant <id>] [--max-pages N]`: crawls with a progress bar and prints the report. */
import cliProgress from 'cli-progress';
import type { Db } from '../../db/db.ts';
import { t } from '../../i18n.ts';
import type { Language } from '../../../shared/languages.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import type { CrawlReport } from './knowledge.schemas.ts';
import { KnowledgeService } from './knowledge.service.ts';

export interface CrawlCliOptions {
  db: Db;
  tenants: TenantRegistry;
  url: string;
  /** Defaults to the only council, or the council whose websites include the URL's site. */
  tenantId?: string | undefined;
  maxPages?: number | undefined;
  lang?: Language;
  out?: NodeJS.WritableStream;
  /** Show the progress bar (off when stdout is not a terminal). */
  isInteractive?: boolean;
}

export async function runCrawlCli(opts: CrawlCliOptions): Promise<CrawlReport> {
  const out = opts.out ?? process.stdout;
  const lang = opts.lang ?? 'es';
  const site = new URL(opts.url).origin;
  const tenant =
    (opts.tenantId ? opts.tenants.get(opts.tenantId) : undefined) ??
    opts.tenants.list().find((x) => x.websites.some((w) => new URL(w.url).origin === site)) ??
    opts.tenants.single() ??
    opts.tenants.get('');
  const service = new KnowledgeService({ db: opts.db, tenants: opts.tenants });
  const bar = new cliProgress.SingleBar({ format: `${t(lang, 'knowledge:crawl.progress', { url: site })} [{bar}] {value}/{total} {page}`, stream: out, hideCursor: true }, cliProgress.Presets.shades_classic);
  const isInteractive = opts.isInteractive ?? Boolean((out as NodeJS.WriteStream).isTTY);
  if (isInteractive) bar.start(1, 0, { page: '' });
  try {
    const report = await service.crawl(tenant.id, opts.url, {
      maxPages: opts.maxPages,
      onProgress: (done, total, url) => {
        if (!isInteractive) return;
        bar.setTotal(Math.max(total, done));
        bar.update(done, { page: new URL(url).pathname.slice(-40) });
      },
    });
    if (isInteractive) bar.stop();
    const c = report.counts;
    out.write(`${t(lang, 'knowledge:crawl.summary', { fetched: c.fetched ?? 0, unchanged: c.unchanged ?? 0, skipped: c.skipped ?? 0, failed: c.failed ?? 0, removed: c.removed ?? 0 })}\n`);
    out.write(`${JSON.stringify({ id: report.id, status: report.status, counts: report.counts, error: report.error }, null, 2)}\n`);
    for (const item of report.items) out.write(`${item.outcome}\t${item.reason}\t${item.url}\n`);
    return report;
  } finally {
    if (isInteractive) bar.stop();
  }
}
