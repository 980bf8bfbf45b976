import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Language } from '../../shared/languages.ts';
import { localized, type Boot } from '../boot.ts';
import { usePageTitle } from '../use-page-title.ts';

/** Without a council in the address: the list of councils this deployment serves. */
export function CouncilPicker({ boot, lang }: { boot: Boot; lang: Language }) {
  const { t } = useTranslation('web');
  usePageTitle(t('home.pick_title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('home.pick_title')}</h1>
      <p>{t('home.pick_intro')}</p>
      <ul className="card-list">
        {boot.tenants.map((c) => (
          <li key={c.id} className="card">
            <a href={`/t/${c.id}/`}>{localized(c.names, lang)}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

const PROCEDURE_PATHS: Record<string, string> = {
  'certificate.padron': '/procedures/padron',
  'appointment.book': '/procedures/appointment',
  'appointment.manage': '/my',
  'tax.pay': '/procedures/pay',
  'fine.pay': '/procedures/pay',
  'filing.generic': '/procedures/filing',
  'filing.status': '/procedures/filing-status',
};

const PROCEDURE_KEYS: Record<string, string> = {
  'certificate.padron': 'procedures.certificate_padron',
  'appointment.book': 'procedures.appointment_book',
  'appointment.manage': 'procedures.appointment_manage',
  'tax.pay': 'procedures.tax_pay',
  'fine.pay': 'procedures.fine_pay',
  'filing.generic': 'procedures.filing_generic',
  'filing.status': 'procedures.filing_status',
};

/** A council's home: what can be done here, and honestly which parts are still being built. */
export function CouncilHome({ boot, lang }: { boot: Boot; lang: Language }) {
  const { t } = useTranslation('web');
  const tenant = boot.tenant;
  const name = tenant ? localized(tenant.names, lang, tenant.defaultLanguage) : '';
  usePageTitle(name);
  if (!tenant) return null;
  return (
    <>
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t('home.welcome', { council: name })}</h1>
        <p className="lead">{t('home.intro')}</p>
        <p>
          <Link className="button" href="/chat">
            {t('home.chat')}
          </Link>
        </p>
      </section>
      <section aria-labelledby="procedures-title">
        <h2 id="procedures-title">{t('home.procedures_title')}</h2>
        <p>{t('home.procedures_status')}</p>
        <ul className="card-list">
          {tenant.procedures.map((p) => (
            <li key={p} className="card">
              {PROCEDURE_PATHS[p] ? <Link href={PROCEDURE_PATHS[p]}>{t(PROCEDURE_KEYS[p] ?? p)}</Link> : t(PROCEDURE_KEYS[p] ?? p)}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="offices-title">
        <h2 id="offices-title">{t('home.offices_title')}</h2>
        <ul className="card-list">
          {tenant.offices.map((o) => (
            <li key={o.id} className="card">
              <strong>{localized(o.names, lang, tenant.defaultLanguage)}</strong>
              <br />
              {o.address}
            </li>
          ))}
        </ul>
        {tenant.contact.phone ? <p>{t('home.phone', { phone: tenant.contact.phone })}</p> : null}
      </section>
    </>
  );
}
