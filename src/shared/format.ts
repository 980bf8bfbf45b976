/** Money and calendar days in the citizen's language, the same on the server (the assistant's replies) and the web. */
import type { Language } from './languages.ts';

/** The Intl locale of each language: Spain's conventions for es and ca ("12,50 €"), British English for en. */
export const INTL_LOCALES: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };

/** Money from integer cents, in euros. */
export function formatMoney(cents: number, lang: Language): string {
  return new Intl.NumberFormat(INTL_LOCALES[lang], { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** A calendar day (YYYY-MM-DD) as "jueves, 3 de diciembre": read at noon UTC so that no time zone moves it. */
export function formatWeekdayDate(date: string, lang: Language): string {
  return new Intl.DateTimeFormat(INTL_LOCALES[lang], { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(`${date}T12:00:00Z`));
}
