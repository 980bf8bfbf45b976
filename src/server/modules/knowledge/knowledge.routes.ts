/** HTTP for knowledge: citizens ask; staff read crawl reports and edit FAQ entries. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { auditActor, requireStaff } from '../identity/index.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import type { FastifyRequest } from 'fastify';
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

const ZSitesSchema = z.object({
  sites: z.array(
    z.object({
      id: z.string(),
      url: z.string(),
      recrawlHours: z.number(),
      status: z.enum(['running', 'done', 'failed']).nullable(),
      lastRunAt: z.string().nullable(),
      lastCrawlId: z.number().nullable(),
      errors: z.number(),
    }),
  ),
});

/** Crawl reports are read by those who run the sources or the figures; FAQ entries are edited by editors. */
const readersOnly = async (req: FastifyRequest) => {
  requireStaff(req, 'admin', 'editor', 'analyst');
};
const editorsOnly = async (req: FastifyRequest) => {
  requireStaff(req, 'admin', 'editor');
};

export function knowledgeRoutes(knowledge: KnowledgeService, ask: AskService, tenants: TenantRegistry) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/ask',
      { schema: { tags: ['knowledge'], summary: "Answer a question from the council's website and FAQ, with sources", body: ZAskRequestSchema, response: { 200: ZAskResponseSchema } } },
      async (req) => {
        const tenant = req.body.tenant ? tenants.get(req.body.tenant) : req.tenant;
        if (!tenant) throw new AppError('tenants.required');
        return ask.ask({ question: req.body.question, lang: req.body.lang ?? req.lang, tenantId: tenant.id });
      },
    );

    // Staff only from here on: crawl reports and FAQ editing, behind the role guards above.
    r.get(
      '/api/v1/knowledge/crawls',
      { preHandler: readersOnly, schema: { tags: ['knowledge'], summary: 'Crawl reports of the council, newest first (staff)', response: { 200: ZCrawlListSchema } } },
      async (req) => ({ crawls: await knowledge.listCrawls(req.requireTenant().id) }),
    );
    r.get(
      '/api/v1/knowledge/crawls/:id',
      { preHandler: readersOnly, schema: { tags: ['knowledge'], summary: 'One crawl report with skipped/failed/removed URLs and reasons (staff)', params: ZCrawlParamsSchema, response: { 200: ZCrawlReportSchema } } },
      async (req) => knowledge.getCrawl(req.requireTenant().id, req.params.id),
    );
    r.get(
      '/api/v1/knowledge/faqs',
      { preHandler: editorsOnly, schema: { tags: ['knowledge'], summary: 'FAQ entries written by staff (staff)', response: { 200: ZFaqListSchema } } },
      async (req) => ({ faqs: await knowledge.listFaqs(req.requireTenant().id) }),
    );
    r.post(
      '/api/v1/knowledge/faqs',
      { preHandler: editorsOnly, schema: { tags: ['knowledge'], summary: 'Add an FAQ entry; it outranks crawled pages (staff)', body: ZFaqInputSchema, response: { 201: ZFaqSchema } } },
      async (req, reply) => {
        return reply.code(201).send(await knowledge.createFaq(req.requireTenant().id, req.body, auditActor(req)));
      },
    );
    r.put(
      '/api/v1/knowledge/faqs/:id',
      { preHandler: editorsOnly, schema: { tags: ['knowledge'], summary: 'Replace an FAQ entry (staff)', params: ZFaqParamsSchema, body: ZFaqInputSchema, response: { 200: ZFaqSchema } } },
      async (req) => knowledge.updateFaq(req.requireTenant().id, req.params.id, req.body, auditActor(req)),
    );
    r.delete(
      '/api/v1/knowledge/faqs/:id',
      { preHandler: editorsOnly, schema: { tags: ['knowledge'], summary: 'Delete an FAQ entry (staff)', params: ZFaqParamsSchema, response: { 204: z.null() } } },
      async (req, reply) => {
        await knowledge.deleteFaq(req.requireTenant().id, req.params.id, auditActor(req));
        return reply.code(204).send(null);
      },
    );
    r.get(
      '/api/v1/knowledge/sites',
      { preHandler: readersOnly, schema: { tags: ['knowledge'], summary: "The council's websites with their latest crawl (staff)", response: { 200: ZSitesSchema } } },
      async (req) => {
        const tenant = req.requireTenant();
        const crawls = await knowledge.listCrawls(tenant.id);
        return {
          sites: tenant.websites.map((w, i) => {
            const last = crawls.find((c) => c.startUrl === w.url);
            return {
              id: String(i),
              url: w.url,
              recrawlHours: w.recrawlHours,
              status: last?.status ?? null,
              lastRunAt: last?.startedAt ?? null,
              lastCrawlId: last?.id ?? null,
              errors: last ? (last.counts.failed ?? 0) : 0,
            };
          }),
        };
      },
    );
    r.post(
      '/api/v1/knowledge/sites/:id/recrawl',
      { preHandler: editorsOnly, schema: { tags: ['knowledge'], summary: 'Recrawl one website now; the report appears in the crawl list (staff)', params: z.object({ id: z.coerce.number().int().min(0) }), response: { 202: z.object({ accepted: z.literal(true) }) } } },
      async (req, reply) => {
        // A crawl takes minutes: answer at once, the crawl report records how it went.
        await knowledge.requestRecrawl(req.requireTenant().id, req.params.id, auditActor(req), (err) => req.log.error({ err }, 'recrawl failed'));
        return reply.code(202).send({ accepted: true });
      },
    );
  };
}
