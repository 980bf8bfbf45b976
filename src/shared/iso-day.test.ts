import { describe, expect, it } from 'vitest';
import { isIsoDay, zIsoDay } from './iso-day.ts';

describe('calendar days', () => {
  it('accepts days that exist, leap days included', () => {
    for (const d of ['2026-12-04', '2024-02-29', '2000-02-29', '2026-01-31']) expect(isIsoDay(d), d).toBe(true);
  });
  it('refuses days that do not exist and other shapes', () => {
    for (const d of ['2026-02-30', '2026-13-01', '2025-02-29', '1900-02-29', '2026-00-10', '2026-1-5', '2026-12-04T00:00', '', '2026-12-04\u0000']) expect(isIsoDay(d), d).toBe(false);
    expect(zIsoDay().safeParse('2026-02-30').success).toBe(false);
  });
});
