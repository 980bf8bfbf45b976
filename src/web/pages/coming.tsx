import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../use-page-title.ts';

/** The kiosk address without a device: kiosk mode runs only on registered devices, so explain how to get there. */
export function ComingSection({ area }: { area: 'kiosk' }) {
  const { t } = useTranslation('web');
  usePageTitle(t(`${area}.title`));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t(`${area}.title`)}</h1>
      <p className="notice" role="note">
        {t(`${area}.device_only`)}
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
