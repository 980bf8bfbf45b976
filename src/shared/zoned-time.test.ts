import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  formatZonedDateTime,
  hhmmOf,
  localDateOf,
  localTimeOf,
  localToUtc,
  minutesOf,
  offsetMinutes,
  startOfLocalDay,
  weekdayOf,
  zonedParts,
} from './zoned-time.ts';

// 2026's EU changes both happen at 01:00 UTC: Sunday 29 March (clocks forward) and Sunday 25 October (back).
const MADRID = 'Europe/Madrid';
const CANARY = 'Atlantic/Canary';
const at = (iso: string) => new Date(iso);

describe('zoned time', () => {
  it('gives Madrid +60 in winter and +120 in summer, switching at 01:00 UTC on the change days', () => {
    expect(offsetMinutes(at('2026-01-15T12:00:00Z'), MADRID)).toBe(60);
    expect(offsetMinutes(at('2026-07-15T12:00:00Z'), MADRID)).toBe(120);
    expect(offsetMinutes(at('2026-03-29T00:59:59Z'), MADRID)).toBe(60);
    expect(offsetMinutes(at('2026-03-29T01:00:00Z'), MADRID)).toBe(120);
    expect(offsetMinutes(at('2026-10-25T00:59:59Z'), MADRID)).toBe(120);
    expect(offsetMinutes(at('2026-10-25T01:00:00Z'), MADRID)).toBe(60);
  });

  it('gives the Canaries 0 in winter and +60 in summer, one hour behind the peninsula all year', () => {
    expect(offsetMinutes(at('2026-01-15T12:00:00Z'), CANARY)).toBe(0);
    expect(offsetMinutes(at('2026-03-29T00:59:59Z'), CANARY)).toBe(0);
    expect(offsetMinutes(at('2026-03-29T01:00:00Z'), CANARY)).toBe(60);
    expect(offsetMinutes(at('2026-10-25T00:59:59Z'), CANARY)).toBe(60);
    expect(offsetMinutes(at('2026-10-25T01:00:00Z'), CANARY)).toBe(0);
  });

  it('ignores milliseconds when measuring an offset', () => {
    expect(offsetMinutes(at('2026-07-15T12:00:00.999Z'), MADRID)).toBe(120);
  });

  it('reads the local day and time of an instant, including around midnight', () => {
    // 23:30 UTC on 31 December is already New Year's Day in Madrid, still New Year's Eve in Las Palmas.
    expect(localDateOf(at('2026-12-31T23:30:00Z'), MADRID)).toBe('2027-01-01');
    expect(localTimeOf(at('2026-12-31T23:30:00Z'), MADRID)).toBe('00:30');
    expect(localDateOf(at('2026-12-31T23:30:00Z'), CANARY)).toBe('2026-12-31');
    expect(localTimeOf(at('2026-12-31T23:30:00Z'), CANARY)).toBe('23:30');
    expect(zonedParts(at('2026-12-31T23:00:00Z'), MADRID)).toEqual({ year: 2027, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 5 });
  });

  it('reads the wall clock on both sides of the spring-forward hour', () => {
    expect(localTimeOf(at('2026-03-29T00:59:00Z'), MADRID)).toBe('01:59');
    expect(localTimeOf(at('2026-03-29T01:00:00Z'), MADRID)).toBe('03:00');
    expect(localTimeOf(at('2026-03-29T00:59:00Z'), CANARY)).toBe('00:59');
    expect(localTimeOf(at('2026-03-29T01:00:00Z'), CANARY)).toBe('02:00');
  });

  it('turns a local wall time into the right UTC instant in winter, in summer and on the change days', () => {
    expect(localToUtc('2026-01-15', '10:00', MADRID).toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(localToUtc('2026-07-15', '10:00', MADRID).toISOString()).toBe('2026-07-15T08:00:00.000Z');
    expect(localToUtc('2026-03-29', '10:00', MADRID).toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(localToUtc('2026-03-29', '01:30', MADRID).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(localToUtc('2026-10-25', '10:00', MADRID).toISOString()).toBe('2026-10-25T09:00:00.000Z');
    expect(localToUtc('2026-01-15', '10:00', CANARY).toISOString()).toBe('2026-01-15T10:00:00.000Z');
    expect(localToUtc('2026-07-15', '10:00', CANARY).toISOString()).toBe('2026-07-15T09:00:00.000Z');
    expect(localToUtc('2026-03-29', '10:00', CANARY).toISOString()).toBe('2026-03-29T09:00:00.000Z');
    expect(localToUtc('2026-10-25', '10:00', CANARY).toISOString()).toBe('2026-10-25T10:00:00.000Z');
  });

  it('moves a wall time that does not exist (the skipped hour) one hour later', () => {
    // 02:30 never happens in Madrid on 29 March 2026; 01:30 never happens in the Canaries.
    expect(localToUtc('2026-03-29', '02:30', MADRID).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(localTimeOf(localToUtc('2026-03-29', '02:30', MADRID), MADRID)).toBe('03:30');
    expect(localToUtc('2026-03-29', '01:30', CANARY).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(localTimeOf(localToUtc('2026-03-29', '01:30', CANARY), CANARY)).toBe('02:30');
  });

  it('takes the second (winter-time) reading of a wall time that happens twice', () => {
    expect(localToUtc('2026-10-25', '02:30', MADRID).toISOString()).toBe('2026-10-25T01:30:00.000Z');
    expect(localToUtc('2026-10-25', '01:30', CANARY).toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  it('round-trips every quarter hour of both change days', () => {
    for (const tz of [MADRID, CANARY]) {
      for (const day of ['2026-03-29', '2026-10-25']) {
        for (let m = 0; m < 24 * 60; m += 15) {
          const instant = localToUtc(day, hhmmOf(m), tz);
          const back = localTimeOf(instant, tz);
          // Only the skipped hour may read differently (one hour later); everything else comes back as given.
          if (back !== hhmmOf(m)) expect(back).toBe(hhmmOf(m + 60));
          expect(localDateOf(instant, tz)).toBe(day);
        }
      }
    }
  });

  it('writes a wall time with the offset in force at it', () => {
    expect(formatZonedDateTime('2026-12-03', '10:00', MADRID)).toBe('2026-12-03T10:00:00+01:00');
    expect(formatZonedDateTime('2026-06-03', '10:00', MADRID)).toBe('2026-06-03T10:00:00+02:00');
    expect(formatZonedDateTime('2026-12-03', '10:00', CANARY)).toBe('2026-12-03T10:00:00+00:00');
    expect(formatZonedDateTime('2026-03-29', '10:00', CANARY)).toBe('2026-03-29T10:00:00+01:00');
    expect(formatZonedDateTime('2026-06-03', '10:00', 'America/Argentina/Buenos_Aires')).toBe('2026-06-03T10:00:00-03:00');
    // The written string and localToUtc agree on the instant, even in the skipped hour.
    for (const [d, t] of [['2026-03-29', '02:30'], ['2026-10-25', '02:30'], ['2026-07-01', '09:15']] as const) {
      expect(new Date(formatZonedDateTime(d, t, MADRID)).getTime()).toBe(localToUtc(d, t, MADRID).getTime());
    }
  });

  it('finds local midnight as a UTC instant with the offset of midnight, not of now', () => {
    // At noon on the spring-forward day Madrid is at +120, but its midnight was still at +60.
    expect(startOfLocalDay(at('2026-03-29T10:00:00Z'), MADRID).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDay(at('2026-10-25T12:00:00Z'), MADRID).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(startOfLocalDay(at('2026-10-25T12:00:00Z'), CANARY).toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(startOfLocalDay(at('2026-12-31T23:30:00Z'), MADRID).toISOString()).toBe('2026-12-31T23:00:00.000Z');
    // Moved from the kiosks test ("today's usage" counts from this instant).
    expect(startOfLocalDay(at('2026-11-25T10:00:00Z'), MADRID).toISOString()).toBe('2026-11-24T23:00:00.000Z');
    expect(startOfLocalDay(at('2026-07-01T21:30:00Z'), MADRID).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfLocalDay(at('2026-07-01T22:30:00Z'), MADRID).toISOString()).toBe('2026-07-01T22:00:00.000Z');
  });

  it('does day arithmetic on calendar days across months, leap years and the change days', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-25', -1)).toBe('2026-10-24');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -30)).toBe('2026-01-30');
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-30', '2026-10-24')).toBe(-6);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(weekdayOf('2026-03-29')).toBe('sun');
    expect(weekdayOf('2026-12-03')).toBe('thu');
  });

  it('converts HH:MM to minutes and back', () => {
    expect(minutesOf('09:05')).toBe(545);
    expect(hhmmOf(545)).toBe('09:05');
    expect(hhmmOf(0)).toBe('00:00');
  });
});
