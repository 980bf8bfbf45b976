import type { AnalyticsReport } from '../../../shared/api/analytics.ts';
import { isIsoDay } from '../../../shared/iso-day.ts';
import { addDays, daysBetween, localDateOf } from '../../../shared/zoned-time.ts';
import type { Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { audit, type AuditActor } from '../identity/index.ts';
import type { TenantProfile } from '../tenants/index.ts';
import { PROCEDURE_EVENT_TYPES, type AnalyticsRepository, type Range } from './analytics.repository.ts';

/** Longest range one report covers, in days: a year and a bit, enough for annual reporting. */
export const MAX_RANGE_DAYS = 400;

export type { AnalyticsReport } from '../../../shared/api/analytics.ts';

export type CsvTable = 'procedures' | 'queries' | 'handoffs' | 'kiosks' | 'unanswered';

/** Every calendar day from `from` to `to`, both included. */
function daysFrom(from: string, to: string): string[] {
  return Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => addDays(from, i));
}

/** The council's figures for a date range, computed only from stored events. */
export class AnalyticsService {
  constructor(
    private readonly repo: AnalyticsRepository,
    private readonly db: Queryable,
  ) {}

  /** Validates a range (defaults: the last 30 days up to today in the council's time zone). */
  resolveRange(tenant: TenantProfile, from: string | undefined, to: string | undefined, now = new Date()): Range {
    const end = to ?? localDateOf(now, tenant.timeZone);
    const start = from ?? addDays(end, -29);
    if (!isIsoDay(start) || !isIsoDay(end)) throw new AppError('analytics.invalid_range');
    if (start > end) throw new AppError('analytics.invalid_range');
    if (daysBetween(start, end) > MAX_RANGE_DAYS) {
      throw new AppError('analytics.range_too_long', { params: { max: MAX_RANGE_DAYS } });
    }
    return { tenantId: tenant.id, timeZone: tenant.timeZone, from: start, to: end };
  }

  async report(range: Range): Promise<AnalyticsReport> {
    const [procedures, queries, handoffs, unanswered, kiosks, totals] = await Promise.all([
      this.repo.proceduresPerDay(range),
      this.repo.queriesPerDay(range),
      this.repo.handoffsPerDay(range),
      this.repo.topUnanswered(range, 20),
      this.repo.perKiosk(range),
      this.repo.totals(range),
    ]);
    const days = daysFrom(range.from, range.to);
    // Every day appears, with zeros, so charts and tables have no gaps.
    const proceduresPerDay = days.map((day) => ({
      day,
      byType: Object.fromEntries(PROCEDURE_EVENT_TYPES.map((t) => [t, procedures.find((p) => p.day === day && p.type === t)?.n ?? 0])),
    }));
    const languages = [...new Set(queries.map((q) => q.language))].sort();
    const queriesPerDay = days.map((day) => ({
      day,
      byLanguage: Object.fromEntries(languages.map((l) => [l, queries.find((q) => q.day === day && q.language === l)?.n ?? 0])),
    }));
    const kioskMap = new Map<string, Record<string, number>>();
    for (const k of kiosks) kioskMap.set(k.kiosk_id, { ...(kioskMap.get(k.kiosk_id) ?? {}), [k.type]: k.n });
    return {
      range: { from: range.from, to: range.to, timeZone: range.timeZone },
      totals: {
        procedures: totals.procedures,
        certificates: totals.certificates,
        payments: totals.payments,
        paidCents: totals.paid_cents,
        queries: totals.queries,
        resolvedQueries: totals.resolved,
        resolutionRate: totals.queries ? totals.resolved / totals.queries : null,
        handoffs: totals.handoffs,
      },
      proceduresPerDay,
      queriesPerDay,
      handoffsPerDay: days.map((day) => ({ day, count: handoffs.find((h) => h.day === day)?.n ?? 0 })),
      topUnanswered: unanswered.map((u) => ({ question: u.question, count: u.n })),
      kiosks: [...kioskMap.entries()].map(([kioskId, byType]) => ({ kioskId, byType, total: Object.values(byType).reduce((a, b) => a + b, 0) })),
    };
  }

  /** One table of the figures as CSV for a member of staff; the export is recorded in the audit log. */
  async exportCsv(range: Range, table: CsvTable, by: AuditActor): Promise<string> {
    const csv = this.toCsv(await this.report(range), table);
    await audit(this.db, by, { action: 'analytics.exported', details: { table, from: range.from, to: range.to } });
    return csv;
  }

  /** One CSV table per figure, RFC 4180 quoting, for spreadsheets. */
  toCsv(report: AnalyticsReport, table: CsvTable): string {
    const esc = (v: string | number) => {
      const s = String(v);
      // A leading = + - @ would run as a formula in a spreadsheet.
      const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const rows: (string | number)[][] = [];
    switch (table) {
      case 'procedures':
        rows.push(['day', ...PROCEDURE_EVENT_TYPES]);
        for (const d of report.proceduresPerDay) rows.push([d.day, ...PROCEDURE_EVENT_TYPES.map((t) => d.byType[t] ?? 0)]);
        break;
      case 'queries': {
        const langs = Object.keys(report.queriesPerDay[0]?.byLanguage ?? {});
        rows.push(['day', ...langs]);
        for (const d of report.queriesPerDay) rows.push([d.day, ...langs.map((l) => d.byLanguage[l] ?? 0)]);
        break;
      }
      case 'handoffs':
        rows.push(['day', 'handoffs']);
        for (const d of report.handoffsPerDay) rows.push([d.day, d.count]);
        break;
      case 'kiosks':
        rows.push(['kiosk', 'total']);
        for (const k of report.kiosks) rows.push([k.kioskId, k.total]);
        break;
      case 'unanswered':
        rows.push(['question', 'count']);
        for (const u of report.topUnanswered) rows.push([u.question, u.count]);
        break;
      default: {
        const never: never = table;
        throw new Error(`unknown table ${String(never)}`);
      }
    }
    return rows.map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n';
  }
}
