/**
 * The only file with SQL for knowledge: pages, chunks, URL validators, crawl reports, FAQ entries and the
 * vocabulary used to correct typos. Every query filters by tenant.
 */
import type { Queryable } from '../../db/db.ts';
import type { Language } from '../../../shared/languages.ts';
import type { CrawlCounts, CrawlItem, KnownUrl } from './knowledge.crawler.ts';
import type { ExtractedChunk } from './knowledge.extractor.ts';

export interface PageRow {
  id: number;
  url: string;
  title: string;
  language: Language;
  alternates: Partial<Record<Language, string>>;
  contentHash: string;
}

export interface ChunkHit {
  chunkId: number;
  pageId: number;
  url: string;
  title: string;
  heading: string;
  body: string;
  language: Language;
  alternates: Partial<Record<Language, string>>;
  /** ts_rank of each query term group, in the order given. */
  termRanks: number[];
}

export interface FaqRow {
  id: number;
  question: Partial<Record<Language, string>>;
  answer: Partial<Record<Language, string>>;
  url: string | null;
  updatedAt: Date;
}

export interface FaqHit extends FaqRow {
  termRanks: number[];
}

export interface CrawlRow {
  id: number;
  startUrl: string;
  status: 'running' | 'done' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  counts: Partial<CrawlCounts> & { pagesIndexed?: number; chunksIndexed?: number };
  items: CrawlItem[];
  error: string | null;
}

/** One term group of a query: alternatives (a word and its translations) ORed in one tsquery. */
export interface TermGroup {
  /** tsquery text per language config, e.g. "padron | empadron". */
  byLanguage: Partial<Record<Language, string>>;
}

const WEIGHTS = '{0.1, 0.2, 0.5, 1.0}';

function parseJson<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  if (typeof v === 'string') return JSON.parse(v) as T;
  return v as T;
}

export class KnowledgeRepository {
  constructor(private readonly db: Queryable) {}

  // --- crawls ---------------------------------------------------------------------------------------

  async startCrawl(tenantId: string, startUrl: string): Promise<number> {
    const r = await this.db.query<{ id: number }>('INSERT INTO knowledge_crawls (tenant_id, start_url) VALUES ($1, $2) RETURNING id', [tenantId, startUrl]);
    const id = r.rows[0]?.id;
    if (id === undefined) throw new Error('crawl insert returned no id');
    return id;
  }

  async finishCrawl(tenantId: string, id: number, status: 'done' | 'failed', counts: object, items: CrawlItem[], error?: string): Promise<void> {
    await this.db.query(
      `UPDATE knowledge_crawls SET status = $3, finished_at = now(), counts = $4::jsonb, items = $5::jsonb, error = $6
       WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, status, JSON.stringify(counts), JSON.stringify(items), error ?? null],
    );
  }

  async listCrawls(tenantId: string, limit: number): Promise<CrawlRow[]> {
    const r = await this.db.query<Record<string, unknown>>(
      `SELECT id, start_url, status, started_at, finished_at, counts, '[]'::jsonb AS items, error FROM knowledge_crawls
       WHERE tenant_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
    return r.rows.map(toCrawl);
  }

  async getCrawl(tenantId: string, id: number): Promise<CrawlRow | undefined> {
    const r = await this.db.query<Record<string, unknown>>(
      'SELECT id, start_url, status, started_at, finished_at, counts, items, error FROM knowledge_crawls WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    const row = r.rows[0];
    return row ? toCrawl(row) : undefined;
  }

  // --- URLs and pages -------------------------------------------------------------------------------

  async knownUrls(tenantId: string, site: string): Promise<KnownUrl[]> {
    const r = await this.db.query<{ url: string; etag: string | null; last_modified: string | null; page_url: string | null }>(
      'SELECT url, etag, last_modified, page_url FROM knowledge_urls WHERE tenant_id = $1 AND site = $2 ORDER BY url',
      [tenantId, site],
    );
    return r.rows.map((x) => ({ url: x.url, etag: x.etag, lastModified: x.last_modified, pageUrl: x.page_url }));
  }

  async upsertUrl(tenantId: string, site: string, url: string, pageUrl: string | null, etag: string | null, lastModified: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO knowledge_urls (tenant_id, site, url, etag, last_modified, page_url) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, url) DO UPDATE SET site = EXCLUDED.site, etag = EXCLUDED.etag,
         last_modified = EXCLUDED.last_modified, page_url = EXCLUDED.page_url, checked_at = now()`,
      [tenantId, site, url, etag, lastModified, pageUrl],
    );
  }

  async touchUrl(tenantId: string, url: string): Promise<void> {
    await this.db.query('UPDATE knowledge_urls SET checked_at = now() WHERE tenant_id = $1 AND url = $2', [tenantId, url]);
  }

  /** Forgets a URL, and the page it fed when that page had this URL as its own. */
  async removeUrl(tenantId: string, url: string): Promise<void> {
    await this.db.query('DELETE FROM knowledge_urls WHERE tenant_id = $1 AND url = $2', [tenantId, url]);
    await this.db.query('DELETE FROM knowledge_pages WHERE tenant_id = $1 AND url = $2', [tenantId, url]);
    // Aliases of a page that no longer exists are fetched afresh next time.
    await this.db.query('UPDATE knowledge_urls SET page_url = NULL, etag = NULL, last_modified = NULL WHERE tenant_id = $1 AND page_url = $2', [tenantId, url]);
  }

  async pageByUrl(tenantId: string, url: string): Promise<PageRow | undefined> {
    const r = await this.db.query<Record<string, unknown>>(
      'SELECT id, url, title, language, alternates, content_hash FROM knowledge_pages WHERE tenant_id = $1 AND url = $2',
      [tenantId, url],
    );
    const row = r.rows[0];
    return row ? toPage(row) : undefined;
  }

  async pageUrlWithHash(tenantId: string, site: string, hash: string, exceptUrl: string): Promise<string | undefined> {
    const r = await this.db.query<{ url: string }>(
      'SELECT url FROM knowledge_pages WHERE tenant_id = $1 AND site = $2 AND content_hash = $3 AND url <> $4 LIMIT 1',
      [tenantId, site, hash, exceptUrl],
    );
    return r.rows[0]?.url;
  }

  /** Replaces a page and its chunks; returns the page id. Run inside a transaction. */
  async savePage(
    tenantId: string,
    p: { site: string; url: string; title: string; language: Language; contentType: string; alternates: object; contentHash: string; crawlId: number; chunks: (ExtractedChunk & { language: Language })[] },
  ): Promise<number> {
    const r = await this.db.query<{ id: number }>(
      `INSERT INTO knowledge_pages (tenant_id, site, url, title, language, content_type, alternates, content_hash, last_crawl_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
       ON CONFLICT (tenant_id, url) DO UPDATE SET site = EXCLUDED.site, title = EXCLUDED.title, language = EXCLUDED.language,
         content_type = EXCLUDED.content_type, alternates = EXCLUDED.alternates, content_hash = EXCLUDED.content_hash,
         last_crawl_id = EXCLUDED.last_crawl_id, fetched_at = now()
       RETURNING id`,
      [tenantId, p.site, p.url, p.title, p.language, p.contentType, JSON.stringify(p.alternates), p.contentHash, p.crawlId],
    );
    const pageId = r.rows[0]?.id;
    if (pageId === undefined) throw new Error('page upsert returned no id');
    await this.db.query('DELETE FROM knowledge_chunks WHERE tenant_id = $1 AND page_id = $2', [tenantId, pageId]);
    if (p.chunks.length > 0) {
      // One multi-row insert per page: unnest keeps it to four array parameters.
      await this.db.query(
        `INSERT INTO knowledge_chunks (tenant_id, page_id, ord, title, heading, body, language)
         SELECT $1, $2, t.ord, $3, t.heading, t.body, t.language
         FROM unnest($4::int[], $5::text[], $6::text[], $7::text[]) AS t(ord, heading, body, language)`,
        [tenantId, pageId, p.title, p.chunks.map((_, i) => i), p.chunks.map((c) => c.heading), p.chunks.map((c) => c.body), p.chunks.map((c) => c.language)],
      );
    }
    return pageId;
  }

  async addVocabulary(tenantId: string, list: readonly string[]): Promise<void> {
    if (list.length === 0) return;
    await this.db.query(
      'INSERT INTO knowledge_vocab (tenant_id, word) SELECT $1, w FROM unnest($2::text[]) AS w ON CONFLICT DO NOTHING',
      [tenantId, [...list]],
    );
  }

  /** The closest known word by trigram similarity (pg_trgm), or undefined when none is close enough. */
  async closestWord(tenantId: string, word: string, minSimilarity: number): Promise<string | undefined> {
    const r = await this.db.query<{ word: string; sim: number }>(
      `SELECT word, similarity(word, $2) AS sim FROM knowledge_vocab
       WHERE tenant_id = $1 AND word % $2 ORDER BY sim DESC, length(word) LIMIT 1`,
      [tenantId, word],
    );
    const hit = r.rows[0];
    return hit && Number(hit.sim) >= minSimilarity ? hit.word : undefined;
  }

  async isKnownWord(tenantId: string, word: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM knowledge_vocab WHERE tenant_id = $1 AND word = $2', [tenantId, word]);
    return r.rows.length > 0;
  }

  async stats(tenantId: string): Promise<{ pages: number; chunks: number; bytes: number }> {
    const r = await this.db.query<{ pages: number; chunks: number; bytes: number }>(
      `SELECT (SELECT count(*) FROM knowledge_pages WHERE tenant_id = $1)::int8 AS pages,
              (SELECT count(*) FROM knowledge_chunks WHERE tenant_id = $1)::int8 AS chunks,
              (pg_total_relation_size('knowledge_chunks') + pg_total_relation_size('knowledge_pages'))::int8 AS bytes`,
      [tenantId],
    );
    return r.rows[0] ?? { pages: 0, chunks: 0, bytes: 0 };
  }

  // --- search ---------------------------------------------------------------------------------------

  /**
   * Chunks matching any term group in any language, with the rank of each group separately so the caller
   * can weigh rare terms more (ts_rank has no IDF). Candidates are capped by the best overall rank.
   */
  async searchChunks(tenantId: string, groups: readonly TermGroup[], languages: readonly Language[], limit: number, selective?: readonly boolean[]): Promise<ChunkHit[]> {
    if (groups.length === 0 || languages.length === 0) return [];
    const params: unknown[] = [tenantId, limit];
    const langClauses: string[] = [];
    const rankCols: string[] = [];
    // For each language: the union query for the WHERE, and each group's query for its rank.
    const groupParamIdx: Record<string, number[]> = {};
    const unionParamIdx: Record<string, number> = {};
    for (const lang of languages) {
      // Inlined in SQL below, so only our three codes may pass.
      if (lang !== 'es' && lang !== 'ca' && lang !== 'en') continue;
      const parts = groups.filter((_, i) => !selective || selective[i]).map((g) => g.byLanguage[lang]).filter((q): q is string => !!q);
      if (parts.length === 0) continue;
      params.push(lang);
      const langIdx = params.length;
      params.push(parts.map((p) => `(${p})`).join(' | '));
      const unionIdx = params.length;
      unionParamIdx[lang] = unionIdx;
      langClauses.push(`(c.language = $${langIdx} AND c.tsv @@ to_tsquery('pg_catalog.simple', $${unionIdx}))`);
      groupParamIdx[lang] = groups.map((g) => {
        params.push(g.byLanguage[lang] ?? '');
        return params.length;
      });
    }
    if (langClauses.length === 0) return [];
    for (let gi = 0; gi < groups.length; gi++) {
      const cases = Object.entries(groupParamIdx)
        .map(([lang, idxs]) => `WHEN '${lang}' THEN ts_rank('${WEIGHTS}', c.tsv, to_tsquery('pg_catalog.simple', $${idxs[gi] ?? 0}))`)
        .join(' ');
      rankCols.push(`CASE c.language ${cases} ELSE 0 END`);
    }
    // Rank all matches by the union cheaply first; per-term ranks only for the few candidates kept.
    const sql = `
      WITH cand AS (
        SELECT c.id, ts_rank('${WEIGHTS}', c.tsv, to_tsquery('pg_catalog.simple', CASE c.language ${Object.entries(unionParamIdx)
          .map(([lang, i]) => `WHEN '${lang}' THEN $${i}`)
          .join(' ')} END)) AS r
        FROM knowledge_chunks c
        WHERE c.tenant_id = $1 AND (${langClauses.join(' OR ')})
        ORDER BY r DESC
        LIMIT $2
      )
      SELECT c.id AS chunk_id, c.page_id, p.url, c.title, c.heading, c.body, c.language, p.alternates,
             ARRAY[${rankCols.join(', ')}]::float4[] AS ranks
      FROM cand JOIN knowledge_chunks c ON c.id = cand.id JOIN knowledge_pages p ON p.id = c.page_id
      ORDER BY cand.r DESC`;
    const r = await this.db.query<Record<string, unknown>>(sql, params);
    return r.rows.map((row) => ({
      chunkId: Number(row.chunk_id),
      pageId: Number(row.page_id),
      url: String(row.url),
      title: String(row.title),
      heading: String(row.heading),
      body: String(row.body),
      language: row.language as Language,
      alternates: parseJson(row.alternates, {}),
      termRanks: parseFloatArray(row.ranks),
    }));
  }

  /** How many chunks contain each term group (document frequency), per language. */
  async documentFrequencies(tenantId: string, lang: Language, queries: readonly string[]): Promise<{ total: number; df: number[] }> {
    if (queries.length === 0) return { total: 0, df: [] };
    const cols = queries.map((_, i) => `(SELECT count(*) FROM knowledge_chunks WHERE tenant_id = $1 AND language = $2 AND tsv @@ to_tsquery('pg_catalog.simple', $${i + 3}))::int8`);
    const r = await this.db.query<{ total: number; df: unknown }>(
      `SELECT (SELECT count(*) FROM knowledge_chunks WHERE tenant_id = $1 AND language = $2)::int8 AS total, ARRAY[${cols.join(', ')}] AS df`,
      [tenantId, lang, ...queries],
    );
    const row = r.rows[0];
    return { total: Number(row?.total ?? 0), df: parseFloatArray(row?.df) };
  }

  async contentLanguages(tenantId: string): Promise<Language[]> {
    const r = await this.db.query<{ language: Language }>('SELECT DISTINCT language FROM knowledge_pages WHERE tenant_id = $1', [tenantId]);
    return r.rows.map((x) => x.language);
  }

  async chunksOfPage(tenantId: string, pageId: number): Promise<{ heading: string; body: string }[]> {
    const r = await this.db.query<{ heading: string; body: string }>(
      'SELECT heading, body FROM knowledge_chunks WHERE tenant_id = $1 AND page_id = $2 ORDER BY ord',
      [tenantId, pageId],
    );
    return r.rows;
  }

  /** Stems words with the language's configuration, in one query: [word, lexemes]. */
  async stemWords(lang: Language, list: readonly string[]): Promise<[string, string[]][]> {
    const r = await this.db.query<{ w: string; lexemes: unknown }>(
      'SELECT w, tsvector_to_array(to_tsvector(knowledge_ts_config($1), immutable_unaccent(w))) AS lexemes FROM unnest($2::text[]) AS w',
      [lang, [...list]],
    );
    return r.rows.map((row) => [row.w, Array.isArray(row.lexemes) ? row.lexemes.map(String) : parsePgTextArray(row.lexemes)]);
  }

  /** Stems text with the language's configuration (query terms are matched as these lexemes). */
  async lexemes(lang: Language, text: string): Promise<string[]> {
    const r = await this.db.query<{ lexemes: unknown }>(
      'SELECT tsvector_to_array(to_tsvector(knowledge_ts_config($1), immutable_unaccent($2))) AS lexemes',
      [lang, text],
    );
    const v = r.rows[0]?.lexemes;
    return Array.isArray(v) ? v.map(String) : parsePgTextArray(v);
  }

  // --- FAQ ------------------------------------------------------------------------------------------

  async searchFaqs(tenantId: string, groups: readonly TermGroup[], lang: Language): Promise<FaqHit[]> {
    const parts = groups.map((g) => g.byLanguage[lang]).filter((q): q is string => !!q);
    if (parts.length === 0) return [];
    const col = lang === 'es' ? 'tsv_es' : lang === 'ca' ? 'tsv_ca' : 'tsv_en';
    const params: unknown[] = [tenantId, lang, parts.map((p) => `(${p})`).join(' | ')];
    const ranks = groups.map((g) => {
      params.push(g.byLanguage[lang] ?? '');
      return `ts_rank('${WEIGHTS}', ${col}, to_tsquery('pg_catalog.simple', $${params.length}))`;
    });
    const r = await this.db.query<Record<string, unknown>>(
      `SELECT id, question, answer, url, updated_at, ARRAY[${ranks.join(', ')}]::float4[] AS ranks FROM knowledge_faqs
       WHERE tenant_id = $1 AND $2::text IS NOT NULL AND ${col} @@ to_tsquery('pg_catalog.simple', $3) LIMIT 20`,
      params,
    );
    return r.rows.map((row) => ({ ...toFaq(row), termRanks: parseFloatArray(row.ranks) }));
  }

  async listFaqs(tenantId: string): Promise<FaqRow[]> {
    const r = await this.db.query<Record<string, unknown>>('SELECT id, question, answer, url, updated_at FROM knowledge_faqs WHERE tenant_id = $1 ORDER BY id', [tenantId]);
    return r.rows.map(toFaq);
  }

  async getFaq(tenantId: string, id: number): Promise<FaqRow | undefined> {
    const r = await this.db.query<Record<string, unknown>>('SELECT id, question, answer, url, updated_at FROM knowledge_faqs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    const row = r.rows[0];
    return row ? toFaq(row) : undefined;
  }

  async createFaq(tenantId: string, f: { question: object; answer: object; url: string | null }): Promise<FaqRow> {
    const r = await this.db.query<Record<string, unknown>>(
      'INSERT INTO knowledge_faqs (tenant_id, question, answer, url) VALUES ($1, $2::jsonb, $3::jsonb, $4) RETURNING id, question, answer, url, updated_at',
      [tenantId, JSON.stringify(f.question), JSON.stringify(f.answer), f.url],
    );
    const row = r.rows[0];
    if (!row) throw new Error('faq insert returned no row');
    return toFaq(row);
  }

  async updateFaq(tenantId: string, id: number, f: { question: object; answer: object; url: string | null }): Promise<FaqRow | undefined> {
    const r = await this.db.query<Record<string, unknown>>(
      `UPDATE knowledge_faqs SET question = $3::jsonb, answer = $4::jsonb, url = $5, updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING id, question, answer, url, updated_at`,
      [tenantId, id, JSON.stringify(f.question), JSON.stringify(f.answer), f.url],
    );
    const row = r.rows[0];
    return row ? toFaq(row) : undefined;
  }

  async deleteFaq(tenantId: string, id: number): Promise<boolean> {
    const r = await this.db.query('DELETE FROM knowledge_faqs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return r.rowCount > 0;
  }
}

function parseFloatArray(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  return parsePgTextArray(v).map(Number);
}

function parsePgTextArray(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  const inner = v.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((s) => s.replace(/^"|"$/g, '')) : [];
}

function toPage(row: Record<string, unknown>): PageRow {
  return {
    id: Number(row.id),
    url: String(row.url),
    title: String(row.title),
    language: row.language as Language,
    alternates: parseJson(row.alternates, {}),
    contentHash: String(row.content_hash),
  };
}

function toFaq(row: Record<string, unknown>): FaqRow {
  return {
    id: Number(row.id),
    question: parseJson(row.question, {}),
    answer: parseJson(row.answer, {}),
    url: typeof row.url === 'string' ? row.url : null,
    updatedAt: row.updated_at as Date,
  };
}

function toCrawl(row: Record<string, unknown>): CrawlRow {
  return {
    id: Number(row.id),
    startUrl: String(row.start_url),
    status: row.status as CrawlRow['status'],
    startedAt: row.started_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
    counts: parseJson(row.counts, {}),
    items: parseJson(row.items, []),
    error: typeof row.error === 'string' ? row.error : null,
  };
}
