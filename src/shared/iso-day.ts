/**
 * Calendar days written YYYY-MM-DD. A pattern alone lets 2026-02-30 or 2026-13-01 through, and PostgreSQL then
 * refuses the value inside a query: a 500 instead of a 400 (found by the fuzz of every JSON route).
 */
import { z } from 'zod';

/** True when `value` is YYYY-MM-DD and that day exists in the Gregorian calendar. */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A zod string that must be a real calendar day (YYYY-MM-DD). */
export function zIsoDay(message = 'must be a calendar day, YYYY-MM-DD') {
  return z.string().refine(isIsoDay, message);
}
