/**
 * Inclusive-language lint: flags forms the council prefers to avoid ("los ciudadanos", "bienvenido",
 * "minusválido") and suggests the neutral one ("la ciudadanía", "le damos la bienvenida", "persona con
 * discapacidad"). It lists, never rewrites: grammar and context need a person.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGES, type Language } from '../../../shared/languages.ts';
import { LOCALES_DIR } from '../../i18n.ts';
import { findTerms, loadTermList } from './moderation.text-lists.ts';

export interface InclusiveFinding {
  term: string;
  suggestion: string;
  /** Offset of the term in the text. */
  index: number;
}

/** Flagged terms in one text. */
export function lintInclusiveLanguage(text: string, lang: Language): InclusiveFinding[] {
  return findTerms(text, loadTermList('inclusive', lang)).map(({ rule, index }) => ({ term: rule.term, suggestion: rule.suggestion, index }));
}

export interface CatalogueFinding extends InclusiveFinding {
  lang: Language;
  namespace: string;
  /** Dotted key inside the namespace file. */
  key: string;
  text: string;
}

function flatten(value: unknown, prefix: string, out: [string, string][]): void {
  if (typeof value === 'string') out.push([prefix, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}.${i}`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
}

/** Every string of the catalogues `locales/<lang>/<namespace>.json` (all namespaces when none given). */
export function catalogueStrings(namespaces?: readonly string[], dir = LOCALES_DIR): { lang: Language; namespace: string; key: string; text: string }[] {
  const out: { lang: Language; namespace: string; key: string; text: string }[] = [];
  for (const lang of LANGUAGES) {
    const files = readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.json'));
    for (const file of files.sort()) {
      const namespace = file.slice(0, -5);
      if (namespaces && !namespaces.includes(namespace)) continue;
      const pairs: [string, string][] = [];
      flatten(JSON.parse(readFileSync(path.join(dir, lang, file), 'utf8')) as unknown, '', pairs);
      for (const [key, text] of pairs) out.push({ lang, namespace, key, text });
    }
  }
  return out;
}

/** Inclusive-language findings over the message catalogues (e.g. ["assistant", "knowledge"]). */
export function lintCatalogues(namespaces?: readonly string[], dir = LOCALES_DIR): CatalogueFinding[] {
  const out: CatalogueFinding[] = [];
  for (const s of catalogueStrings(namespaces, dir)) {
    for (const f of lintInclusiveLanguage(s.text, s.lang)) out.push({ ...f, ...s });
  }
  return out;
}
