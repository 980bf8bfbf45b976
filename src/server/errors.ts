import type { Language } from '../shared/languages.ts';
import { hasKey, t } from './i18n.ts';

export interface AppErrorOptions {
  /** HTTP status; 400 unless said otherwise. */
  status?: number;
  /** Values for the translated message ({name} placeholders). Never personal data. */
  params?: Record<string, string | number>;
  /** A message for the log only; never shown to the user. */
  log?: string;
  /** Extra machine-readable detail returned with the error (e.g. field paths). */
  details?: unknown;
  cause?: unknown;
}

/**
 * The one error type. `code` is stable and namespaced: "<namespace>.<name>", and the user message
 * lives in locales/<lang>/<namespace>.json under errors.<name>.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly params: Record<string, string | number>;
  readonly details: unknown;

  constructor(code: string, opts: AppErrorOptions = {}) {
    super(opts.log ?? code, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.params = opts.params ?? {};
    this.details = opts.details;
  }

  /** The message for the user in their language. */
  userMessage(lang: Language): string {
    return translateErrorCode(this.code, lang, this.params);
  }
}

/** "appointments.slot_full" -> "appointments:errors.slot_full". */
export function errorMessageKey(code: string): string {
  const dot = code.indexOf('.');
  if (dot < 0) return `common:errors.${code}`;
  return `${code.slice(0, dot)}:errors.${code.slice(dot + 1)}`;
}

export function translateErrorCode(code: string, lang: Language, params: Record<string, unknown> = {}): string {
  const key = errorMessageKey(code);
  return hasKey(lang, key) ? t(lang, key, params) : t(lang, 'common:errors.unexpected');
}

export const notFound = (code = 'common.not_found') => new AppError(code, { status: 404 });
export const forbidden = (code = 'common.forbidden') => new AppError(code, { status: 403 });
export const unauthorized = (code = 'common.unauthorized') => new AppError(code, { status: 401 });
