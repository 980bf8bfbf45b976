import { createContext, useContext, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { apiUrl, ApiError, client, ok } from '../../api.ts';
import { describedBy, ErrorAlert, Field, Loading } from '../../components/form-bits.tsx';
import { useSession } from '../../session.tsx';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';

/** Only paths on this site, never another site (the server checks the same). */
function safeReturnTo(value: string | null): string {
  return value && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : '/my';
}

/** Card + PIN form; used by the sign-in page and by the kiosk. */
export function CardSignInForm({ onDone, idPrefix = 'signin' }: { onDone: () => void; idPrefix?: string }) {
  const { t } = useTranslation('web');
  const session = useSession();
  const [card, setCard] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);
  const cardErr = error instanceof ApiError ? error.fieldMessage('card') : undefined;
  const pinErr = error instanceof ApiError ? error.fieldMessage('pin') : undefined;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await ok(client.POST('/api/v1/auth/card', { body: { card: card.replace(/[\s-]/g, ''), pin } }));
      session.signedIn(res.me, res.csrfToken);
      setPin('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="form">
      <ErrorAlert error={error} />
      <Field id={`${idPrefix}-card`} label={t('signin.card')} hint={t('signin.card_hint')} error={cardErr}>
        <input id={`${idPrefix}-card`} name="card" inputMode="numeric" autoComplete="off" required value={card} onChange={(e) => setCard(e.target.value)} aria-invalid={Boolean(cardErr) || undefined} aria-describedby={describedBy(`${idPrefix}-card`, { hint: true, error: cardErr })} />
      </Field>
      <Field id={`${idPrefix}-pin`} label={t('signin.pin')} hint={t('signin.pin_hint')} error={pinErr}>
        <input id={`${idPrefix}-pin`} name="pin" type="password" inputMode="numeric" autoComplete="off" required value={pin} onChange={(e) => setPin(e.target.value)} aria-invalid={Boolean(pinErr) || undefined} aria-describedby={describedBy(`${idPrefix}-pin`, { hint: true, error: pinErr })} />
      </Field>
      <button type="submit" className="button" disabled={isBusy}>
        {t('signin.submit')}
      </button>
    </form>
  );
}

export function SignInPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('signin.title'));
  const [, navigate] = useLocation();
  const search = useSearch();
  const returnTo = safeReturnTo(new URLSearchParams(search).get('returnTo'));
  const methods = useGet('/api/v1/auth/methods');
  const withReturn = (url: string) => `${url}${url.includes('?') ? '&' : '?'}returnTo=${encodeURIComponent(returnTo)}`;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('signin.title')}</h1>
      <p className="lead">{t('signin.intro')}</p>
      <h2>{t('signin.card_title')}</h2>
      <CardSignInForm onDone={() => navigate(returnTo)} />
      {methods.isLoading ? <Loading /> : null}
      {methods.data?.certificateUrl ? (
        <>
          <h2>{t('signin.certificate_title')}</h2>
          <p>{t('signin.certificate_intro')}</p>
          <a className="button button--secondary" href={withReturn(methods.data.certificateUrl)}>
            {t('signin.certificate_button')}
          </a>
        </>
      ) : null}
      {methods.data?.oidc ? (
        <>
          <h2>{t('signin.oidc_title')}</h2>
          <a className="button button--secondary" href={withReturn(apiUrl('/api/v1/auth/oidc/start'))}>
            {t('signin.oidc_button')}
          </a>
        </>
      ) : null}
    </section>
  );
}

/** True on kiosks: sign-in happens in place (card + PIN), never on another page. */
export const InlineSignIn = createContext(false);

/** Shows its children to a signed-in citizen; otherwise the reason and a way to sign in. */
export function RequireCitizen({ children }: { children: ReactNode }) {
  const { t } = useTranslation('web');
  const { me, isLoading } = useSession();
  const [location] = useLocation();
  const isInline = useContext(InlineSignIn);
  if (isLoading) return <Loading />;
  if (me?.kind === 'citizen') return <>{children}</>;
  if (isInline) {
    return (
      <div className="inline-signin">
        <p className="notice">{t('signin.needed_kiosk')}</p>
        <CardSignInForm onDone={() => undefined} idPrefix="kiosk-signin" />
      </div>
    );
  }
  return (
    <div className="notice" role="note">
      <p>{t('signin.needed')}</p>
      <SignInLink returnTo={location} />
    </div>
  );
}

function SignInLink({ returnTo }: { returnTo: string }) {
  const { t } = useTranslation('web');
  return (
    <Link className="button" href={`/signin?returnTo=${encodeURIComponent(returnTo)}`}>
      {t('signin.go')}
    </Link>
  );
}
