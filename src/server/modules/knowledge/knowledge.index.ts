/**
 * Search over the crawled chunks with PostgreSQL full-text search (spanish/catalan/english stemmers over
 * unaccented text, identical in PGlite and PostgreSQL), re-ranked here with inverse document frequency
 * (ts_rank has none), page-level aggregation, pg_trgm typo correction, and query translation so a
 * Valencian or English question finds Spanish pages.
 */
import type { Language } from '../../../shared/languages.ts';
import type { ChunkHit, KnowledgeRepository, TermGroup } from './knowledge.repository.ts';
import { fold, QUESTION_NOISE } from './knowledge.text.ts';
import { keywordGroupsToSpanish, spanishSynonyms, type Translator } from './knowledge.translator.ts';

/** A query term in one language: its alternatives (stems of the word, its typo fix, its translation). */
export interface QueryTerm {
  language: Language;
  /** Stemmed lexemes (tsquery-safe: a-z0-9 only). */
  lexemes: string[];
  /** How much this term says: smoothed IDF over the chunks of its language. */
  idf: number;
  /** True when the word does not appear in the index at all (counts against confidence). */
  isUnknown: boolean;
  /** True when the word is in so many chunks that it only ranks, never selects candidates. */
  isCommon?: boolean;
}

export interface AnalyzedQuery {
  userLanguage: Language;
  terms: QueryTerm[];
}

export interface PageResult {
  pageId: number;
  url: string;
  title: string;
  language: Language;
  alternates: Partial<Record<Language, string>>;
  score: number;
  /** Share of the query's information (IDF-weighted) this page covers, 0..1. */
  coverage: number;
  /** The best matching chunks of the page, best first. */
  chunks: ChunkHit[];
  /** Per query term, how strongly the page matches it (0..1). */
  termStrength: number[];
}

/** One rank of ts_rank('{0.1,0.2,0.5,1.0}') for a single term: title (A) ~0.61, heading (B) ~0.30, body (D) ~0.06+. */
function strength(rank: number): number {
  if (rank >= 0.55) return 1;
  if (rank >= 0.28) return 0.6;
  if (rank > 0) return Math.min(0.45, 0.3 + rank);
  return 0;
}

/** A term found in more than this share of the chunks only ranks candidates, it does not select them. */
const COMMON_SHARE = 0.08;

/** Keeps tsquery input to plain lexemes. */
const SAFE_LEXEME = /^[a-z0-9]+$/;

export interface SearchOptions {
  /** Candidate chunks fetched from the database before re-ranking. */
  candidates?: number;
}

export class KnowledgeIndex {
  /** Document frequencies per tenant+language+lexeme, dropped when the tenant's index changes. */
  private readonly dfCache = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly stemCache = new Map<string, string>();

  constructor(
    private readonly repo: KnowledgeRepository,
    private readonly translator: Translator,
  ) {}

  /** Forget cached statistics after a crawl or an FAQ change. */
  invalidate(tenantId: string): void {
    for (const key of [...this.dfCache.keys()]) if (key.startsWith(`${tenantId}\u0000`)) this.dfCache.delete(key);
    for (const key of [...this.totals.keys()]) if (key.startsWith(`${tenantId}\u0000`)) this.totals.delete(key);
  }

  /**
   * Turns a question into weighted terms in each target language: the question itself in its language,
   * a translation (Apertium) into the others, Spanish keywords from the built-in map, typo fixes.
   */
  async analyze(tenantId: string, question: string, userLanguage: Language, targets: readonly Language[]): Promise<AnalyzedQuery> {
    const terms: QueryTerm[] = [];
    // Translations run in parallel: each is a process start, slow on a busy machine.
    const translations = new Map(
      await Promise.all(targets.map(async (lang) => [lang, lang === userLanguage ? question : await this.translator.translate(question, userLanguage, lang)] as const)),
    );
    for (const lang of targets) {
      // Each group is one idea of the question: a word and its synonyms, or a map entry's Spanish words (ORed).
      const groups: { words: string[]; isGuess: boolean }[] = [];
      const addWords = (text: string, noise: ReadonlySet<string>, isGuess: boolean) => {
        for (const w of fold(text).split(/[^a-z0-9]+/)) {
          if (w.length < 2 || noise.has(w)) continue;
          groups.push({ words: lang === 'es' ? [w, ...spanishSynonyms(w)] : [w], isGuess });
        }
      };
      if (lang === userLanguage) {
        addWords(question, QUESTION_NOISE[lang], false);
      } else {
        const translated = translations.get(lang);
        const keywords = lang === 'es' ? keywordGroupsToSpanish(question, userLanguage) : [];
        if (translated === undefined && keywords.length === 0) continue;
        if (translated) addWords(translated, QUESTION_NOISE[lang], false);
        for (const k of keywords) groups.push({ words: k, isGuess: true });
        // Names and borrowed words ("vado", "IBI", "padrón") cross languages untranslated: keep those the index knows.
        const own = QUESTION_NOISE[userLanguage];
        for (const w of fold(question).split(/[^a-z0-9]+/)) {
          if (w.length >= 3 && !own.has(w) && (await this.repo.isKnownWord(tenantId, w))) groups.push({ words: [w], isGuess: true });
        }
      }
      const seen = new Set<string>();
      const total = await this.total(tenantId, lang);
      for (const group of groups) {
        const stems = await this.stems(lang, group.words);
        const primary = stems[0]?.[1];
        const word = stems[0]?.[0] ?? '';
        if (!primary || seen.has(primary)) continue;
        const lexemes: string[] = [];
        const dfs: number[] = [];
        for (const [, lexeme] of stems) {
          if (!lexeme || seen.has(lexeme) || lexemes.includes(lexeme)) continue;
          const df = await this.df(tenantId, lang, lexeme);
          // The citizen's own word stays (an unknown word counts against confidence); unknown synonyms go.
          if (df === 0 && lexeme !== primary) continue;
          lexemes.push(lexeme);
          dfs.push(df);
        }
        let isUnknown = dfs.every((d) => d === 0);
        // A word the index has never seen is probably misspelt: take the closest known word (pg_trgm).
        if (isUnknown && word.length >= 4 && !/^\d+$/.test(word)) {
          const fix = await this.repo.closestWord(tenantId, word, 0.4);
          const fixStem = fix && fix !== word ? (await this.stems(lang, [fix]))[0]?.[1] : undefined;
          if (fixStem && !seen.has(fixStem)) {
            lexemes.push(fixStem);
            dfs.push(await this.df(tenantId, lang, fixStem));
            isUnknown = false;
          }
        }
        // Map expansions are our guesses, not the citizen's words: unknown ones are dropped, not held against the page.
        if (isUnknown && group.isGuess) continue;
        for (const l of lexemes) seen.add(l);
        const known = dfs.filter((d) => d > 0);
        // Alternatives widen the match, so the group is as informative as its most common alternative.
        const df = known.length ? Math.max(...known) : 0;
        const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
        terms.push({ language: lang, lexemes, idf: isUnknown ? 0 : idf, isUnknown, isCommon: total > 0 && df / total > COMMON_SHARE });
      }
    }
    return { userLanguage, terms };
  }

  /** Pages ranked for an analysed query. */
  async search(tenantId: string, q: AnalyzedQuery, limit: number, opts: SearchOptions = {}): Promise<PageResult[]> {
    const active = q.terms.filter((t) => !t.isUnknown);
    if (active.length === 0) return [];
    const groups: TermGroup[] = active.map((t) => ({ byLanguage: { [t.language]: t.lexemes.join(' | ') } }));
    const languages = [...new Set(active.map((t) => t.language))];
    // Selecting candidates by common words ("solicitud") would rank thousands of rows; rarer words select them.
    const selective = active.map((t) => !t.isCommon);
    const hits = await this.repo.searchChunks(tenantId, groups, languages, opts.candidates ?? 200, selective.some(Boolean) ? selective : undefined);
    const byPage = new Map<number, { hit: ChunkHit; strengths: number[]; chunks: { hit: ChunkHit; score: number }[] }>();
    for (const hit of hits) {
      const strengths = hit.termRanks.map(strength);
      const chunkScore = strengths.reduce((s, v, i) => s + v * (active[i]?.idf ?? 0), 0);
      const entry = byPage.get(hit.pageId);
      if (!entry) {
        byPage.set(hit.pageId, { hit, strengths, chunks: [{ hit, score: chunkScore }] });
      } else {
        entry.strengths = entry.strengths.map((v, i) => Math.max(v, strengths[i] ?? 0));
        entry.chunks.push({ hit, score: chunkScore });
      }
    }
    // Every term counts, known or not: a question about something the site never mentions stays uncovered.
    const totalIdf = q.terms.reduce((s, t) => s + (t.isUnknown ? averageIdf(active) : t.idf), 0) || 1;
    const pages: PageResult[] = [];
    for (const [pageId, entry] of byPage) {
      const covered = entry.strengths.reduce((s, v, i) => s + v * (active[i]?.idf ?? 0), 0);
      entry.chunks.sort((a, b) => b.score - a.score);
      const best = entry.chunks[0]?.score ?? 0;
      // Page-level coverage first; the best single section breaks ties between similar pages.
      const score = covered + 0.25 * best;
      pages.push({
        pageId,
        url: entry.hit.url,
        title: entry.hit.title,
        language: entry.hit.language,
        alternates: entry.hit.alternates,
        score,
        coverage: Math.min(1, covered / totalIdf),
        chunks: entry.chunks.map((c) => c.hit),
        termStrength: entry.strengths,
      });
    }
    pages.sort((a, b) => b.score - a.score || a.url.length - b.url.length);
    return pages.slice(0, limit);
  }

  /** (word, stem) pairs with the language's snowball stemmer; stop words get an empty stem. */
  private async stems(lang: Language, ws: readonly string[]): Promise<[string, string | undefined][]> {
    // Stemming is deterministic: cache it, and ask the database only for the words not seen yet, in one query.
    const missing = [...new Set(ws.filter((w) => !this.stemCache.has(`${lang}\u0000${w}`)))];
    if (missing.length > 0) {
      const stemmed = await this.repo.stemWords(lang, missing);
      if (this.stemCache.size > 50_000) this.stemCache.clear();
      for (const [w, lex] of stemmed) this.stemCache.set(`${lang}\u0000${w}`, lex.find((l) => SAFE_LEXEME.test(l)) ?? '');
    }
    return ws.map((w) => [w, this.stemCache.get(`${lang}\u0000${w}`) || undefined]);
  }

  private async total(tenantId: string, lang: Language): Promise<number> {
    const key = `${tenantId}\u0000${lang}`;
    const hit = this.totals.get(key);
    if (hit !== undefined) return hit;
    const { total } = await this.repo.documentFrequencies(tenantId, lang, ['x']);
    this.totals.set(key, total);
    return total;
  }

  private async df(tenantId: string, lang: Language, lexeme: string): Promise<number> {
    const key = `${tenantId}\u0000${lang}`;
    let m = this.dfCache.get(key);
    if (!m) {
      m = new Map();
      this.dfCache.set(key, m);
    }
    const hit = m.get(lexeme);
    if (hit !== undefined) return hit;
    const { df, total } = await this.repo.documentFrequencies(tenantId, lang, [lexeme]);
    this.totals.set(key, total);
    const v = df[0] ?? 0;
    m.set(lexeme, v);
    return v;
  }
}

function averageIdf(terms: readonly QueryTerm[]): number {
  return terms.length ? terms.reduce((s, t) => s + t.idf, 0) / terms.length : 1;
}
