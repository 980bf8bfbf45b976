/**
 * Lexicons: reviewable text files under data/moderation/lexicons/<lang>/, one phrase per line, grouped in
 * [sections]. A phrase is a sequence of word patterns:
 *   word     the word, or within one typo when it has 6+ letters ("suicidarme" ~ "suicidarne")
 *   word=    the exact word only (short or ambiguous words)
 *   stem*    any word starting with the stem ("maltrat*" = maltrata, maltratado...)
 *   a|b|c    any of the alternatives
 *   ..       up to two words of anything ("marido .. pega*" = "mi marido siempre me pega")
 * Section names: crisis.<self_harm|violence|gender_violence|emergency>, abuse,
 * out_of_scope.<legal|medical|political>, out_of_scope.other_administration:<referral>, in_scope
 * (council business: cancels out-of-scope, never crisis or abuse), negative.
 * Negative phrases ("me muero de ganas", "matar el tiempo") hide their words from every other section.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language } from '../../../shared/languages.ts';
import { foldForModeration, isWithinOneEdit, type Token } from './moderation.normalize.ts';

/** data/moderation: lexicons, evaluation sets, plain-language and inclusive-language lists. */
export const MODERATION_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../data/moderation');

type WordPattern = { kind: 'word'; alternatives: { value: string; isPrefix: boolean; isFuzzy: boolean }[] } | { kind: 'gap'; max: number };

export interface LexiconEntry {
  section: string;
  lang: Language;
  /** The line as written, for explanations and reviews. */
  source: string;
  file: string;
  line: number;
  pattern: WordPattern[];
}

const GAP_MAX_WORDS = 2;
const FUZZY_MIN_LETTERS = 6;

function parseWord(word: string): WordPattern {
  if (word === '..') return { kind: 'gap', max: GAP_MAX_WORDS };
  const alternatives = word.split('|').map((alt) => {
    const isPrefix = alt.endsWith('*');
    const isExact = alt.endsWith('=');
    const value = foldForModeration(alt.replace(/[*=]$/, '')).replace(/[^a-z0-9]/g, '');
    return { value, isPrefix, isFuzzy: !isExact && value.length >= FUZZY_MIN_LETTERS };
  });
  return { kind: 'word', alternatives: alternatives.filter((a) => a.value.length > 0) };
}

/** Parses one lexicon file's text. Apostrophes and hyphens split words, as in messages ("m'ha", "matar-me"). */
export function parseLexicon(text: string, lang: Language, file: string): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  let section = '';
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (!line) return;
    const header = /^\[([a-z_.:]+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      return;
    }
    if (!section) throw new Error(`${file}:${index + 1}: phrase outside a [section]`);
    const words = foldForModeration(line)
      .replace(/['’-]/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
    const pattern = words.map(parseWord).filter((p) => p.kind === 'gap' || p.alternatives.length > 0);
    if (pattern.length === 0) return;
    entries.push({ section, lang, source: line, file, line: index + 1, pattern });
  });
  return entries;
}

let cache: LexiconEntry[] | undefined;

/** Every lexicon entry of every language (read once). Messages are checked against all three: people mix languages. */
export function loadLexicons(dir = path.join(MODERATION_DATA_DIR, 'lexicons')): LexiconEntry[] {
  if (cache && dir === path.join(MODERATION_DATA_DIR, 'lexicons')) return cache;
  const out: LexiconEntry[] = [];
  for (const lang of LANGUAGES) {
    const langDir = path.join(dir, lang);
    for (const file of readdirSync(langDir).filter((f) => f.endsWith('.txt')).sort()) {
      out.push(...parseLexicon(readFileSync(path.join(langDir, file), 'utf8'), lang, `${lang}/${file}`));
    }
  }
  if (dir === path.join(MODERATION_DATA_DIR, 'lexicons')) cache = out;
  return out;
}

/**
 * One typo apart. Six-letter words differ by a dropped, doubled or swapped letter only: one changed
 * letter turns too many everyday words into others ("marido" / "marico").
 */
function isOneTypoAway(form: string, value: string): boolean {
  // Five-letter words are too close to each other across three languages ("tarda" / "tarada", "maria" / "marica").
  if (form.length < FUZZY_MIN_LETTERS || !isWithinOneEdit(form, value)) return false;
  if (form.length !== value.length) return true;
  // Same length: a swap of two letters, or a changed letter in a long word only ("solicitar" is not "solicitor": see word=).
  return value.length >= 8 || [...form].sort().join('') === [...value].sort().join('');
}

function wordMatches(token: Token, pattern: Extract<WordPattern, { kind: 'word' }>): boolean {
  for (const alt of pattern.alternatives) {
    if (token.mask) {
      // A masked word ("p*ta") matches a lexicon word of the same shape; stems are compared on their length.
      if (token.mask.test(alt.value)) return true;
      continue;
    }
    for (const form of token.forms) {
      if (alt.isPrefix) {
        if (form.startsWith(alt.value)) return true;
        if (alt.isFuzzy || alt.value.length >= 5) {
          const n = alt.value.length;
          // Cheap guard before slicing: a typo near the start still shares one of the first two letters.
          if (form[0] !== alt.value[0] && form[1] !== alt.value[1] && form[0] !== alt.value[1] && form[1] !== alt.value[0]) continue;
          for (const len of [n - 1, n, n + 1]) {
            if (form.length >= len && isWithinOneEdit(form.slice(0, len), alt.value)) return true;
          }
        }
      } else if (form === alt.value) {
        return true;
      } else if (alt.isFuzzy && form.length >= FUZZY_MIN_LETTERS - 1 && isOneTypoAway(form, alt.value)) {
        return true;
      }
    }
  }
  return false;
}

type WordMatcher = (ti: number, p: Extract<WordPattern, { kind: 'word' }>) => boolean;

/** Word comparisons memoised per message: the same pattern word is tried at every position of every entry. */
function memoisedMatcher(tokens: readonly Token[]): WordMatcher {
  const memo = new Map<Extract<WordPattern, { kind: 'word' }>, (boolean | undefined)[]>();
  return (ti, p) => {
    let row = memo.get(p);
    if (!row) {
      row = [];
      memo.set(p, row);
    }
    const cached = row[ti];
    if (cached !== undefined) return cached;
    const token = tokens[ti];
    const value = token !== undefined && wordMatches(token, p);
    row[ti] = value;
    return value;
  };
}

/** The index after the match of `pattern` starting at token `ti`, or -1. */
function matchAt(tokens: readonly Token[], hidden: readonly boolean[], pattern: readonly WordPattern[], pi: number, ti: number, matches: WordMatcher): number {
  if (pi === pattern.length) return ti;
  const p = pattern[pi];
  if (!p) return -1;
  if (p.kind === 'gap') {
    for (let skip = 0; skip <= p.max && ti + skip <= tokens.length; skip++) {
      const end = matchAt(tokens, hidden, pattern, pi + 1, ti + skip, matches);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (ti >= tokens.length || hidden[ti] || !matches(ti, p)) return -1;
  return matchAt(tokens, hidden, pattern, pi + 1, ti + 1, matches);
}

/** A lexicon entry found in a message, with the token span it covered. */
export interface LexiconHit {
  entry: LexiconEntry;
  start: number;
  end: number;
}

/** Finds every entry of `entries` in the tokens; negatives first, and their words are hidden from the rest. */
export function findHits(tokens: readonly Token[], entries: readonly LexiconEntry[]): { hits: LexiconHit[]; negatives: LexiconHit[] } {
  const hidden = tokens.map(() => false);
  const matches = memoisedMatcher(tokens);
  const negatives: LexiconHit[] = [];
  for (const entry of entries) {
    if (entry.section !== 'negative') continue;
    for (let i = 0; i < tokens.length; i++) {
      const end = matchAt(tokens, hidden, entry.pattern, 0, i, matches);
      if (end > i) negatives.push({ entry, start: i, end });
    }
  }
  for (const n of negatives) for (let i = n.start; i < n.end; i++) hidden[i] = true;
  const hits: LexiconHit[] = [];
  for (const entry of entries) {
    if (entry.section === 'negative') continue;
    for (let i = 0; i < tokens.length; i++) {
      const end = matchAt(tokens, hidden, entry.pattern, 0, i, matches);
      if (end > i) {
        hits.push({ entry, start: i, end });
        break;
      }
    }
  }
  return { hits, negatives };
}
