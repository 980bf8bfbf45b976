import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicTenant } from './tenants.presenters.ts';
import type { TenantRegistry } from './tenants.service.ts';

const ZLocalizedTextSchema = z.object({ es: z.string().optional(), ca: z.string().optional(), en: z.string().optional() });
const ZTenantSummarySchema = z.object({ id: z.string(), names: ZLocalizedTextSchema, languages: z.array(z.string()), defaultLanguage: z.string() });

/** Public information about the councils served here. */
export function tenantsRoutes(tenants: TenantRegistry) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/v1/tenants',
      { schema: { tags: ['tenants'], summary: 'Councils served by this deployment', response: { 200: z.object({ tenants: z.array(ZTenantSummarySchema) }) } } },
      async () => ({ tenants: tenants.list().map((t) => ({ id: t.id, names: t.names, languages: t.languages, defaultLanguage: t.defaultLanguage })) }),
    );
    r.get(
      '/api/v1/tenants/:id',
      { schema: { tags: ['tenants'], summary: "A council's public profile", params: z.object({ id: z.string() }) } },
      async (req) => publicTenant(tenants.get(req.params.id)),
    );
  };
}
