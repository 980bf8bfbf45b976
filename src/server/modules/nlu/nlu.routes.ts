import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { requireStaff } from '../identity/index.ts';
import type { StaffAuth } from '../../http-types.ts';
import {
  ZAddPhraseRequestSchema,
  ZEvaluationSummarySchema,
  ZParseRequestSchema,
  ZParseResponseSchema,
  ZPhraseSchema,
  ZTrainResponseSchema,
} from './nlu.schemas.ts';
import type { NluService } from './nlu.service.ts';

/** Staff who curate the assistant's training data: admins and content editors. */
function requireTrainer(req: FastifyRequest): StaffAuth {
  // The shared guard: 401 for citizens and other councils' sessions like every staff route, 403 for other roles.
  return requireStaff(req, 'editor');
}

/** POST /api/v1/nlu/parse (public) and the staff endpoints of mentored learning. */
export function nluRoutes(nlu: NluService) {
  return async (app: FastifyInstance) => {
    // Train at start (once per process, about half a second), not on the first citizen's message.
    app.addHook('onReady', async () => {
      nlu.warmUp();
      await nlu.restoreTenantModels();
    });
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/v1/nlu/parse',
      { schema: { tags: ['nlu'], summary: 'Language, intent with alternatives, and entities of one message', body: ZParseRequestSchema, response: { 200: ZParseResponseSchema } } },
      async (req) => {
        const tenantId = req.body.tenant ?? req.tenant?.id;
        if (req.body.tenant && req.tenant && req.body.tenant !== req.tenant.id) throw new AppError('nlu.tenant_mismatch');
        return nlu.parse({ text: req.body.text, lang: req.body.lang, tenantId, conversationLang: req.lang });
      },
    );
    r.post(
      '/api/v1/nlu/phrases',
      { schema: { tags: ['nlu'], summary: 'Add a training phrase for this council (staff)', body: ZAddPhraseRequestSchema, response: { 201: ZPhraseSchema } } },
      async (req, reply) => {
        const staff = requireTrainer(req);
        const p = await nlu.addPhrase({ tenantId: staff.tenantId, ...req.body, createdBy: staff.staffId });
        return reply.status(201).send({ id: p.id, lang: p.lang, intent: p.intent, text: p.text, source: p.source, createdBy: p.createdBy, createdAt: p.createdAt.toISOString() });
      },
    );
    r.post(
      '/api/v1/nlu/train',
      { schema: { tags: ['nlu'], summary: "Retrain this council's model now and compare with the previous one (staff)", response: { 200: ZTrainResponseSchema } } },
      async (req) => {
        const staff = requireTrainer(req);
        const res = await nlu.train(staff.tenantId, { trainedBy: staff.staffId });
        return { examples: res.examples, intents: res.intents, trainMs: res.trainMs, versionId: res.version?.id ?? null, before: res.before, after: res.after };
      },
    );
    r.get(
      '/api/v1/nlu/evaluation',
      { schema: { tags: ['nlu'], summary: "Evaluation of this council's current model (staff)", response: { 200: ZEvaluationSummarySchema } } },
      async (req) => nlu.evaluate(requireTrainer(req).tenantId),
    );
    r.get(
      '/api/v1/nlu/intents',
      { schema: { tags: ['nlu'], summary: 'Intents the assistant understands for this council', response: { 200: z.object({ intents: z.array(z.string()) }) } } },
      async (req) => ({ intents: nlu.intentNames(req.tenant?.id) }),
    );
  };
}
