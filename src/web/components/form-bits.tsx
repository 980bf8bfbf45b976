import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';

/** A labelled field whose error is tied to it (aria-describedby + aria-invalid on the control). */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string | undefined; error?: string | undefined; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {children}
    </div>
  );
}

export function describedBy(id: string, opts: { hint?: boolean; error?: string | undefined }): string | undefined {
  const ids = [opts.hint ? `${id}-hint` : '', opts.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/**
 * The server's translated message; an answer without our error body (a proxy's page) has only its status, so a
 * 404 there still reads as "not found" in the person's language.
 */
function apiErrorMessage(error: ApiError, t: (key: string) => string): string {
  if (error.code === 'http.404') return t('errors.not_found');
  return error.message;
}

/** The form's error summary: an alert that takes focus so keyboard and screen-reader users land on it. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation('web');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const message = error instanceof ApiError ? apiErrorMessage(error, t) : t('errors.network');
  return (
    <div className="alert alert--error" role="alert" tabIndex={-1} ref={ref}>
      <p>{message}</p>
    </div>
  );
}


export function Loading() {
  const { t } = useTranslation('web');
  return (
    <p role="status" className="loading">
      {t('loading')}
    </p>
  );
}
