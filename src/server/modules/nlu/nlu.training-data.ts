/**
 * Reads the reviewable training files: data/nlu/<lang>/<intent>.txt (one utterance a line, '#' comments),
 * data/nlu/langid/<lang>.txt (word lists for language identification) and the held-out evaluation set
 * data/nlu-eval/<lang>.tsv (text<TAB>intent<TAB>lang), which is never used for training.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, isLanguage, type Language } from '../../../shared/languages.ts';
import { PROCEDURE_INTENTS } from '../../../shared/procedures.ts';

export const NLU_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../data/nlu');
export const NLU_EVAL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../data/nlu-eval');

/** The built-in intent catalogue; names are part of the API. */
export const BUILTIN_INTENTS = [
  ...PROCEDURE_INTENTS,
  'handoff.human',
  'greeting',
  'goodbye',
  'question',
] as const;
export type BuiltinIntent = (typeof BUILTIN_INTENTS)[number];

export interface Example {
  text: string;
  intent: string;
  lang: Language;
}

export interface NluCorpus {
  examples: Example[];
  /** Word lists per language for the language identifier. */
  wordLists: Record<Language, string[]>;
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** Loads every training utterance and word list under `dir`. */
export function loadCorpus(dir = NLU_DATA_DIR): NluCorpus {
  const examples: Example[] = [];
  const wordLists = { es: [], ca: [], en: [] } as Record<Language, string[]>;
  for (const lang of LANGUAGES) {
    const langDir = path.join(dir, lang);
    if (existsSync(langDir)) {
      for (const file of readdirSync(langDir).filter((f) => f.endsWith('.txt')).sort()) {
        const intent = file.slice(0, -4);
        for (const text of readLines(path.join(langDir, file))) examples.push({ text, intent, lang });
      }
    }
    const wl = path.join(dir, 'langid', `${lang}.txt`);
    if (existsSync(wl)) wordLists[lang] = readLines(wl);
  }
  return { examples, wordLists };
}

/** Loads the held-out evaluation set (never used for training). */
export function loadEvalSet(dir = NLU_EVAL_DIR): Example[] {
  const out: Example[] = [];
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort()) {
    for (const line of readLines(path.join(dir, file))) {
      const [text, intent, lang] = line.split('\t');
      if (text && intent && isLanguage(lang)) out.push({ text, intent, lang });
    }
  }
  return out;
}
