/** HTTP for knowledge: citizens ask; staff read crawl reports and edit FAQ entries. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import {
  ZAskRequestSchema,
  ZAskResponseSchema,
  ZCrawlListSchema,
  ZCrawlParamsSchema,
  ZCrawlReportSchema,
  ZFaqInputSchema,
  ZFaqListSchema,
  ZFaqParamsSchema,
  ZFaqSchema,
} from './knowledge.schemas.ts';
import type { AskService, KnowledgeService } from './knowledge.service.ts';

export function knowledgeRoutes(knowledge: KnowledgeService, ask: AskService, tenants: TenantRegistry) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/ask',
      { schema: { tags: ['knowledge'], summary: "Answer a question from the council's website and FAQ, with sources", body: ZAskRequestSchema, response: { 200: ZAskResponseSchema } } },
      async (req) => {
        const tenant = req.body.tenant ? tenants.get(req.body.tenant) : req.tenant;
        if (!tenant) throw new AppError('tenants.required', { status: 400 });
        return ask.ask({ question: req.body.question, lang: req.body.lang ?? req.lang, tenantId: tenant.id });
      },
    );

    // Staff only from here on: crawl reports and FAQ editing. The identity module's role guard (editor/admin)
    // is to be added in front of these routes.
    r.get(
      '/api/v1/knowledge/crawls',
      { schema: { tags: ['knowledge'], summary: 'Crawl reports of the council, newest first (staff)', response: { 200: ZCrawlListSchema } } },
      async (req) => ({ crawls: await knowledge.listCrawls(req.requireTenant().id) }),
    );
    r.get(
      '/api/v1/knowledge/crawls/:id',
      { schema: { tags: ['knowledge'], summary: 'One crawl report with skipped/failed/removed URLs and reasons (staff)', params: ZCrawlParamsSchema, response: { 200: ZCrawlReportSchema } } },
      async (req) => knowledge.getCrawl(req.requireTenant().id, req.params.id),
    );
    r.get(
      '/api/v1/knowledge/faqs',
      { schema: { tags: ['knowledge'], summary: 'FAQ entries written by staff (staff)', response: { 200: ZFaqListSchema } } },
      async (req) => ({ faqs: await knowledge.listFaqs(req.requireTenant().id) }),
    );
    r.post(
      '/api/v1/knowledge/faqs',
      { schema: { tags: ['knowledge'], summary: 'Add an FAQ entry; it outranks crawled pages (staff)', body: ZFaqInputSchema, response: { 201: ZFaqSchema } } },
      async (req, reply) => {
        const faq = await knowledge.createFaq(req.requireTenant().id, req.body);
        return reply.code(201).send(faq);
      },
    );
    r.put(
      '/api/v1/knowledge/faqs/:id',
      { schema: { tags: ['knowledge'], summary: 'Replace an FAQ entry (staff)', params: ZFaqParamsSchema, body: ZFaqInputSchema, response: { 200: ZFaqSchema } } },
      async (req) => knowledge.updateFaq(req.requireTenant().id, req.params.id, req.body),
    );
    r.delete(
      '/api/v1/knowledge/faqs/:id',
      { schema: { tags: ['knowledge'], summary: 'Delete an FAQ entry (staff)', params: ZFaqParamsSchema, response: { 204: z.null() } } },
      async (req, reply) => {
        await knowledge.deleteFaq(req.requireTenant().id, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
