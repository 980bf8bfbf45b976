import { z } from 'zod';
import { zIsoDay } from '../../../shared/iso-day.ts';

const IsoDate = zIsoDay();
export const ZAnalyticsQuerySchema = z.object({ from: IsoDate.optional(), to: IsoDate.optional(), tenant: z.string().optional(), lang: z.string().optional() });
export const ZAnalyticsCsvQuerySchema = ZAnalyticsQuerySchema.extend({ table: z.enum(['procedures', 'queries', 'handoffs', 'kiosks', 'unanswered']) });
export const ZAnalyticsReportSchema = z.object({
  range: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
  totals: z.object({
    procedures: z.number(),
    certificates: z.number(),
    payments: z.number(),
    paidCents: z.number(),
    queries: z.number(),
    resolvedQueries: z.number(),
    resolutionRate: z.number().nullable(),
    handoffs: z.number(),
  }),
  proceduresPerDay: z.array(z.object({ day: z.string(), byType: z.record(z.string(), z.number()) })),
  queriesPerDay: z.array(z.object({ day: z.string(), byLanguage: z.record(z.string(), z.number()) })),
  handoffsPerDay: z.array(z.object({ day: z.string(), count: z.number() })),
  topUnanswered: z.array(z.object({ question: z.string(), count: z.number() })),
  kiosks: z.array(z.object({ kioskId: z.string(), total: z.number(), byType: z.record(z.string(), z.number()) })),
});
