/** HTTP for conversations (citizens, web/widget/kiosk) and mentored learning (staff). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireStaff } from '../identity/index.ts';
import type { AssistantService, Requester } from './assistant.service.ts';
import {
  ZConversationParamsSchema,
  ZLabelParamsSchema,
  ZLabelSchema,
  ZMessageResponseSchema,
  ZMessageSchema,
  ZReviewItemSchema,
  ZReviewQuerySchema,
  ZStartConversationSchema,
  ZStartedConversationSchema,
  ZTranscriptSchema,
} from './assistant.schemas.ts';

/** The cookie holding the owner token of this browser's conversations. */
export const CONVERSATION_COOKIE = 'vt_conv';
/** The same token for widgets on other sites, where the cookie does not travel. */
export const CONVERSATION_TOKEN_HEADER = 'x-conversation-token';
/** SSE keep-alive comment interval, ms: proxies drop idle streams after about a minute. */
const SSE_KEEPALIVE_MS = 25_000;

function requester(req: FastifyRequest): Requester {
  const header = req.headers[CONVERSATION_TOKEN_HEADER];
  const fromHeader = typeof header === 'string' && header.length >= 16 && header.length <= 128 ? header : undefined;
  const cookie = req.cookies[CONVERSATION_COOKIE];
  const auth = req.auth;
  return {
    ownerToken: fromHeader ?? (cookie && cookie.length <= 128 ? cookie : undefined),
    citizen: auth?.kind === 'citizen' ? { dni: auth.dni, givenName: auth.givenName } : undefined,
    requestId: req.id,
  };
}

function setOwnerCookie(reply: FastifyReply, token: string, isHttpsOnly: boolean): void {
  reply.setCookie(CONVERSATION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: isHttpsOnly, path: '/api/v1/conversations' });
}

export function assistantRoutes(service: AssistantService, opts: { isHttpsOnly: boolean }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['assistant'];

    r.post(
      '/api/v1/conversations',
      { schema: { tags, summary: 'Start a conversation with the assistant (welcome replies)', body: ZStartConversationSchema.optional(), response: { 201: ZStartedConversationSchema } } },
      async (req, reply) => {
        const tenant = req.requireTenant();
        const body = req.body ?? {};
        // Only a device holding a valid kiosk token (req.kioskId, set by the kiosk plugin) is a kiosk (LOW-7):
        // a body that merely says so would mislead agents and kiosk analytics, so it counts as the web.
        const kioskId = req.kioskId;
        const channel = kioskId ? 'kiosk' : body.channel === 'widget' ? 'widget' : 'web';
        const who = requester(req);
        const started = await service.start(tenant, { lang: body.lang ?? req.lang, channel, kioskId }, who);
        setOwnerCookie(reply, started.ownerToken, opts.isHttpsOnly);
        return reply.status(201).send({ id: started.id, language: started.language, token: started.ownerToken, replies: started.replies });
      },
    );

    r.post(
      '/api/v1/conversations/:id/messages',
      { schema: { tags, summary: 'Send a message or a quick-reply action; returns the replies', params: ZConversationParamsSchema, body: ZMessageSchema, response: { 200: ZMessageResponseSchema } } },
      async (req) => {
        const tenant = req.requireTenant();
        return service.message(tenant, req.params.id, { text: req.body.text, action: req.body.action }, requester(req));
      },
    );

    r.get(
      '/api/v1/conversations/:id',
      { schema: { tags, summary: 'The redacted transcript, for the conversation owner', params: ZConversationParamsSchema, response: { 200: ZTranscriptSchema } } },
      async (req) => service.transcript(req.requireTenant().id, req.params.id, requester(req)),
    );

    r.get(
      '/api/v1/conversations/:id/events',
      {
        schema: { tags, summary: 'Server-sent events: every new turn (assistant replies, staff messages)', params: ZConversationParamsSchema, querystring: z.object({ after: z.coerce.number().int().min(0).optional() }) },
      },
      async (req, reply) => {
        const tenantId = req.requireTenant().id;
        const id = req.params.id;
        await service.open(tenantId, id, requester(req));
        const lastEventId = Number(req.headers['last-event-id']);
        let last = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : (req.query.after ?? 0);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        raw.write(': connected\n\n');
        let isSending = false;
        let isClosed = false;
        // Sends every turn after `last`, in order; notifications only say "something new", the rows are the truth.
        const flush = async () => {
          if (isSending || isClosed) return;
          isSending = true;
          try {
            for (const turn of await service.turnsAfter(tenantId, id, last)) {
              if (isClosed) break;
              raw.write(`id: ${turn.seq}\nevent: turn\ndata: ${JSON.stringify(turn)}\n\n`);
              last = turn.seq;
            }
          } catch (err) {
            req.log.warn({ err }, 'assistant sse flush failed');
          } finally {
            isSending = false;
          }
        };
        const unsubscribe = await service.subscribe(id, (seq) => {
          if (seq > last) void flush().then(() => (seq > last ? flush() : undefined));
        });
        const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
        const close = () => {
          if (isClosed) return;
          isClosed = true;
          clearInterval(keepAlive);
          unsubscribe();
        };
        raw.on('close', close);
        await flush();
      },
    );

    // ---- mentored learning (staff: admin or editor) ----

    r.get(
      '/api/v1/nlu/review',
      { schema: { tags: ['nlu'], summary: 'Low-confidence or misunderstood citizen turns to review (redacted)', querystring: ZReviewQuerySchema, response: { 200: z.object({ items: z.array(ZReviewItemSchema) }) } } },
      async (req) => {
        const staff = requireStaff(req, 'editor');
        const m = req.query.misunderstood;
        return { items: await service.reviewQueue(staff.tenantId, { maxConfidence: req.query.maxConfidence, isMisunderstoodOnly: m === 'true' || m === '1', limit: req.query.limit }) };
      },
    );

    r.post(
      '/api/v1/nlu/review/:turnId/label',
      { schema: { tags: ['nlu'], summary: "Label a turn with the right intent: it joins the council's training phrases", params: ZLabelParamsSchema, body: ZLabelSchema, response: { 200: z.object({ turnId: z.number(), intent: z.string(), language: z.string() }) } } },
      async (req) => {
        const staff = requireStaff(req, 'editor');
        return service.label(staff.tenantId, req.params.turnId, req.body.intent, staff.staffId);
      },
    );

    r.post(
      '/api/v1/nlu/retrain',
      { schema: { tags: ['nlu'], summary: 'Retrain now (no restart); evaluation before and after', response: { 200: z.object({ examples: z.number(), trainMs: z.number(), before: z.unknown(), after: z.unknown() }) } } },
      async (req) => {
        const staff = requireStaff(req, 'editor');
        return service.retrain(staff.tenantId, staff.staffId);
      },
    );
  };
}
