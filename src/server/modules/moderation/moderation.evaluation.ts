/**
 * Evaluation on the labelled sets in data/moderation: eval.tsv (text, lang, category, topic) and pii.tsv
 * (text, expected personal-data types). Used by scripts/moderation-eval.ts and by the tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isLanguage, LANGUAGES, type Language } from '../../../shared/languages.ts';
import { MODERATION_DATA_DIR } from './moderation.lexicon.ts';
import { redact, type PiiType } from './moderation.redact.ts';
import { moderate, type ModerationCategory, type ModerationTopic } from './moderation.service.ts';

export const CATEGORIES: readonly ModerationCategory[] = ['ok', 'abuse', 'crisis', 'out_of_scope'];

export interface EvalRow {
  text: string;
  lang: Language;
  category: ModerationCategory;
  topic?: ModerationTopic;
}

function isCategory(v: string): v is ModerationCategory {
  return (CATEGORIES as readonly string[]).includes(v);
}

function dataLines(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

/** Reads data/moderation/eval.tsv (or another file in the same format). */
export function readEvalSet(file = path.join(MODERATION_DATA_DIR, 'eval.tsv')): EvalRow[] {
  return dataLines(file).map(([text = '', lang = '', category = '', topic = '-'], i) => {
    if (!isLanguage(lang) || !isCategory(category)) throw new Error(`${file}: line ${i + 1}: bad language or category`);
    const row: EvalRow = { text, lang, category };
    if (topic !== '-' && topic) row.topic = topic as ModerationTopic;
    return row;
  });
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  /** Items labelled with the category. */
  support: number;
}

function scores(tp: number, fp: number, fn: number): Scores {
  // With nothing predicted and nothing expected the detector made no mistake: 1, not NaN.
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: tp + fn };
}

export interface ModerationEvaluation {
  total: number;
  accuracy: number;
  byCategory: Record<ModerationCategory, Scores>;
  byLanguage: Record<Language, { accuracy: number; byCategory: Record<ModerationCategory, Scores> }>;
  /** Among items whose category was right and that carry a topic: share with the right topic. */
  topicAccuracy: number;
  errors: { row: EvalRow; predicted: ModerationCategory; predictedTopic?: ModerationTopic }[];
  /** Mean time per message, in milliseconds. */
  meanMs: number;
}

function categoryScores(pairs: readonly { expected: ModerationCategory; predicted: ModerationCategory }[]): Record<ModerationCategory, Scores> {
  const out = {} as Record<ModerationCategory, Scores>;
  for (const c of CATEGORIES) {
    const tp = pairs.filter((p) => p.expected === c && p.predicted === c).length;
    const fp = pairs.filter((p) => p.expected !== c && p.predicted === c).length;
    const fn = pairs.filter((p) => p.expected === c && p.predicted !== c).length;
    out[c] = scores(tp, fp, fn);
  }
  return out;
}

/** Runs `moderate` over the rows and scores it per category, overall and per language. */
export function evaluateModeration(rows: readonly EvalRow[]): ModerationEvaluation {
  // Warm-up: lexicons and catalogues load on first use; the timing is per message after that.
  moderate('hola', { lang: 'es' });
  const started = performance.now();
  const results = rows.map((row) => {
    const r = moderate(row.text, { lang: row.lang });
    return { row, expected: row.category, predicted: r.category, predictedTopic: r.topic };
  });
  const meanMs = rows.length ? (performance.now() - started) / rows.length : 0;
  const byLanguage = {} as ModerationEvaluation['byLanguage'];
  for (const lang of LANGUAGES) {
    const subset = results.filter((r) => r.row.lang === lang);
    byLanguage[lang] = {
      accuracy: subset.length ? subset.filter((r) => r.expected === r.predicted).length / subset.length : 1,
      byCategory: categoryScores(subset),
    };
  }
  const withTopic = results.filter((r) => r.row.topic && r.expected === r.predicted);
  return {
    total: rows.length,
    accuracy: rows.length ? results.filter((r) => r.expected === r.predicted).length / rows.length : 1,
    byCategory: categoryScores(results),
    byLanguage,
    topicAccuracy: withTopic.length ? withTopic.filter((r) => r.predictedTopic === r.row.topic).length / withTopic.length : 1,
    errors: results
      .filter((r) => r.expected !== r.predicted || (r.row.topic && r.predictedTopic !== r.row.topic))
      .map((r) => {
        const e: ModerationEvaluation['errors'][number] = { row: r.row, predicted: r.predicted };
        if (r.predictedTopic) e.predictedTopic = r.predictedTopic;
        return e;
      }),
    meanMs,
  };
}

export interface PiiRow {
  text: string;
  expected: PiiType[];
}

/** Reads data/moderation/pii.tsv: text and the expected types in order ("-" for none). */
export function readPiiSet(file = path.join(MODERATION_DATA_DIR, 'pii.tsv')): PiiRow[] {
  return dataLines(file).map(([text = '', types = '-']) => ({
    text,
    expected: types === '-' ? [] : (types.split(',').map((t) => t.trim()) as PiiType[]),
  }));
}

export interface RedactionEvaluation {
  precision: number;
  recall: number;
  /** Negatives (rows expecting nothing) where something was redacted anyway. */
  falseRedactionsOnNegatives: number;
  negatives: number;
  errors: { row: PiiRow; found: PiiType[]; redacted: string }[];
}

/** Compares the types found by `redact` with the expected ones, row by row (as multisets). */
export function evaluateRedaction(rows: readonly PiiRow[]): RedactionEvaluation {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let falseRedactionsOnNegatives = 0;
  const errors: RedactionEvaluation['errors'] = [];
  for (const row of rows) {
    const result = redact(row.text);
    const found = result.found.map((f) => f.type);
    const remaining = [...row.expected];
    let rowFp = 0;
    for (const t of found) {
      const i = remaining.indexOf(t);
      if (i >= 0) {
        remaining.splice(i, 1);
        tp++;
      } else rowFp++;
    }
    fp += rowFp;
    fn += remaining.length;
    if (row.expected.length === 0 && found.length > 0) falseRedactionsOnNegatives++;
    if (rowFp > 0 || remaining.length > 0) errors.push({ row, found, redacted: result.text });
  }
  const s = scores(tp, fp, fn);
  return {
    precision: s.precision,
    recall: s.recall,
    falseRedactionsOnNegatives,
    negatives: rows.filter((r) => r.expected.length === 0).length,
    errors,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);

function scoreTable(byCategory: Record<ModerationCategory, Scores>): string[] {
  return CATEGORIES.map((c) => {
    const s = byCategory[c];
    return `  ${c.padEnd(13)} P ${pct(s.precision)}  R ${pct(s.recall)}  F1 ${pct(s.f1)}  (n=${s.support})`;
  });
}

/** A printable report of both evaluations. */
export function formatEvaluation(m: ModerationEvaluation, r: RedactionEvaluation): string {
  const lines: string[] = [];
  lines.push(`Moderation: ${m.total} messages, accuracy ${pct(m.accuracy).trim()}, topic accuracy ${pct(m.topicAccuracy).trim()}, ${m.meanMs.toFixed(2)} ms/message`);
  lines.push(...scoreTable(m.byCategory));
  for (const lang of LANGUAGES) {
    lines.push(`[${lang}] accuracy ${pct(m.byLanguage[lang].accuracy).trim()}`);
    lines.push(...scoreTable(m.byLanguage[lang].byCategory));
  }
  if (m.errors.length) {
    lines.push('Errors:');
    for (const e of m.errors) {
      lines.push(`  [${e.row.lang}] expected ${e.row.category}/${e.row.topic ?? '-'} got ${e.predicted}/${e.predictedTopic ?? '-'}: ${e.row.text}`);
    }
  }
  lines.push('');
  lines.push(`Redaction: precision ${pct(r.precision).trim()}, recall ${pct(r.recall).trim()}, false redactions on negatives ${r.falseRedactionsOnNegatives}/${r.negatives}`);
  for (const e of r.errors) lines.push(`  expected ${e.row.expected.join(',') || '-'} got ${e.found.join(',') || '-'}: ${e.row.text} -> ${e.redacted}`);
  return lines.join('\n');
}
