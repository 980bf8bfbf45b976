import type { Command } from 'commander';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { runCrawlCli } from '../../server/modules/knowledge/index.ts';
import { TenantRegistry } from '../../server/modules/tenants/index.ts';

/** crawl <url>: crawl a council website into the index, with a progress bar and the report. */
export function registerKnowledgeCommands(program: Command): void {
  program
    .command('crawl')
    .argument('<url>', 'where to start (robots.txt and sitemaps of that site are read)')
    .option('--tenant <id>', 'the council the pages belong to (default: the one whose websites list the site)')
    .option('--max-pages <n>', 'stop after this many pages', (v) => Number.parseInt(v, 10))
    .description('Crawl a website into the Q&A index and print the crawl report')
    .action(async (url: string, opts: { tenant?: string; maxPages?: number }) => {
      const booted = await boot(loadConfig());
      try {
        const report = await runCrawlCli({ db: booted.db, tenants: new TenantRegistry(booted.tenants), url, tenantId: opts.tenant, maxPages: opts.maxPages });
        if (report.status === 'failed') process.exitCode = 1;
      } finally {
        await booted.db.close();
      }
    });
}
