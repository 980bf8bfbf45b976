/**
 * Plain-language audit of a reply: sentence length, long words and administrative jargon. The limits
 * follow common plain-language guidance (at most 25 words per sentence) and, for easy-read text
 * (Lectura Fácil), one short sentence per line.
 */
import type { Language } from '../../../shared/languages.ts';
import { findTerms, loadTermList } from './moderation.text-lists.ts';

export type PlainLanguageIssueKind = 'long_sentence' | 'several_sentences_per_line' | 'long_word' | 'jargon';

export interface PlainLanguageIssue {
  kind: PlainLanguageIssueKind;
  /** Errors fail the check; warnings are for a human to weigh (a long proper noun may be unavoidable). */
  severity: 'error' | 'warning';
  /** The sentence, word or term concerned. */
  text: string;
  /** What to do instead (the plain alternative for jargon, the limit for lengths). */
  hint: string;
}

export interface PlainLanguageReport {
  isOk: boolean;
  sentences: number;
  maxWordsPerSentence: number;
  averageWordsPerSentence: number;
  issues: PlainLanguageIssue[];
}

export interface PlainLanguageOptions {
  /** Easy-read mode: one sentence per line, shorter sentences and words. */
  isEasyRead?: boolean;
  /** Default 25 (plain) or 12 (easy read). */
  maxWordsPerSentence?: number;
  /** Letters above which a word is flagged as a warning. Default 16 (plain) or 13 (easy read). */
  maxWordLetters?: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’·-][\p{L}\p{N}]+)*/gu;

function words(sentence: string): string[] {
  return sentence.match(WORD) ?? [];
}

/** Links, e-mails and ICU placeholders count as one word and never end a sentence. */
function neutralise(text: string): string {
  return text
    .replace(/\bhttps?:\/\/\S+|\bwww\.\S+|\S+@\S+\.\S+|tel:\d+/g, 'LINK')
    .replace(/\{[^{}]*\}/g, 'X');
}

function sentencesOf(line: string): string[] {
  return line
    .split(/(?<=[.!?…])\s+/)
    .map((s) => s.trim())
    .filter((s) => words(s).length > 0);
}

/** Checks one text (a reply, a catalogue entry) against plain-language rules in `lang`. */
export function plainLanguageCheck(text: string, lang: Language, options: PlainLanguageOptions = {}): PlainLanguageReport {
  const isEasyRead = options.isEasyRead ?? false;
  const maxWords = options.maxWordsPerSentence ?? (isEasyRead ? 12 : 25);
  const maxLetters = options.maxWordLetters ?? (isEasyRead ? 13 : 16);
  const issues: PlainLanguageIssue[] = [];
  const clean = neutralise(text);
  const lines = clean.split(/\n+/).filter((l) => l.trim());
  const counts: number[] = [];
  for (const line of lines) {
    const sentences = sentencesOf(line);
    if (isEasyRead && sentences.length > 1) {
      issues.push({ kind: 'several_sentences_per_line', severity: 'error', text: line.trim(), hint: 'one idea per line' });
    }
    for (const s of sentences) {
      const n = words(s).length;
      counts.push(n);
      if (n > maxWords) issues.push({ kind: 'long_sentence', severity: 'error', text: s, hint: `${n} words; at most ${maxWords}` });
    }
  }
  for (const w of new Set(words(clean))) {
    const letters = w.replace(/[^\p{L}]/gu, '').length;
    if (w !== 'LINK' && letters > maxLetters) issues.push({ kind: 'long_word', severity: 'warning', text: w, hint: `${letters} letters; at most ${maxLetters}` });
  }
  for (const { rule } of findTerms(text, loadTermList('plain-language', lang))) {
    issues.push({ kind: 'jargon', severity: 'error', text: rule.term, hint: rule.suggestion });
  }
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    isOk: !issues.some((i) => i.severity === 'error'),
    sentences: counts.length,
    maxWordsPerSentence: counts.length ? Math.max(...counts) : 0,
    averageWordsPerSentence: counts.length ? Math.round((total / counts.length) * 10) / 10 : 0,
    issues,
  };
}
