import { useTranslation } from 'react-i18next';
import type { Language } from '../../shared/languages.ts';
import { changeLanguage } from '../i18n.ts';

/** Each language named in itself, so a person who cannot read the current one still finds theirs. */
const NATIVE_NAMES: Record<Language, string> = { es: 'Español', ca: 'Valencià', en: 'English' };

export function LanguageSwitch({ languages, current }: { languages: Language[]; current: Language }) {
  const { t } = useTranslation('web');
  return (
    <nav aria-label={t('layout.language_nav')} className="language-switch">
      <ul>
        {languages.map((lang) => (
          <li key={lang}>
            <button
              type="button"
              lang={lang}
              aria-pressed={lang === current}
              onClick={() => {
                void changeLanguage(lang);
              }}
            >
              {NATIVE_NAMES[lang]}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
