import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditActor, requireStaff } from '../identity/index.ts';
import { ZAnalyticsCsvQuerySchema, ZAnalyticsQuerySchema, ZAnalyticsReportSchema } from './analytics.schemas.ts';
import type { AnalyticsService } from './analytics.service.ts';

export function analyticsRoutes(deps: { analytics: AnalyticsService }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/v1/analytics',
      { schema: { tags: ['analytics'], summary: "The council's figures for a date range (staff: admin, analyst)", querystring: ZAnalyticsQuerySchema, response: { 200: ZAnalyticsReportSchema } } },
      async (req) => {
        const tenant = req.requireTenant();
        requireStaff(req, 'admin', 'analyst');
        return deps.analytics.report(deps.analytics.resolveRange(tenant, req.query.from, req.query.to));
      },
    );
    r.get(
      '/api/v1/analytics/export.csv',
      { schema: { tags: ['analytics'], summary: 'One table of the figures as CSV (staff: admin, analyst)', querystring: ZAnalyticsCsvQuerySchema } },
      async (req, reply) => {
        const tenant = req.requireTenant();
        requireStaff(req, 'admin', 'analyst');
        const range = deps.analytics.resolveRange(tenant, req.query.from, req.query.to);
        const csv = await deps.analytics.exportCsv(range, req.query.table, auditActor(req));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${tenant.id}-${req.query.table}-${range.from}-${range.to}.csv"`)
          .send(csv);
      },
    );
  };
}
