import type { Language } from '../shared/languages.ts';

const LOCALES: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };

/** Money is integer cents on the wire; shown in euros in the page's language. */
export function formatMoney(cents: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** An instant shown in the council's time zone (a kiosk's clock may be wrong; the council's zone is not). */
export function formatDateTime(iso: string, lang: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
}

export function formatDate(isoOrDate: string, lang: Language, timeZone: string): string {
  // A bare YYYY-MM-DD is a calendar day, not an instant: read it at noon UTC so no zone moves it.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? new Date(`${isoOrDate}T12:00:00Z`) : new Date(isoOrDate);
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? 'UTC' : timeZone }).format(d);
}
