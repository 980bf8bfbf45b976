import { useTranslation } from 'react-i18next';
import { TEXT_SCALES, usePrefs } from '../prefs.tsx';

/** Text size, easy-read and (on kiosks) high contrast: toggle buttons with their state exposed. */
export function ReadingControls({ showContrast = false }: { showContrast?: boolean }) {
  const { t } = useTranslation('web');
  const prefs = usePrefs();
  const i = TEXT_SCALES.indexOf(prefs.textScale as (typeof TEXT_SCALES)[number]);
  const idx = i < 0 ? 0 : i;
  return (
    <div className="reading-controls" role="group" aria-label={t('reading.label')}>
      <button type="button" className="button button--secondary" disabled={idx === 0} onClick={() => prefs.set({ textScale: TEXT_SCALES[idx - 1] ?? 1 })}>
        <span aria-hidden="true">A−</span> <span className="visually-hidden">{t('reading.smaller')}</span>
      </button>
      <span className="reading-controls__value">{t('reading.size', { percent: Math.round(prefs.textScale * 100) })}</span>
      <button type="button" className="button button--secondary" disabled={idx === TEXT_SCALES.length - 1} onClick={() => prefs.set({ textScale: TEXT_SCALES[idx + 1] ?? prefs.textScale })}>
        <span aria-hidden="true">A+</span> <span className="visually-hidden">{t('reading.bigger')}</span>
      </button>
      <button type="button" className="button button--secondary" aria-pressed={prefs.isEasyRead} onClick={() => prefs.set({ isEasyRead: !prefs.isEasyRead })}>
        {t('reading.easy_read')}
      </button>
      {showContrast ? (
        <button type="button" className="button button--secondary" aria-pressed={prefs.isHighContrast} onClick={() => prefs.set({ isHighContrast: !prefs.isHighContrast })}>
          {t('reading.high_contrast')}
        </button>
      ) : null}
    </div>
  );
}
