import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiResponse } from '../shared/api/contract.ts';
import { ApiError, client, ok, setCsrfToken, trackSessionLoad } from './api.ts';

/** Who is signed in: a citizen or a member of staff. */
export type Me = ApiResponse<'/api/v1/me'>;

interface SessionValue {
  me: Me | null;
  isLoading: boolean;
  refresh: () => Promise<void>;
  signedIn: (me: Me, csrfToken: string) => void;
  signOut: () => Promise<void>;
  /** Forget everything in memory (kiosk wipe) without asking the server. */
  forget: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [isLoading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    let loaded: () => void = () => undefined;
    trackSessionLoad(
      new Promise<void>((resolve) => {
        loaded = resolve;
      }),
    );
    try {
      const who = await ok(client.GET('/api/v1/me'));
      const csrf = await ok(client.GET('/api/v1/auth/csrf'));
      setCsrfToken(csrf.token);
      setMe(who);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setCsrfToken(null);
      setMe(null);
    } finally {
      setLoading(false);
      loaded();
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const value = useMemo<SessionValue>(
    () => ({
      me,
      isLoading,
      refresh,
      signedIn: (who, token) => {
        setCsrfToken(token);
        setMe(who);
      },
      signOut: async () => {
        try {
          await ok(client.POST('/api/v1/auth/logout'));
        } finally {
          setCsrfToken(null);
          setMe(null);
        }
      },
      forget: () => {
        setCsrfToken(null);
        setMe(null);
      },
    }),
    [me, isLoading, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
