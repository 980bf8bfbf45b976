/** HTTP for data protection: admins only (retention settings and run, a citizen's export and erasure). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditActor, requireStaff } from '../identity/index.ts';
import type { PrivacyService } from './privacy.service.ts';
import {
  ZCitizenRequestSchema,
  ZErasureSchema,
  ZExportSchema,
  ZRetentionRunSchema,
  ZRetentionSchema,
} from './privacy.schemas.ts';

export function privacyRoutes(service: PrivacyService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['privacy'];
    r.get(
      '/api/v1/privacy/retention',
      { schema: { tags, summary: "The council's transcript retention period, days", response: { 200: ZRetentionSchema } } },
      async (req) => {
        requireStaff(req, 'admin');
        return { transcriptDays: req.requireTenant().retention.transcriptDays };
      },
    );
    r.post(
      '/api/v1/privacy/retention/run',
      { schema: { tags, summary: 'Run the retention job for this council now', response: { 200: ZRetentionRunSchema } } },
      async (req) => {
        const staff = requireStaff(req, 'admin');
        return service.enforceRetention(staff.tenantId, auditActor(req));
      },
    );
    r.post(
      '/api/v1/privacy/export',
      {
        schema: {
          tags,
          summary: "Export one citizen's data from every domain (JSON)",
          body: ZCitizenRequestSchema,
          response: { 200: ZExportSchema },
        },
      },
      async (req) => {
        const staff = requireStaff(req, 'admin');
        return service.exportCitizen(staff.tenantId, req.body.dni, auditActor(req));
      },
    );
    r.post(
      '/api/v1/privacy/erase',
      {
        schema: {
          tags,
          summary: "Erase one citizen's data in every domain",
          body: ZCitizenRequestSchema,
          response: { 200: ZErasureSchema },
        },
      },
      async (req) => {
        const staff = requireStaff(req, 'admin');
        return service.eraseCitizen(staff.tenantId, req.body.dni, auditActor(req));
      },
    );
  };
}
