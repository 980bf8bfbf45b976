import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18n } from 'i18next';
import ICU from 'i18next-icu';
import { LANGUAGES, type Language } from '../shared/languages.ts';

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales');

export type Catalogue = Record<string, Record<string, unknown>>;

/** Reads locales/<lang>/<namespace>.json for every language: one catalogue shared with the web app. */
export function loadCatalogues(dir = LOCALES_DIR): Record<Language, Catalogue> {
  const out = {} as Record<Language, Catalogue>;
  for (const lang of LANGUAGES) {
    const langDir = path.join(dir, lang);
    const cat: Catalogue = {};
    for (const file of readdirSync(langDir).filter((f) => f.endsWith('.json'))) {
      cat[file.slice(0, -5)] = JSON.parse(readFileSync(path.join(langDir, file), 'utf8')) as Record<string, unknown>;
    }
    out[lang] = cat;
  }
  return out;
}

let instance: I18n | undefined;

/** The server's translator, initialised once from the catalogues (ICU message format). */
export function getI18n(): I18n {
  if (instance) return instance;
  const catalogues = loadCatalogues();
  const inst = i18next.createInstance();
  void inst.use(ICU).init({
    initAsync: false,
    resources: catalogues,
    lng: 'es',
    fallbackLng: 'es',
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(catalogues.es),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = inst;
  return inst;
}

/** Translates `key` ("namespace:path.to.key") into `lang`. */
export function t(lang: Language, key: string, params?: Record<string, unknown>): string {
  return getI18n().getFixedT(lang)(key, params ?? {});
}

/** True when the key exists in the catalogue (for the language or the fallback). */
export function hasKey(lang: Language, key: string): boolean {
  return getI18n().exists(key, { lng: lang });
}
