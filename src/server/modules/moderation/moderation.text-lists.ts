/** Term lists (jargon, non-inclusive forms) kept as "term<TAB>suggestion" text files under data/moderation. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Language } from '../../../shared/languages.ts';
import { MODERATION_DATA_DIR } from './moderation.lexicon.ts';

/** Lowercase, no diacritics, "l·l" -> "ll", curly apostrophes straightened: how terms and texts are compared. */
export function foldPlain(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/l[·.•]l/g, 'll')
    .replace(/’/g, "'");
}

export interface TermRule {
  term: string;
  suggestion: string;
  re: RegExp;
}

const cache = new Map<string, TermRule[]>();

/** Reads data/moderation/<list>/<lang>.txt once. */
export function loadTermList(list: 'plain-language' | 'inclusive', lang: Language): TermRule[] {
  const key = `${list}/${lang}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const rules: TermRule[] = [];
  for (const line of readFileSync(path.join(MODERATION_DATA_DIR, list, `${lang}.txt`), 'utf8').split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [term = '', suggestion = ''] = line.split('\t');
    const folded = foldPlain(term.trim()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (!folded) continue;
    rules.push({ term: term.trim(), suggestion: suggestion.trim(), re: new RegExp(`(?<![\\p{L}\\p{N}])${folded}(?![\\p{L}\\p{N}])`, 'gu') });
  }
  cache.set(key, rules);
  return rules;
}

/** Every rule of the list found in `text`, with offsets into the folded text (same length as the original for BMP text). */
export function findTerms(text: string, rules: readonly TermRule[]): { rule: TermRule; index: number }[] {
  const folded = foldPlain(text);
  const out: { rule: TermRule; index: number }[] = [];
  for (const rule of rules) {
    rule.re.lastIndex = 0;
    for (const m of folded.matchAll(rule.re)) out.push({ rule, index: m.index });
  }
  return out.sort((a, b) => a.index - b.index);
}
