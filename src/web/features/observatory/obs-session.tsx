import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { Loading } from '../../components/form-bits.tsx';
import { obsApi, setObsCsrf } from './obs-api.ts';
import type { Account } from './obs-types.ts';

interface ObsSession {
  account: Account | null;
  isLoading: boolean;
  signedIn: (account: Account, csrfToken: string) => void;
  signOut: () => Promise<void>;
}

const Ctx = createContext<ObsSession | null>(null);

/** The officer signed in to the observatory (its own cookie, separate from any council session). */
export function ObsSessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [isLoading, setLoading] = useState(true);
  useEffect(() => {
    obsApi<{ account: Account | null; csrfToken: string | null }>('/api/v1/observatory/session')
      .then((s) => {
        setObsCsrf(s.csrfToken);
        setAccount(s.account);
      })
      .catch(() => setAccount(null))
      .finally(() => setLoading(false));
  }, []);
  const signedIn = useCallback((a: Account, token: string) => {
    setObsCsrf(token);
    setAccount(a);
  }, []);
  const signOut = useCallback(async () => {
    await obsApi('/api/v1/observatory/session', { method: 'DELETE' });
    setObsCsrf(null);
    setAccount(null);
  }, []);
  return <Ctx.Provider value={{ account, isLoading, signedIn, signOut }}>{children}</Ctx.Provider>;
}

export function useObsSession(): ObsSession {
  const v = useContext(Ctx);
  if (!v) throw new Error('useObsSession outside ObsSessionProvider');
  return v;
}

/** Children for a signed-in officer; otherwise why, and links to sign in or register. */
export function RequireOfficer({ children }: { children: (a: Account) => ReactNode }) {
  const { t } = useTranslation('observatory-web');
  const { account, isLoading } = useObsSession();
  const [location] = useLocation();
  if (isLoading) return <Loading />;
  if (account) return <>{children(account)}</>;
  return (
    <div className="notice" role="note">
      <p>{t('account.needed')}</p>
      <p>
        <Link href={`/signin?returnTo=${encodeURIComponent(location)}`}>{t('nav.signin')}</Link> · <Link href="/register">{t('nav.register')}</Link>
      </p>
    </div>
  );
}
