/**
 * Knowledge behaviour: crawling council websites into the index (with a stored report per run), scheduled
 * recrawls, staff FAQ entries, and answering citizens' questions with sources (AskService).
 * Never imports Fastify: the assistant, the kiosk, the CLI and jobs call these classes directly.
 */
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { isHttpUrl } from '../../../shared/http-url.ts';
import type { Language } from '../../../shared/languages.ts';
import { audit, type AuditActor } from '../identity/index.ts';
import type { TenantProfile, TenantRegistry } from '../tenants/index.ts';
import { tenantLanguage } from '../tenants/index.ts';
import { answerHints, snippetOf, summarize } from './knowledge.answerer.ts';
import { crawlSite, normalizeUrl, type CrawlCounts, type CrawlSink } from './knowledge.crawler.ts';
import { KnowledgeIndex, type PageResult, type QueryTerm } from './knowledge.index.ts';
import { KnowledgeRepository, type CrawlRow, type FaqRow } from './knowledge.repository.ts';
import type { AskResponse, CrawlReport, Faq, FaqInput, Source } from './knowledge.schemas.ts';
import { detectLanguage, fold, words } from './knowledge.text.ts';
import { ApertiumTranslator, type Translator } from './knowledge.translator.ts';

export interface KnowledgeDeps {
  db: Db;
  tenants: TenantRegistry;
  /** Query translation; Apertium by default (degrades to the keyword map when it is not installed). */
  translator?: Translator;
}

export interface CrawlRunOptions {
  maxPages?: number;
  concurrency?: number;
  maxCrawlDelayMs?: number;
  onProgress?: (done: number, total: number, url: string) => void;
}

/** Below this coverage we say we do not know (tuned on the Zaragoza evaluation and off-topic questions). */
export const MIN_CONFIDENCE = 0.45;
/** An FAQ entry answers when it covers this share of the question's words. */
const MIN_FAQ_COVERAGE = 0.6;

function toReport(row: CrawlRow): CrawlReport {
  return {
    id: row.id,
    startUrl: row.startUrl,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
    counts: row.counts,
    items: row.items,
    error: row.error,
  };
}

function toFaq(row: FaqRow): Faq {
  return { id: row.id, question: row.question, answer: row.answer, url: row.url, updatedAt: row.updatedAt.toISOString() };
}

/** Vocabulary for typo correction: distinct folded words of 4..30 letters. */
function vocabularyOf(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) for (const w of words(text)) if (w.length >= 4 && w.length <= 30 && !/\d/.test(w)) out.add(w);
  return [...out];
}

export class KnowledgeService {
  readonly repo: KnowledgeRepository;
  readonly index: KnowledgeIndex;
  /** Languages of the indexed pages, per tenant; dropped after each crawl. */
  private readonly languageCache = new Map<string, Language[]>();
  /** Sites being crawled now, per tenant: a second crawl of the same site waits its turn by refusing. */
  private readonly running = new Set<string>();

  constructor(private readonly deps: KnowledgeDeps) {
    this.repo = new KnowledgeRepository(deps.db);
    this.index = new KnowledgeIndex(this.repo, deps.translator ?? new ApertiumTranslator());
  }

  /** Crawls one site for a council and stores the report; returns it. */
  async crawl(tenantId: string, url: string, opts: CrawlRunOptions = {}): Promise<CrawlReport> {
    const tenant = this.deps.tenants.get(tenantId);
    const start = normalizeUrl(url);
    if (!start) throw new AppError('knowledge.invalid_url', { params: { url } });
    const site = new URL(start).origin;
    const lockKey = `${tenantId}\u0000${site}`;
    if (this.running.has(lockKey)) throw new AppError('knowledge.crawl_running');
    this.running.add(lockKey);
    const crawlId = await this.repo.startCrawl(tenantId, start);
    let pagesIndexed = 0;
    let chunksIndexed = 0;
    const db = this.deps.db;
    const repo = this.repo;
    const sink: CrawlSink = {
      async page(page, fetched) {
        const existing = await repo.pageByUrl(tenantId, page.url);
        if (existing && existing.contentHash === page.contentHash) {
          await repo.upsertUrl(tenantId, site, fetched.url, page.url, fetched.etag, fetched.lastModified);
          return 'unchanged';
        }
        const chunks = page.chunks.map((c) => ({ ...c, language: page.language }));
        await db.transaction(async (tx) => {
          const r = new KnowledgeRepository(tx);
          await r.savePage(tenantId, { site, url: page.url, title: page.title, language: page.language, contentType: page.contentType, alternates: page.alternates, contentHash: page.contentHash, crawlId, chunks });
          await r.upsertUrl(tenantId, site, fetched.url, page.url, fetched.etag, fetched.lastModified);
          if (fetched.url !== page.url) await r.upsertUrl(tenantId, site, page.url, page.url, null, null);
          await r.addVocabulary(tenantId, vocabularyOf([page.title, ...page.chunks.map((c) => `${c.heading} ${c.body}`)]));
        });
        pagesIndexed += 1;
        chunksIndexed += chunks.length;
        return 'indexed';
      },
      alias: (aliasUrl, pageUrl, etag, lastModified) => repo.upsertUrl(tenantId, site, aliasUrl, pageUrl, etag, lastModified),
      unchanged: (u) => repo.touchUrl(tenantId, u),
      gone: (u) => repo.removeUrl(tenantId, u),
      pageWithHash: (hash, exceptUrl) => repo.pageUrlWithHash(tenantId, site, hash, exceptUrl),
    };
    try {
      const known = await this.repo.knownUrls(tenantId, site);
      const website = tenant.websites.find((w) => normalizeUrl(w.url) !== undefined && new URL(w.url).origin === site);
      const result = await crawlSite(
        {
          startUrl: start,
          maxPages: opts.maxPages ?? website?.maxPages ?? 2000,
          known,
          fallbackLanguage: tenant.defaultLanguage,
          ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
          ...(opts.maxCrawlDelayMs === undefined ? {} : { maxCrawlDelayMs: opts.maxCrawlDelayMs }),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        },
        sink,
      );
      const counts: CrawlCounts & { pagesIndexed: number; chunksIndexed: number } = { ...result.counts, pagesIndexed, chunksIndexed };
      await this.repo.finishCrawl(tenantId, crawlId, 'done', counts, result.items);
    } catch (err) {
      await this.repo.finishCrawl(tenantId, crawlId, 'failed', { pagesIndexed, chunksIndexed }, [], err instanceof Error ? err.message : String(err));
    } finally {
      this.running.delete(lockKey);
      this.index.invalidate(tenantId);
      this.languageCache.delete(tenantId);
    }
    return this.getCrawl(tenantId, crawlId);
  }

  /** The languages the council's indexed pages are written in. */
  async contentLanguages(tenantId: string): Promise<Language[]> {
    const hit = this.languageCache.get(tenantId);
    if (hit) return hit;
    const langs = await this.repo.contentLanguages(tenantId);
    this.languageCache.set(tenantId, langs);
    return langs;
  }

  async listCrawls(tenantId: string, limit = 50): Promise<CrawlReport[]> {
    return (await this.repo.listCrawls(tenantId, limit)).map(toReport);
  }

  async getCrawl(tenantId: string, id: number): Promise<CrawlReport> {
    const row = await this.repo.getCrawl(tenantId, id);
    if (!row) throw new AppError('knowledge.crawl_not_found');
    return toReport(row);
  }

  /**
   * Recrawls every website of each council every `recrawlHours` (0 = off). Timers are unref'd so they never
   * keep the process alive; `stop()` clears them. A run that is still going when the next is due is skipped.
   */
  scheduleRecrawls(tenants: readonly TenantProfile[], onError: (err: unknown) => void = () => undefined): { stop(): void; count: number } {
    const timers: NodeJS.Timeout[] = [];
    for (const tenant of tenants) {
      for (const site of tenant.websites) {
        if (site.recrawlHours <= 0) continue;
        const timer = setInterval(() => {
          this.crawl(tenant.id, site.url, { maxPages: site.maxPages }).catch(onError);
        }, site.recrawlHours * 3_600_000);
        timer.unref();
        timers.push(timer);
      }
    }
    return {
      count: timers.length,
      stop: () => {
        for (const timer of timers) clearInterval(timer);
        timers.length = 0;
      },
    };
  }

  // --- FAQ (staff only: the identity module's role guard protects the routes) ---------------------------

  async listFaqs(tenantId: string): Promise<Faq[]> {
    return (await this.repo.listFaqs(tenantId)).map(toFaq);
  }

  /** Adds an FAQ entry; the audit row commits with it. */
  async createFaq(tenantId: string, input: FaqInput, by: AuditActor): Promise<Faq> {
    this.deps.tenants.get(tenantId);
    return this.deps.db.transaction(async (tx) => {
      const row = await new KnowledgeRepository(tx).createFaq(tenantId, { question: input.question, answer: input.answer, url: input.url ?? null });
      await audit(tx, by, { action: 'knowledge.faq_created', subjectType: 'faq', subjectId: String(row.id) });
      return toFaq(row);
    });
  }

  /** Replaces an FAQ entry; the audit row commits with it. */
  async updateFaq(tenantId: string, id: number, input: FaqInput, by: AuditActor): Promise<Faq> {
    return this.deps.db.transaction(async (tx) => {
      const row = await new KnowledgeRepository(tx).updateFaq(tenantId, id, { question: input.question, answer: input.answer, url: input.url ?? null });
      if (!row) throw new AppError('knowledge.faq_not_found');
      await audit(tx, by, { action: 'knowledge.faq_updated', subjectType: 'faq', subjectId: String(row.id) });
      return toFaq(row);
    });
  }

  /** Deletes an FAQ entry; the audit row commits with it. */
  async deleteFaq(tenantId: string, id: number, by: AuditActor): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      if (!(await new KnowledgeRepository(tx).deleteFaq(tenantId, id))) throw new AppError('knowledge.faq_not_found');
      await audit(tx, by, { action: 'knowledge.faq_deleted', subjectType: 'faq', subjectId: String(id) });
    });
  }

  /**
   * Recrawls one of the council's websites (its index in the profile) now. The request is audited at once; the
   * crawl takes minutes and runs in the background, its report recording how it went (`onError` for a crash).
   */
  async requestRecrawl(tenantId: string, siteIndex: number, by: AuditActor, onError: (err: unknown) => void): Promise<void> {
    const site = this.deps.tenants.get(tenantId).websites[siteIndex];
    if (!site) throw new AppError('common.not_found');
    await audit(this.deps.db, by, { action: 'knowledge.recrawl_requested', subjectType: 'website', subjectId: site.url });
    void this.crawl(tenantId, site.url, { maxPages: site.maxPages }).catch(onError);
  }
}

export interface AskInput {
  question: string;
  lang?: Language | undefined;
  tenantId: string;
}

/** Answers citizens' questions from staff FAQ entries first, then from the crawled pages, always with sources. */
export class AskService {
  constructor(
    private readonly knowledge: KnowledgeService,
    private readonly tenants: TenantRegistry,
  ) {}

  async ask(input: AskInput): Promise<AskResponse> {
    const tenant = this.tenants.get(input.tenantId);
    const question = input.question.trim();
    if (!question) throw new AppError('knowledge.empty_question');
    const { answerLang, analyzed, pages } = await this.rank(tenant, question, input.lang, 5);
    const faq = await this.matchFaq(tenant, analyzed.terms.filter((x) => x.language === answerLang), answerLang);
    if (faq) {
      const text = faq.answer[answerLang] ?? faq.answer[tenant.defaultLanguage] ?? faq.answer.es ?? faq.answer.ca ?? faq.answer.en ?? '';
      const sources: Source[] = [];
      // An FAQ stored before links were limited to http(s) (LOW-5) must not reach the council websites as a link.
      if (faq.url && isHttpUrl(faq.url)) sources.push({ url: faq.url, title: faq.question[answerLang] ?? t(answerLang, 'knowledge:answer.faqSource'), snippet: text.slice(0, 200) });
      for (const p of pages.filter((x) => x.coverage >= MIN_CONFIDENCE)) {
        if (sources.length >= 3) break;
        if (!sources.some((s) => s.url === p.url)) sources.push(await this.sourceOf(tenant.id, p, answerLang, analyzed.terms));
      }
      if (sources.length === 0) sources.push({ url: tenant.contact.web ?? '', title: t(answerLang, 'knowledge:answer.faqSource'), snippet: text.slice(0, 200) });
      return { answer: text, language: answerLang, confidence: round(faq.coverage), sources, handoffSuggested: false, faqId: faq.id };
    }

    const top = pages[0];
    if (!top || top.coverage < MIN_CONFIDENCE) {
      const related = pages.filter((p) => p.coverage >= 0.25).slice(0, 3);
      const sources = await Promise.all(related.map((p) => this.sourceOf(tenant.id, p, answerLang, analyzed.terms)));
      const parts = [t(answerLang, 'knowledge:answer.dontKnow'), t(answerLang, 'knowledge:answer.handoff')];
      return { answer: parts.join(' '), language: answerLang, confidence: round(top?.coverage ?? 0), sources, handoffSuggested: true };
    }

    // Answer from the page in the citizen's language when the site has it (hreflang), else from the page as is.
    let page = { id: top.pageId, url: top.url, title: top.title, language: top.language };
    const altUrl = top.language !== answerLang ? top.alternates[answerLang] : undefined;
    if (altUrl) {
      const alt = await this.knowledge.repo.pageByUrl(tenant.id, altUrl);
      if (alt) page = { id: alt.id, url: alt.url, title: alt.title, language: alt.language };
    }
    const sections = await this.knowledge.repo.chunksOfPage(tenant.id, page.id);
    const pageTerms = analyzed.terms.filter((x) => x.language === page.language);
    const summary = summarize(sections, pageTerms, 3, answerHints(question));
    const note = page.language !== answerLang ? t(answerLang, 'knowledge:answer.otherLanguage', { language: t(answerLang, `knowledge:language.${page.language}`) }) : undefined;
    const lead = `${page.title}.`;
    const body = summary.sentences.join(' ');
    const answer = fold(body).startsWith(fold(page.title)) ? body : `${lead} ${body}`;

    const sources: Source[] = [];
    const threshold = top.score * 0.5;
    for (const p of pages) {
      if (sources.length >= 3) break;
      if (p !== top && (p.score < threshold || p.coverage < MIN_CONFIDENCE)) continue;
      const src = p === top ? { url: page.url, title: page.title, snippet: snippetOf(sections.map((s) => s.body).join('\n'), pageTerms) } : await this.sourceOf(tenant.id, p, answerLang, analyzed.terms);
      if (!sources.some((s) => s.url === src.url)) sources.push(src);
    }
    return {
      answer: note ? `${note} ${answer}` : answer,
      language: page.language,
      confidence: round(top.coverage),
      sources,
      handoffSuggested: false,
      ...(note ? { note } : {}),
    };
  }

  /** The crawled pages ranked for a question, best first (the evaluation measures this ranking). */
  async rankPages(input: AskInput, limit = 10): Promise<PageResult[]> {
    return (await this.rank(this.tenants.get(input.tenantId), input.question.trim(), input.lang, limit)).pages;
  }

  private async rank(tenant: TenantProfile, question: string, lang: Language | undefined, limit: number) {
    // The words decide which stemmer reads them; the wish (UI language) decides the answer's language.
    const queryLang = detectLanguage(question) ?? lang ?? tenant.defaultLanguage;
    const answerLang = tenantLanguage(tenant, lang ?? queryLang);
    const contentLangs = await this.knowledge.contentLanguages(tenant.id);
    // Translation costs a process start (~0.5 s): only when the question's language has no pages of its own.
    const searchLangs = contentLangs.includes(queryLang) ? [queryLang] : contentLangs;
    const targets = [...new Set<Language>([answerLang, ...searchLangs])];
    const analyzed = await this.knowledge.index.analyze(tenant.id, question, queryLang, targets);
    const pages = await this.knowledge.index.search(tenant.id, { ...analyzed, terms: analyzed.terms.filter((x) => contentLangs.includes(x.language)) }, limit);
    return { answerLang, analyzed, pages };
  }

  private async matchFaq(tenant: TenantProfile, terms: readonly QueryTerm[], lang: Language): Promise<(FaqRow & { coverage: number }) | undefined> {
    if (terms.length === 0) return undefined;
    const groups = terms.map((x) => ({ byLanguage: { [lang]: x.lexemes.join(' | ') } }));
    const hits = await this.knowledge.repo.searchFaqs(tenant.id, groups, lang);
    let best: (FaqRow & { coverage: number }) | undefined;
    for (const h of hits) {
      // Words of the staff's question count fully; words only in the answer half.
      const covered = h.termRanks.reduce((s, r) => s + (r >= 0.55 ? 1 : r > 0 ? 0.5 : 0), 0);
      const coverage = covered / terms.length;
      if (coverage >= MIN_FAQ_COVERAGE && (!best || coverage > best.coverage)) best = { ...h, coverage };
    }
    return best;
  }

  private async sourceOf(tenantId: string, p: PageResult, answerLang: Language, terms: readonly QueryTerm[]): Promise<Source> {
    const altUrl = p.language !== answerLang ? p.alternates[answerLang] : undefined;
    if (altUrl) {
      const alt = await this.knowledge.repo.pageByUrl(tenantId, altUrl);
      if (alt) {
        const sections = await this.knowledge.repo.chunksOfPage(tenantId, alt.id);
        return { url: alt.url, title: alt.title, snippet: snippetOf(sections.map((s) => s.body).join('\n'), terms.filter((x) => x.language === alt.language)) };
      }
    }
    const best = p.chunks[0];
    return { url: p.url, title: p.title, snippet: best ? snippetOf(best.body, terms.filter((x) => x.language === p.language)) : '' };
  }

}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
