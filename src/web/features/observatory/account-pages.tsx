import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { ApiError } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { describedBy, ErrorAlert, Field, Loading } from '../../components/form-bits.tsx';
import { usePageTitle } from '../../use-page-title.ts';
import { MunicipalityPicker } from './municipality-picker.tsx';
import { obsApi } from './obs-api.ts';
import { useObsSession } from './obs-session.tsx';
import type { Account } from './obs-types.ts';

const fieldError = (error: unknown, name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);

export function RegisterPage() {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  usePageTitle(t('register.title'));
  const [f, setF] = useState({ email: '', password: '', displayName: '', handle: '', organisation: '' });
  const [ine5, setIne5] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Account | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { email: f.email, password: f.password, displayName: f.displayName, language: lang,
        ...(f.handle ? { handle: f.handle } : {}), ...(f.organisation ? { organisation: f.organisation } : {}), ...(ine5 ? { ine5 } : {}) };
      setDone(await obsApi<Account>('/api/v1/observatory/accounts', { body }));
    } catch (err) {
      setError(err);
    }
  };
  if (done) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t('register.title')}</h1>
        <p className="alert alert--success" role="status">{t('register.check_email', { email: done.email })}</p>
      </section>
    );
  }
  const input = (k: keyof typeof f, type: string, autoComplete: string, hint?: string) => {
    const err = fieldError(error, k);
    return (
      <Field id={`reg-${k}`} label={t(`register.${k}`)} hint={hint} error={err}>
        <input id={`reg-${k}`} type={type} autoComplete={autoComplete} required={k !== 'handle' && k !== 'organisation'} value={f[k]} onChange={set(k)}
          aria-invalid={Boolean(err) || undefined} aria-describedby={describedBy(`reg-${k}`, { hint: Boolean(hint), error: err })} />
      </Field>
    );
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('register.title')}</h1>
      <p className="lead">{t('register.intro')}</p>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <ErrorAlert error={error} />
        {input('email', 'email', 'email', t('register.email_hint'))}
        {input('password', 'password', 'new-password', t('register.password_hint'))}
        {input('displayName', 'text', 'name')}
        {input('handle', 'text', 'username', t('register.handle_hint'))}
        {input('organisation', 'text', 'organization')}
        <MunicipalityPicker id="reg-council" label={t('register.council')} value={ine5} onChange={setIne5} />
        <button type="submit" className="button">{t('register.submit')}</button>
      </form>
      <p>{t('register.have_account')} <Link href="/signin">{t('nav.signin')}</Link></p>
    </section>
  );
}

export function VerifyPage() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('verify.title'));
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [state, setState] = useState<{ account?: Account; error?: unknown }>({});
  const started = useRef(false);
  useEffect(() => {
    // Once: the token is single-use, and React may run effects twice in development.
    if (started.current || !token) return;
    started.current = true;
    obsApi<Account>('/api/v1/observatory/accounts/verify', { body: { token } })
      .then((account) => setState({ account }))
      .catch((error: unknown) => setState({ error }));
  }, [token]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('verify.title')}</h1>
      {!token ? <p className="notice">{t('verify.no_token')}</p> : null}
      {token && !state.account && !state.error ? <Loading /> : null}
      <ErrorAlert error={state.error} />
      {!state.account ? <p><Link href="/resend">{t('resend.link')}</Link></p> : null}
      {state.account ? (
        <>
          <p className="alert alert--success" role="status">{t('verify.done', { email: state.account.email })}</p>
          <p><Link href="/signin">{t('nav.signin')}</Link></p>
        </>
      ) : null}
    </section>
  );
}

export function SignInPage() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('signin.title'));
  const session = useObsSession();
  const [, navigate] = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const res = await obsApi<{ account: Account; csrfToken: string }>('/api/v1/observatory/session', { body: { email, password } });
      session.signedIn(res.account, res.csrfToken);
      const back = new URLSearchParams(window.location.search).get('returnTo');
      // Only a path inside the observatory, never another site.
      navigate(back && /^\/(?!\/)[^\s\\]*$/.test(back) ? back : '/me');
    } catch (err) {
      setError(err);
    }
  };
  if (session.account) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t('signin.title')}</h1>
        <p role="status">{t('signin.already', { name: session.account.displayName })}</p>
        <p><Link href="/me">{t('nav.workspace')}</Link></p>
      </section>
    );
  }
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('signin.title')}</h1>
      <p className="lead">{t('signin.intro')}</p>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <ErrorAlert error={error} />
        <Field id="si-email" label={t('register.email')}>
          <input id="si-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field id="si-password" label={t('register.password')}>
          <input id="si-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <button type="submit" className="button">{t('signin.submit')}</button>
      </form>
      <p>{t('signin.no_account')} <Link href="/register">{t('nav.register')}</Link></p>
      <p>{t('resend.not_received')} <Link href="/resend">{t('resend.link')}</Link></p>
    </section>
  );
}

/** Asks for the confirmation e-mail again; says the same whatever the address, as the API does. */
export function ResendVerificationPage() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('resend.title'));
  const [email, setEmail] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sentTo, setSentTo] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSentTo('');
    try {
      await obsApi('/api/v1/observatory/accounts/resend-verification', { body: { email } });
      setSentTo(email);
    } catch (err) {
      setError(err);
    }
  };
  const err = fieldError(error, 'email');
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('resend.title')}</h1>
      <p className="lead">{t('resend.intro')}</p>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <ErrorAlert error={error} />
        <Field id="rs-email" label={t('register.email')} error={err}>
          <input id="rs-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)}
            aria-invalid={Boolean(err) || undefined} aria-describedby={describedBy('rs-email', { hint: false, error: err })} />
        </Field>
        <button type="submit" className="button">{t('resend.submit')}</button>
      </form>
      <p role="status">{sentTo ? t('resend.done', { email: sentTo }) : ''}</p>
      <p><Link href="/signin">{t('nav.signin')}</Link></p>
    </section>
  );
}
