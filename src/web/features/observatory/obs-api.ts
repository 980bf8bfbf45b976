/**
 * The observatory's calls: the app's api() plus the officer's own CSRF header (x-obs-csrf-token), since
 * officers sign in with the observatory cookie (vt_obs), not a council session.
 */
import { api } from '../../api.ts';
import type { Language } from '../../../shared/languages.ts';

let obsCsrf: string | null = null;

export function setObsCsrf(token: string | null): void {
  obsCsrf = token;
}

export function obsApi<T>(path: string, init: { method?: string; body?: unknown; form?: FormData; signal?: AbortSignal } = {}): Promise<T> {
  return api<T>(path, { ...init, ...(obsCsrf ? { headers: { 'x-obs-csrf-token': obsCsrf } } : {}) });
}

/** A query string from the non-empty entries (arrays as comma-separated lists, as the API reads them). */
export function toQuery(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const LOCALES: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };
export const localeOf = (lang: Language) => LOCALES[lang];

export function formatNumber(n: number, lang: Language, maxFractionDigits = 0): string {
  return new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: maxFractionDigits }).format(n);
}

/** Whole euros for yearly savings and budgets (cents on the wire). */
export function formatEuros(cents: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(cents / 100);
}

export function formatKm(km: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: 'unit', unit: 'kilometer', maximumFractionDigits: km < 10 ? 1 : 0 }).format(km);
}

/** A file size in the page's language: "820 bytes", "1.4 MB" ("1,4 MB" in es and ca). */
export function formatBytes(bytes: number, lang: Language): string {
  const [unit, value] = bytes < 1024 ? (['byte', bytes] as const) : bytes < 1_048_576 ? (['kilobyte', bytes / 1024] as const) : (['megabyte', bytes / 1_048_576] as const);
  return new Intl.NumberFormat(LOCALES[lang], { style: 'unit', unit, unitDisplay: unit === 'byte' ? 'long' : 'short', maximumFractionDigits: 1 }).format(value);
}
