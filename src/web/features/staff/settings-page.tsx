/** Settings: what this council's profile says (read-only here) and how long transcripts are kept. */
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app-context.tsx';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { useHeadingFocus } from './staff-hooks.ts';

export function SettingsPage() {
  const { t } = useTranslation('staff');
  const { boot, lang, timeZone } = useApp();
  usePageTitle(t('settings.title'));
  const heading = useHeadingFocus();
  const retention = useGet('/api/v1/privacy/retention');
  const tenant = boot.tenant;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1} ref={heading}>
        {t('settings.title')}
      </h1>
      <p>{t('settings.read_only')}</p>
      <dl className="totals">
        <div>
          <dt>{t('settings.council')}</dt>
          <dd>{tenant ? (tenant.names[lang] ?? tenant.id) : '—'}</dd>
        </div>
        <div>
          <dt>{t('settings.languages')}</dt>
          <dd>{tenant?.languages.join(', ') ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('settings.time_zone')}</dt>
          <dd>{timeZone}</dd>
        </div>
        <div>
          <dt>{t('settings.retention')}</dt>
          <dd>{retention.data ? t('settings.days', { count: retention.data.transcriptDays }) : t('settings.admin_only')}</dd>
        </div>
      </dl>
    </section>
  );
}
