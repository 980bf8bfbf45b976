/**
 * A polite crawler for one council website: robots.txt (disallow, crawl-delay), sitemaps and sitemap indexes,
 * same-site links, conditional GET (ETag / Last-Modified) so unchanged pages cost no body, bounded
 * concurrency, canonical and content-hash de-duplication, and removal of pages that answer 404/410.
 * It never touches the database: what it finds goes to a `CrawlSink` (the service persists it).
 */
import { XMLParser } from 'fast-xml-parser';
import robotsParserImport from 'robots-parser';
import type { Language } from '../../../shared/languages.ts';
import { extractHtml, extractPdf, type ExtractedPage } from './knowledge.extractor.ts';

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
type RobotsParser = (url: string, robotstxt: string) => Robots;
// robots-parser is CommonJS: under NodeNext its typed default is the module object, at run time the function.
const robotsParser: RobotsParser = ((robotsParserImport as unknown as { default?: RobotsParser }).default ??
  (robotsParserImport as unknown as RobotsParser));

export const CRAWLER_USER_AGENT = 'VentanillaBot/0.1 (+https://github.com/ventanilla)';

/** What the previous crawls left for one URL: validators for conditional GET. */
export interface KnownUrl {
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** The page this URL feeds (itself, or the canonical page it duplicates); null for none. */
  pageUrl: string | null;
}

export interface CrawledPage extends ExtractedPage {
  /** The key of the page: the canonical URL when on-site, else the fetched URL. */
  url: string;
  contentType: 'html' | 'pdf';
}

export type CrawlOutcome = 'skipped' | 'failed' | 'removed';
export interface CrawlItem {
  url: string;
  outcome: CrawlOutcome;
  /** Stable reason code: robots, offsite, duplicate_canonical, duplicate_content, content_type, http_<status>, network, too_large, max_pages, parse. */
  reason: string;
}

export interface CrawlCounts {
  /** Pages downloaded whose content was new or changed (indexed again). */
  fetched: number;
  /** Pages answered 304, or downloaded with the same content as before. */
  unchanged: number;
  skipped: number;
  failed: number;
  /** Pages that disappeared (404/410, or now disallowed) and were dropped from the index. */
  removed: number;
  /** Page bodies actually downloaded (200 answers for pages; robots.txt and sitemaps not counted). */
  bodiesDownloaded: number;
  /** HTTP requests made, robots.txt and sitemaps included. */
  requests: number;
}

export interface CrawlResult {
  counts: CrawlCounts;
  items: CrawlItem[];
  /** True when max pages stopped the crawl early: then unseen known pages are not dropped. */
  isTruncated: boolean;
  crawlDelayMs: number;
}

/** Where the crawler hands its findings; the service persists them. */
export interface CrawlSink {
  /** A new or changed page (or an unchanged page re-downloaded because the server ignores validators). */
  page(page: CrawledPage, fetched: { url: string; etag: string | null; lastModified: string | null }): Promise<'indexed' | 'unchanged'>;
  /** A URL whose body was a duplicate of `pageUrl` (canonical or same content): remember its validators. */
  alias(url: string, pageUrl: string, etag: string | null, lastModified: string | null): Promise<void>;
  /** A URL answered 304: nothing changed. */
  unchanged(url: string): Promise<void>;
  /** A URL that is gone (or now disallowed): forget it and the page it fed when it was its own page. */
  gone(url: string): Promise<void>;
  /** The content hash of an indexed page of this site other than `url`, if one has it. */
  pageWithHash(hash: string, url: string): Promise<string | undefined>;
}

export interface CrawlOptions {
  startUrl: string;
  maxPages: number;
  /** Parallel requests to the host when robots.txt sets no crawl-delay. */
  concurrency?: number;
  /** Upper bound on the crawl-delay we honour, in ms (a site asking for 60 s would never finish). */
  maxCrawlDelayMs?: number;
  /** Per request, in ms. */
  timeoutMs?: number;
  /** Bodies larger than this are skipped, in bytes. */
  maxBodyBytes?: number;
  /** Previous state of this site, to send validators and to detect removals. */
  known: readonly KnownUrl[];
  fallbackLanguage?: Language;
  onProgress?: (done: number, total: number, url: string) => void;
  fetchImpl?: typeof fetch;
}

interface Sitemapish {
  urlset?: { url?: { loc?: unknown }[] };
  sitemapindex?: { sitemap?: { loc?: unknown }[] };
}

const xml = new XMLParser({ ignoreAttributes: true, isArray: (name) => name === 'url' || name === 'sitemap' });

/** Drops the fragment; the rest of the URL (query included) identifies a page. */
export function normalizeUrl(raw: string, base?: string): string | undefined {
  try {
    const u = new URL(raw, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u.toString();
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function crawlSite(opts: CrawlOptions, sink: CrawlSink): Promise<CrawlResult> {
  const doFetch = opts.fetchImpl ?? fetch;
  const start = normalizeUrl(opts.startUrl);
  if (!start) throw new Error(`not an http(s) URL: ${opts.startUrl}`);
  const origin = new URL(start).origin;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBody = opts.maxBodyBytes ?? 20 * 1024 * 1024;
  const counts: CrawlCounts = { fetched: 0, unchanged: 0, skipped: 0, failed: 0, removed: 0, bodiesDownloaded: 0, requests: 0 };
  const items: CrawlItem[] = [];
  const note = (url: string, outcome: CrawlOutcome, reason: string) => {
    items.push({ url, outcome, reason });
    counts[outcome] += 1;
  };
  const isOnSite = (url: string) => new URL(url).origin === origin;

  // Politeness: one gate for the host; each request waits until `nextSlot`.
  let nextSlot = 0;
  let crawlDelayMs = 0;
  let active = 0;
  const politeFetch = async (url: string, headers: Record<string, string> = {}) => {
    if (crawlDelayMs > 0) {
      const now = Date.now();
      const at = Math.max(now, nextSlot);
      nextSlot = at + crawlDelayMs;
      if (at > now) await sleep(at - now);
    }
    counts.requests += 1;
    try {
      return await doFetch(url, { headers: { 'user-agent': CRAWLER_USER_AGENT, ...headers }, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    } finally {
      // The delay counts from the answer, so a slow response never lets the next request arrive early.
      if (crawlDelayMs > 0) nextSlot = Math.max(nextSlot, Date.now() + crawlDelayMs);
    }
  };

  // robots.txt: a missing file allows everything; a server error means "come back later" (RFC 9309), so we stop.
  let robotsText = '';
  try {
    const res = await politeFetch(`${origin}/robots.txt`);
    if (res.ok) robotsText = await res.text();
    else if (res.status >= 500) throw new Error(`robots.txt answered ${res.status}`);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('robots.txt')) throw err;
    robotsText = '';
  }
  const robots = robotsParser(`${origin}/robots.txt`, robotsText);
  const isAllowed = (url: string) => robots.isAllowed(url, CRAWLER_USER_AGENT) !== false;
  const delaySeconds = robots.getCrawlDelay(CRAWLER_USER_AGENT) ?? 0;
  crawlDelayMs = Math.min(Math.max(0, delaySeconds * 1000), opts.maxCrawlDelayMs ?? 10_000);
  nextSlot = Date.now() + crawlDelayMs;
  // With a crawl-delay the host asked for one request at a time.
  const concurrency = crawlDelayMs > 0 ? 1 : Math.max(1, opts.concurrency ?? 4);

  const frontier: string[] = [];
  const seen = new Set<string>();
  const enqueue = (url: string | undefined) => {
    if (!url || seen.has(url)) return;
    seen.add(url);
    frontier.push(url);
  };
  enqueue(start);

  // Sitemaps named by robots.txt, else the conventional one; indexes are followed two levels deep.
  const sitemapQueue = robots.getSitemaps().map((s) => normalizeUrl(s)).filter((s): s is string => !!s && isOnSite(s));
  if (sitemapQueue.length === 0) sitemapQueue.push(`${origin}/sitemap.xml`);
  const sitemapSeen = new Set<string>();
  for (let i = 0; i < sitemapQueue.length && sitemapSeen.size < 50; i++) {
    const sm = sitemapQueue[i];
    if (!sm || sitemapSeen.has(sm)) continue;
    sitemapSeen.add(sm);
    try {
      const res = await politeFetch(sm);
      if (!res.ok) continue;
      const doc = xml.parse(await res.text()) as Sitemapish;
      for (const entry of doc.sitemapindex?.sitemap ?? []) {
        const loc = normalizeUrl((typeof entry.loc === 'string' ? entry.loc : '').trim());
        if (loc && isOnSite(loc)) sitemapQueue.push(loc);
      }
      for (const entry of doc.urlset?.url ?? []) {
        const loc = normalizeUrl((typeof entry.loc === 'string' ? entry.loc : '').trim());
        if (loc && isOnSite(loc)) enqueue(loc);
      }
    } catch {
      // A broken sitemap only loses its hints; links and known pages still lead the crawl.
    }
  }
  const knownByUrl = new Map(opts.known.map((k) => [k.url, k]));
  for (const k of opts.known) enqueue(k.url);

  const indexedThisCrawl = new Set<string>();
  let attempted = 0;
  let done = 0;
  let isTruncated = false;

  const processOne = async (url: string): Promise<void> => {
    if (!isOnSite(url)) return note(url, 'skipped', 'offsite');
    if (!isAllowed(url)) {
      if (knownByUrl.has(url)) {
        await sink.gone(url);
        return note(url, 'removed', 'robots');
      }
      return note(url, 'skipped', 'robots');
    }
    const known = knownByUrl.get(url);
    const headers: Record<string, string> = {};
    if (known?.etag) headers['if-none-match'] = known.etag;
    if (known?.lastModified) headers['if-modified-since'] = known.lastModified;
    let res: Response;
    try {
      res = await politeFetch(url, headers);
    } catch (err) {
      return note(url, 'failed', err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network');
    }
    if (res.status === 304) {
      await res.body?.cancel();
      await sink.unchanged(url);
      counts.unchanged += 1;
      return;
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      if (known) {
        await sink.gone(url);
        return note(url, 'removed', `http_${res.status}`);
      }
      return note(url, 'failed', `http_${res.status}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      return note(url, 'failed', `http_${res.status}`);
    }
    const finalUrl = normalizeUrl(res.url || url) ?? url;
    if (!isOnSite(finalUrl)) {
      await res.body?.cancel();
      return note(url, 'skipped', 'offsite');
    }
    const type = (res.headers.get('content-type') ?? '').toLowerCase();
    const kind = type.includes('pdf') || /\.pdf$/i.test(new URL(finalUrl).pathname) ? 'pdf' : type.includes('html') || type === '' ? 'html' : undefined;
    if (!kind) {
      await res.body?.cancel();
      return note(url, 'skipped', 'content_type');
    }
    const length = Number(res.headers.get('content-length') ?? '0');
    if (length > maxBody) {
      await res.body?.cancel();
      return note(url, 'skipped', 'too_large');
    }
    const body = new Uint8Array(await res.arrayBuffer());
    counts.bodiesDownloaded += 1;
    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    let page: ExtractedPage;
    try {
      page = kind === 'pdf' ? await extractPdf(body, finalUrl, opts.fallbackLanguage) : extractHtml(new TextDecoder().decode(body), finalUrl, opts.fallbackLanguage);
    } catch {
      return note(url, 'failed', 'parse');
    }
    for (const link of page.links) {
      if (isOnSite(link)) enqueue(link);
    }
    for (const alt of Object.values(page.alternates)) if (alt && isOnSite(alt)) enqueue(alt);
    // The canonical URL names the page; another URL declaring it is a duplicate.
    const key = page.canonical && isOnSite(page.canonical) ? page.canonical : finalUrl;
    if (key !== url) {
      seen.add(key);
      if (indexedThisCrawl.has(key)) {
        await sink.alias(url, key, etag, lastModified);
        return note(url, 'skipped', 'duplicate_canonical');
      }
    }
    const twin = await sink.pageWithHash(page.contentHash, key);
    if (twin && twin !== key) {
      await sink.alias(url, twin, etag, lastModified);
      return note(url, 'skipped', 'duplicate_content');
    }
    if (page.chunks.length === 0) {
      return note(url, 'skipped', 'empty');
    }
    indexedThisCrawl.add(key);
    const outcome = await sink.page({ ...page, url: key, contentType: kind }, { url, etag, lastModified });
    if (outcome === 'indexed') counts.fetched += 1;
    else counts.unchanged += 1;
  };

  // A small pool of workers over a growing frontier.
  let cursor = 0;
  const worker = async () => {
    for (;;) {
      if (cursor >= frontier.length) {
        // Others may still add links; wait for them to settle, then stop when nothing comes.
        if (active === 0) return;
        await sleep(5);
        continue;
      }
      const url = frontier[cursor++];
      if (url === undefined) continue;
      if (attempted >= opts.maxPages) {
        isTruncated = true;
        continue;
      }
      attempted += 1;
      active += 1;
      try {
        await processOne(url);
      } catch {
        note(url, 'failed', 'internal');
      } finally {
        active -= 1;
        done += 1;
        opts.onProgress?.(done, Math.min(frontier.length, opts.maxPages), url);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return { counts, items, isTruncated, crawlDelayMs };
}
