/**
 * Evaluation: accuracy and macro-F1 per language, language-identification accuracy and a confusion
 * matrix, either on a deterministic held-out split of the training data or on the independent
 * evaluation set (data/nlu-eval), which is never trained on.
 */
import { LANGUAGES, type Language } from '../../../shared/languages.ts';
import { seededRandom } from './nlu.classifier.ts';
import type { Example } from './nlu.training-data.ts';

export interface Prediction {
  intent: string;
  lang: Language;
}

export interface LanguageMetrics {
  examples: number;
  accuracy: number;
  macroF1: number;
  languageIdAccuracy: number;
}

export interface EvaluationReport {
  examples: number;
  accuracy: number;
  macroF1: number;
  languageIdAccuracy: number;
  perLanguage: Partial<Record<Language, LanguageMetrics>>;
  /** Rows: the true intent; columns: the predicted one, in `labels` order. */
  confusion: { labels: string[]; matrix: number[][] };
  /** Misclassified examples, for the people who review the training data. */
  errors: { text: string; lang: Language; expected: string; predicted: string }[];
}

const round = (x: number) => Math.round(x * 10000) / 10000;

function macroF1(pairs: { truth: string; pred: string }[]): number {
  const labels = [...new Set(pairs.map((p) => p.truth))];
  if (labels.length === 0) return 0;
  let sum = 0;
  for (const l of labels) {
    const tp = pairs.filter((p) => p.truth === l && p.pred === l).length;
    const fp = pairs.filter((p) => p.truth !== l && p.pred === l).length;
    const fn = pairs.filter((p) => p.truth === l && p.pred !== l).length;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return sum / labels.length;
}

/** Scores predictions against the labelled examples. */
export function scorePredictions(examples: readonly Example[], predict: (e: Example) => Prediction): EvaluationReport {
  const rows = examples.map((e) => ({ e, p: predict(e) }));
  const labels = [...new Set([...examples.map((e) => e.intent), ...rows.map((r) => r.p.intent)])].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const { e, p } of rows) {
    const row = matrix[at.get(e.intent) ?? 0];
    const col = at.get(p.intent) ?? 0;
    if (row) row[col] = (row[col] ?? 0) + 1;
  }
  const summarize = (subset: typeof rows) => ({
    examples: subset.length,
    accuracy: subset.length ? round(subset.filter((r) => r.p.intent === r.e.intent).length / subset.length) : 0,
    macroF1: round(macroF1(subset.map((r) => ({ truth: r.e.intent, pred: r.p.intent })))),
    languageIdAccuracy: subset.length ? round(subset.filter((r) => r.p.lang === r.e.lang).length / subset.length) : 0,
  });
  const perLanguage: Partial<Record<Language, LanguageMetrics>> = {};
  for (const lang of LANGUAGES) {
    const subset = rows.filter((r) => r.e.lang === lang);
    if (subset.length) perLanguage[lang] = summarize(subset);
  }
  return {
    ...summarize(rows),
    perLanguage,
    confusion: { labels, matrix },
    errors: rows.filter((r) => r.p.intent !== r.e.intent).map((r) => ({ text: r.e.text, lang: r.e.lang, expected: r.e.intent, predicted: r.p.intent })),
  };
}

/**
 * A stratified split: in every (language, intent) group, a seeded shuffle puts `testShare` of the
 * utterances aside. The same seed gives the same split on every machine.
 */
export function splitExamples(examples: readonly Example[], testShare = 0.2, seed = 2026): { train: Example[]; test: Example[] } {
  const groups = new Map<string, Example[]>();
  for (const e of examples) {
    const k = `${e.lang}\u0000${e.intent}`;
    const g = groups.get(k) ?? [];
    g.push(e);
    groups.set(k, g);
  }
  const rand = seededRandom(seed);
  const train: Example[] = [];
  const test: Example[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = [...(groups.get(key) ?? [])];
    for (let i = g.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const tmp = g[i];
      const other = g[j];
      if (tmp && other) {
        g[i] = other;
        g[j] = tmp;
      }
    }
    const nTest = Math.max(1, Math.round(g.length * testShare));
    test.push(...g.slice(0, nTest));
    train.push(...g.slice(nTest));
  }
  return { train, test };
}
