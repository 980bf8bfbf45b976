import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiResponse } from '../shared/api/contract.ts';
import { api, get, type GetInit, type GetPath } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  isLoading: boolean;
  reload: () => void;
}

/** Runs `load` whenever `key` changes (null waits), keeping the last answer, the error and a reload. */
function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [isLoading, setLoading] = useState(Boolean(key));
  const [tick, setTick] = useState(0);
  // The loader closes over the latest parameters; the key alone decides when to load again.
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    if (key === null) return;
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    loadRef
      .current(ctrl.signal)
      .then((d) => setData(d))
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, isLoading, reload };
}

/**
 * Loads `GET path` through the typed client; `path` null waits (e.g. until the person has signed in). The answer
 * has the type the server documents; a change of parameters loads again.
 */
export function useGet<P extends GetPath>(path: P | null, init?: GetInit<P>): Loaded<ApiResponse<P>> {
  const { params, lang } = (init ?? {}) as { params?: unknown; lang?: string };
  const key = path === null ? null : `${path} ${JSON.stringify(params ?? null)} ${lang ?? ''}`;
  return useLoad(key, (signal) => (path === null ? Promise.reject(new Error('waiting')) : get(path, { ...init, signal } as GetInit<P>)));
}

/** Loads one GET resource by its URL, typed by hand (routes whose answer the contract does not describe). */
export function useApi<T>(path: string | null): Loaded<T> {
  return useLoad(path, (signal) => api<T>(path ?? '', { signal }));
}
