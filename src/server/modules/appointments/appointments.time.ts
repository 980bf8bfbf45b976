/**
 * Wall-clock time in the council's time zone <-> UTC instants for the calendars: slots are defined in local time
 * (opening hours) and stored in UTC. The arithmetic is `src/shared/zoned-time.ts`; this file keeps the names the
 * appointments module uses.
 */
import { localDateOf, localTimeOf } from '../../../shared/zoned-time.ts';

export { addDays, hhmmOf, localToUtc, minutesOf, weekdayOf, type Weekday } from '../../../shared/zoned-time.ts';

export interface LocalParts {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
}

/** The local date and time of an instant in `timeZone`. */
export function toLocal(instant: Date, timeZone: string): LocalParts {
  return { date: localDateOf(instant, timeZone), time: localTimeOf(instant, timeZone) };
}
