import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../shared/languages.ts';
import { loadCatalogues, t } from './i18n.ts';

function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = Array.isArray(v) ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** ICU argument names used by a message: {name}, {count, plural, ...}. */
function argumentsOf(message: string): string[] {
  return [...message.matchAll(/\{\s*([a-zA-Z_][\w]*)\s*[,}]/g)].map((m) => m[1] ?? '').sort();
}

describe('message catalogues', () => {
  const catalogues = loadCatalogues();

  it('have the same namespaces and keys in es, ca and en', () => {
    const keysOf = (lang: (typeof LANGUAGES)[number]) =>
      Object.entries(catalogues[lang]).flatMap(([ns, cat]) => Object.keys(flatten(cat)).map((k) => `${ns}:${k}`)).sort();
    const es = keysOf('es');
    expect(es.length).toBeGreaterThan(20);
    for (const lang of LANGUAGES) {
      const keys = keysOf(lang);
      expect({ lang, missing: es.filter((k) => !keys.includes(k)) }).toEqual({ lang, missing: [] });
      expect({ lang, extra: keys.filter((k) => !es.includes(k)) }).toEqual({ lang, extra: [] });
    }
  });

  it('use the same placeholders in every language', () => {
    const mismatches: string[] = [];
    for (const [ns, cat] of Object.entries(catalogues.es)) {
      const es = flatten(cat);
      for (const lang of ['ca', 'en'] as const) {
        const other = flatten(catalogues[lang][ns] ?? {});
        for (const [key, msg] of Object.entries(es)) {
          const theirs = other[key];
          if (theirs !== undefined && argumentsOf(msg).join() !== argumentsOf(theirs).join()) mismatches.push(`${lang} ${ns}:${key}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('formats ICU messages with their arguments', () => {
    expect(t('ca', 'tenants:errors.not_found', { id: 'x' })).toBe("No hi ha cap ajuntament amb l'identificador «x».");
  });
});
