import { INTL_LOCALES as LOCALES } from '../shared/format.ts';
import type { Language } from '../shared/languages.ts';

/** Money is integer cents on the wire; shown in euros in the page's language (the assistant's replies use the same). */
export { formatMoney } from '../shared/format.ts';

/** An instant shown in the council's time zone (a kiosk's clock may be wrong; the council's zone is not). */
export function formatDateTime(iso: string, lang: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
}

export function formatDate(isoOrDate: string, lang: Language, timeZone: string): string {
  // A bare YYYY-MM-DD is a calendar day, not an instant: read it at noon UTC so no zone moves it.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? new Date(`${isoOrDate}T12:00:00Z`) : new Date(isoOrDate);
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? 'UTC' : timeZone }).format(d);
}
