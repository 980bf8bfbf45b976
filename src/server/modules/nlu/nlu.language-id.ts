/**
 * Language identification for es / ca (Valencian) / en on very short, unaccented, misspelled text.
 * A naive Bayes over character 1-4-grams of each word plus whole words, trained from the same
 * reviewable files as the intents and a shipped word list. General-purpose guessers mistake
 * "vull pagar" or "ola buenas" for Italian or Swedish; this one only chooses among our languages.
 */
import { LANGUAGES, type Language } from '../../../shared/languages.ts';
import { tokenize } from './nlu.normalize.ts';

export interface LanguageGuess {
  code: Language;
  /** Posterior probability, 0..1, among the allowed languages. */
  confidence: number;
  /** Every allowed language with its probability, best first. */
  scores: { code: Language; confidence: number }[];
}

interface LangModel {
  logProb: Map<string, number>;
  /** Log probability of a feature never seen in this language (Laplace smoothing). */
  unseen: number;
}

/** Weight of a whole-word match against one character n-gram: words are much more telling. */
const WORD_WEIGHT = 3;
/**
 * Naive Bayes treats overlapping n-grams as independent and so is wildly overconfident; the summed
 * log-likelihood is divided by this temperature per feature to give usable confidences.
 */
const TEMPERATURE = 0.6;

function features(text: string): string[] {
  const out: string[] = [];
  for (const tok of tokenize(text, { expandSms: false })) {
    if (/\d/.test(tok)) continue;
    for (let w = 0; w < WORD_WEIGHT; w++) out.push(`w:${tok}`);
    const padded = ` ${tok} `;
    for (let n = 1; n <= 4; n++) {
      for (let i = 0; i + n <= padded.length; i++) {
        const g = padded.slice(i, i + n);
        if (g.trim()) out.push(g);
      }
    }
  }
  return out;
}

export class LanguageIdentifier {
  private readonly models = new Map<Language, LangModel>();

  /** Trains from text samples per language (utterances and word lists). */
  constructor(samples: Readonly<Record<Language, readonly string[]>>) {
    const vocab = new Set<string>();
    const counts = new Map<Language, Map<string, number>>();
    for (const lang of LANGUAGES) {
      const c = new Map<string, number>();
      for (const s of samples[lang]) {
        for (const f of features(s)) {
          c.set(f, (c.get(f) ?? 0) + 1);
          vocab.add(f);
        }
      }
      counts.set(lang, c);
    }
    const v = vocab.size;
    for (const lang of LANGUAGES) {
      const c = counts.get(lang) ?? new Map<string, number>();
      let total = 0;
      for (const n of c.values()) total += n;
      const alpha = 0.5;
      const denom = Math.log(total + alpha * v);
      const logProb = new Map<string, number>();
      for (const [f, n] of c) logProb.set(f, Math.log(n + alpha) - denom);
      this.models.set(lang, { logProb, unseen: Math.log(alpha) - denom });
    }
  }

  /** The most likely language among `allowed`, or undefined when the text has no letters at all. */
  identify(text: string, allowed: readonly Language[] = LANGUAGES): LanguageGuess | undefined {
    const feats = features(text);
    if (feats.length === 0 || allowed.length === 0) return undefined;
    const raw: { code: Language; score: number }[] = [];
    for (const code of allowed) {
      const m = this.models.get(code);
      if (!m) continue;
      let s = 0;
      for (const f of feats) s += m.logProb.get(f) ?? m.unseen;
      raw.push({ code, score: s });
    }
    // Scale by the number of features so that long texts do not get certainties of 1 - 1e-40.
    const scale = 1 / (TEMPERATURE * Math.sqrt(feats.length));
    const max = Math.max(...raw.map((r) => r.score));
    const exps = raw.map((r) => ({ code: r.code, e: Math.exp((r.score - max) * scale) }));
    const sum = exps.reduce((a, b) => a + b.e, 0);
    const scores = exps.map((x) => ({ code: x.code, confidence: x.e / sum })).sort((a, b) => b.confidence - a.confidence);
    const best = scores[0];
    if (!best) return undefined;
    return { code: best.code, confidence: best.confidence, scores };
  }
}
