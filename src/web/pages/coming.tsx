import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../use-page-title.ts';

/** A section that is not built yet says so plainly, and what it will do, instead of pretending. */
export function ComingSection({ area }: { area: 'kiosk' | 'staff' | 'observatory' }) {
  const { t } = useTranslation('web');
  usePageTitle(t(`${area}.title`));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t(`${area}.title`)}</h1>
      <p className="notice" role="note">
        {t('coming.not_yet')}
      </p>
      <p>{t(`${area}.will_do`)}</p>
    </section>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('not_found.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('not_found.title')}</h1>
      <p>{t('not_found.body')}</p>
    </section>
  );
}
