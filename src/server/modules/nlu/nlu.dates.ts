/**
 * Calendar arithmetic in the council's time zone: "mañana" means tomorrow in Alicante, whatever the
 * server's clock says. The zone arithmetic is `src/shared/zoned-time.ts`; this file gives the entity parser
 * dates as parts (year, month, day, weekday), which its rules compare and build.
 */
import { addDays as addIsoDays, formatZonedDateTime, zonedParts } from '../../../shared/zoned-time.ts';

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
}

/** The calendar date of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  const { year, month, day, weekday } = zonedParts(instant, timeZone);
  return { year, month, day, weekday };
}

/** Adds whole days to a calendar date. */
export function addDays(d: LocalDate, days: number): LocalDate {
  const [year = 0, month = 0, day = 0] = addIsoDays(formatDate(d), days).split('-').map(Number);
  // Always a real day: it comes from a real day plus whole days.
  return makeDate(year, month, day) ?? d;
}

/** A calendar date, or undefined when it does not exist (31 February). */
export function makeDate(year: number, month: number, day: number): LocalDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const t = new Date(Date.UTC(year, month - 1, day));
  if (t.getUTCMonth() !== month - 1) return undefined;
  return { year, month, day, weekday: t.getUTCDay() };
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "2026-12-03" */
export function formatDate(d: LocalDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/** "2026-12-03T10:00:00+01:00": a local wall-clock time in `timeZone` with its offset that day. */
export function formatDateTime(d: LocalDate, hour: number, minute: number, timeZone: string): string {
  return formatZonedDateTime(formatDate(d), `${pad(hour)}:${pad(minute)}`, timeZone);
}
