import i18next from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../shared/languages.ts';

// Each language is its own chunk: a page downloads only the catalogue it shows.
const catalogues = import.meta.glob<{ default: Record<string, unknown> }>('../../locales/*/*.json');

async function loadLanguage(lang: Language): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  await Promise.all(
    Object.entries(catalogues)
      .filter(([file]) => file.includes(`/locales/${lang}/`))
      .map(async ([file, load]) => {
        const ns = file.slice(file.lastIndexOf('/') + 1, -'.json'.length);
        out[ns] = (await load()).default;
      }),
  );
  return out;
}

/** Starts i18next with the page's language (ICU message format, same catalogues as the server). */
export async function initI18n(lang: Language): Promise<typeof i18next> {
  const resources = { [lang]: await loadLanguage(lang) };
  await i18next.use(ICU).use(initReactI18next).init({
    resources,
    lng: lang,
    fallbackLng: false,
    defaultNS: 'web',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

/** Switches language, loading its catalogue first, and remembers the choice (cookie for the server). */
export async function changeLanguage(lang: Language): Promise<void> {
  if (!i18next.hasResourceBundle(lang, 'web')) {
    const bundles = await loadLanguage(lang);
    for (const [ns, res] of Object.entries(bundles)) i18next.addResourceBundle(lang, ns, res, true, true);
  }
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
  document.cookie = `lang=${lang}; path=/; max-age=31536000; samesite=lax`;
  try {
    localStorage.setItem('lang', lang);
  } catch {
    // Storage can be disabled (kiosks, private windows); the cookie is enough.
  }
}
