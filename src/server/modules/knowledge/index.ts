/** Knowledge: crawl council websites, index them, answer questions with sources; staff FAQ entries. */
import type { Db } from '../../db/db.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { knowledgeRoutes } from './knowledge.routes.ts';
import { AskService, KnowledgeService } from './knowledge.service.ts';
import type { Translator } from './knowledge.translator.ts';

/** The crawl/FAQ service and the question answering service (the assistant's `question` turns use `ask`). */
export { AskService, KnowledgeService, MIN_CONFIDENCE } from './knowledge.service.ts';
/** Query translation adapters: Apertium (default), none; and the built-in keyword map. */
export { ApertiumTranslator, noTranslator, keywordsToSpanish, type Translator } from './knowledge.translator.ts';
/** Response shapes of the knowledge API. */
export type { AskResponse, CrawlReport, Faq, FaqInput, Source } from './knowledge.schemas.ts';
/** The CLI's `crawl` command body (progress bar + report). */
export { runCrawlCli, type CrawlCliOptions } from './knowledge.cli.ts';
/** A small multilingual council website on loopback, for tests of other modules that need crawled content. */
export { startFixtureSite, type FixtureSite } from './fixtures/fixture-site.ts';

export interface KnowledgeModuleDeps {
  db: Db;
  tenants: TenantRegistry;
  translator?: Translator;
}

/** Builds the knowledge services and the routes plugin. */
export function createKnowledgeModule(deps: KnowledgeModuleDeps) {
  const service = new KnowledgeService(deps);
  const ask = new AskService(service, deps.tenants);
  return { service, ask, routes: knowledgeRoutes(service, ask, deps.tenants) };
}
