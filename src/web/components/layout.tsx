import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Language } from '../../shared/languages.ts';
import { localized, type Boot } from '../boot.ts';
import { LanguageSwitch } from './language-switch.tsx';

export function Layout({ boot, lang, children }: { boot: Boot; lang: Language; children: ReactNode }) {
  const { t } = useTranslation('web');
  const tenant = boot.tenant;
  const languages: Language[] = tenant?.languages ?? ['es', 'ca', 'en'];
  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skip_to_content')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link href="/" className="brand">
            {tenant?.branding.logo ? <img src={`${boot.basePath}${tenant.branding.logo}`} alt="" width={40} height={40} /> : null}
            <span>{tenant ? localized(tenant.names, lang, tenant.defaultLanguage) : t('layout.product_name')}</span>
          </Link>
          <LanguageSwitch languages={languages} current={lang} />
        </div>
        <nav aria-label={t('layout.main_nav')} className="main-nav">
          <ul>
            <li>
              <Link href="/">{t('nav.home')}</Link>
            </li>
            {tenant ? (
              <>
                <li>
                  <Link href="/chat">{t('nav.chat')}</Link>
                </li>
                <li>
                  <Link href="/my">{t('nav.my')}</Link>
                </li>
                <li>
                  <Link href="/kiosk">{t('nav.kiosk')}</Link>
                </li>
                <li>
                  <Link href="/staff">{t('nav.staff')}</Link>
                </li>
              </>
            ) : null}
            <li>
              <Link href="/observatory">{t('nav.observatory')}</Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('layout.footer', { product: t('layout.product_name') })}</p>
      </footer>
    </>
  );
}
