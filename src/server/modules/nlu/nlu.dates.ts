/**
 * Calendar arithmetic in the council's time zone: "mañana" means tomorrow in Alicante, whatever the
 * server's clock says. Dates are handled as UTC midnights of the local calendar day.
 */

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone, kept.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  let fmt = dateFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' });
    dateFormats.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { year: Number(get('year')), month: Number(get('month')), day: Number(get('day')), weekday: WEEKDAY_INDEX[get('weekday')] ?? 0 };
}

/** Adds whole days to a calendar date. */
export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), weekday: t.getUTCDay() };
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

/** UTC offset of `timeZone` at `instant`, in minutes east of UTC. */
function offsetMinutes(instant: Date, timeZone: string): number {
  let fmt = offsetFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, fmt);
  }
  const name = fmt.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
}

/** "2026-12-03T10:00:00+01:00": a local wall-clock time in `timeZone` with its offset that day. */
export function formatDateTime(d: LocalDate, hour: number, minute: number, timeZone: string): string {
  const wall = Date.UTC(d.year, d.month - 1, d.day, hour, minute);
  // Two passes find the offset in force at that wall time (DST changes at 02:00/03:00 local).
  let off = offsetMinutes(new Date(wall), timeZone);
  off = offsetMinutes(new Date(wall - off * 60_000), timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${formatDate(d)}T${pad(hour)}:${pad(minute)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
