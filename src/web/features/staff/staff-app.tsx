/**
 * The staff console (issue 7): sign-in, hand-off inbox with live chat, mentored learning, knowledge,
 * analytics, kiosk fleet and settings. Loaded lazily from app.tsx, so citizens never download it.
 */
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Field, Loading } from '../../components/form-bits.tsx';
import { useSession, type Me } from '../../session.tsx';
import { usePageTitle } from '../../use-page-title.ts';
import './staff.css';
import { DeliveriesPage } from './deliveries.tsx';
import { InboxPage } from './inbox.tsx';
import { KiosksPage } from './kiosks.tsx';
import { KnowledgePage } from './knowledge-page.tsx';
import { LearningPage } from './learning-page.tsx';
import { RefundsPage } from './refunds.tsx';
import { SettingsPage } from './settings-page.tsx';

const AnalyticsPage = lazy(() => import('./analytics.tsx').then((m) => ({ default: m.AnalyticsPage })));

type StaffMe = Extract<Me, { kind: 'staff' }>;

function hasRole(me: StaffMe, ...roles: StaffMe['roles']): boolean {
  return me.roles.includes('admin') || roles.some((r) => me.roles.includes(r));
}

export function StaffApp() {
  const { t } = useTranslation('staff');
  const session = useSession();
  if (session.isLoading) return <Loading />;
  const me = session.me;
  if (!me || me.kind !== 'staff') return <StaffSignIn />;
  const links = [
    { href: '/staff', label: t('nav.inbox'), show: hasRole(me, 'agent') },
    { href: '/staff/learning', label: t('nav.learning'), show: hasRole(me, 'editor') },
    { href: '/staff/knowledge', label: t('nav.knowledge'), show: hasRole(me, 'editor') },
    { href: '/staff/analytics', label: t('nav.analytics'), show: hasRole(me, 'analyst') },
    { href: '/staff/kiosks', label: t('nav.kiosks'), show: true },
    { href: '/staff/deliveries', label: t('nav.deliveries'), show: me.roles.includes('admin') },
    { href: '/staff/refunds', label: t('nav.refunds'), show: me.roles.includes('admin') },
    { href: '/staff/settings', label: t('nav.settings'), show: true },
  ];
  return (
    <div className="staff">
      <nav aria-label={t('nav.label')} className="staff-nav">
        <ul>
          {links
            .filter((l) => l.show)
            .map((l) => (
              <li key={l.href}>
                <Link href={l.href}>{l.label}</Link>
              </li>
            ))}
        </ul>
        <p>
          {t('signed_in_as', { name: me.name })}{' '}
          <button type="button" className="button button--ghost" onClick={() => void session.signOut()}>
            {t('sign_out')}
          </button>
        </p>
      </nav>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/staff/learning" component={LearningPage} />
          <Route path="/staff/knowledge" component={KnowledgePage} />
          <Route path="/staff/analytics" component={AnalyticsPage} />
          <Route path="/staff/kiosks" component={KiosksPage} />
          <Route path="/staff/deliveries" component={DeliveriesPage} />
          <Route path="/staff/refunds" component={RefundsPage} />
          <Route path="/staff/settings" component={SettingsPage} />
          <Route>{hasRole(me, 'agent') ? <InboxPage /> : <KiosksPage />}</Route>
        </Switch>
      </Suspense>
    </div>
  );
}

function StaffSignIn() {
  const { t } = useTranslation('staff');
  const session = useSession();
  const { boot } = useApp();
  usePageTitle(t('signin.title'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);
  if (!boot.tenant) {
    return (
      <p className="notice" role="note">
        {t('signin.no_council')}
      </p>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await ok(client.POST('/api/v1/auth/staff', { body: { email, password } }));
      session.signedIn(res.me, res.csrfToken);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="staff-signin-title">
      <h1 id="staff-signin-title">{t('signin.title')}</h1>
      <ErrorAlert error={error} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Field id="staff-email" label={t('signin.email')}>
          <input
            id="staff-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field id="staff-password" label={t('signin.password')}>
          <input
            id="staff-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="button" disabled={isBusy}>
          {t('signin.submit')}
        </button>
      </form>
    </section>
  );
}
