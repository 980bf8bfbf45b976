/**
 * Wall-clock time in a council's time zone <-> UTC instants, with Intl only (no tz database dependency).
 * Times are stored in UTC and shown, booked and counted in the council's zone: "today" in Alicante or in
 * Las Palmas is not the server's today. Calendar days are strings "YYYY-MM-DD"; times of day "HH:MM".
 * This is the one implementation; modules must not build their own Intl.DateTimeFormat for zone arithmetic.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The wall-clock reading of an instant in a zone. */
export interface ZonedParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

// Building an Intl.DateTimeFormat costs far more than using one (the NLU calls this per message): one per zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The wall-clock reading of `instant` in `timeZone`. */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const out: ZonedParts = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type === 'weekday') out.weekday = WEEKDAY_INDEX[p.value] ?? 0;
    else if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'minute' || p.type === 'second') out[p.type] = Number(p.value);
    // Some ICU versions still print midnight as 24 even with h23.
    else if (p.type === 'hour') out.hour = Number(p.value) % 24;
  }
  return out;
}

/** The calendar day of `instant` in `timeZone`, "YYYY-MM-DD". */
export function localDateOf(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The time of day of `instant` in `timeZone`, "HH:MM" (24 h). */
export function localTimeOf(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** Offset of `timeZone` from UTC at `instant`, in minutes east of UTC (Madrid: +60 in winter, +120 in summer). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  // Intl drops milliseconds, so compare against the instant truncated to the second.
  return Math.round((wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

function parseDay(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y ?? 1970, m ?? 1, d ?? 1];
}

/** Minutes since local midnight of "HH:MM". */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Minutes since midnight -> "HH:MM". */
export function hhmmOf(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * The wall time read as UTC and the offset (minutes) that turns it into the real instant. Two passes settle
 * the offset on both sides of a DST change. A wall time that does not exist (02:30 on the spring-forward night
 * in Madrid) lands one hour later (03:30 summer time); an ambiguous one (02:30 on the autumn night) takes the
 * second reading (winter time).
 */
function resolveWallTime(date: string, time: string, timeZone: string): { wall: number; offset: number } {
  const [y, m, d] = parseDay(date);
  const wall = Date.UTC(y, m - 1, d) + minutesOf(time) * 60_000;
  const first = offsetMinutes(new Date(wall), timeZone);
  const offset = offsetMinutes(new Date(wall - first * 60_000), timeZone);
  return { wall, offset };
}

/** The UTC instant of a local wall-clock time (`date` "YYYY-MM-DD", `time` "HH:MM") in `timeZone`. */
export function localToUtc(date: string, time: string, timeZone: string): Date {
  const { wall, offset } = resolveWallTime(date, time, timeZone);
  return new Date(wall - offset * 60_000);
}

/** "2026-12-03T10:00:00+01:00": a local wall-clock time with the offset in force at it. */
export function formatZonedDateTime(date: string, time: string, timeZone: string): string {
  const { offset } = resolveWallTime(date, time, timeZone);
  const abs = Math.abs(offset);
  return `${date}T${time}:00${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Local midnight of the day `instant` falls on in `timeZone`, as a UTC instant. */
export function startOfLocalDay(instant: Date, timeZone: string): Date {
  return localToUtc(localDateOf(instant, timeZone), '00:00', timeZone);
}

/** The calendar day `days` after `date` (negative: before). No time zone is involved. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseDay(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = parseDay(from);
  const [y2, m2, d2] = parseDay(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** Weekday of a calendar day. */
export function weekdayOf(date: string): Weekday {
  const [y, m, d] = parseDay(date);
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] ?? 'sun';
}
