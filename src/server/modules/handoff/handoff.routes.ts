/** HTTP for the staff inbox (agents) and for callback requests and office hours (citizens); the socket is handoff.socket.ts. */
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActor, requireStaff } from '../identity/index.ts';
import { staffActorOf, type HandoffService, type StaffActor } from './handoff.service.ts';
import { registerInboxSocket } from './handoff.socket.ts';
import type { SessionResolver } from './handoff.socket-session.ts';
import {
  ZAcceptedSchema,
  ZCallbackRequestSchema,
  ZCallbackSchema,
  ZCallbacksQuerySchema,
  ZInboxSchema,
  ZOfficeHoursSchema,
  ZRequestParamsSchema,
  ZSendSchema,
  ZTranscriptSchema,
  ZTurnSchema,
} from './handoff.schemas.ts';

/** The agent behind a request (401/403 unless signed in as an agent or admin). */
function staffActor(req: FastifyRequest): StaffActor {
  return staffActorOf(requireStaff(req, 'agent'), auditActor(req));
}

/**
 * `sessions` is identity's service: the inbox socket re-reads its session with it (MEDIUM-4).
 * `recheckMs` is how often a silent socket re-checks (tests shorten it).
 */
export function handoffRoutes(service: HandoffService, sessions: SessionResolver, opts: { recheckMs?: number } = {}) {
  return fp(async (app: FastifyInstance) => {
    if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: 16_384 } });
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['handoff'];

    r.get(
      '/api/v1/handoff/hours',
      {
        schema: {
          tags,
          summary: 'Whether staff answer now, the hours, and the out-of-hours message',
          response: { 200: ZOfficeHoursSchema },
        },
      },
      async (req) => service.officeHours(req.requireTenant(), req.lang),
    );

    r.post(
      '/api/v1/handoff/callbacks',
      {
        schema: {
          tags,
          summary: 'Ask to be called back by staff (citizens)',
          body: ZCallbackRequestSchema,
          response: { 201: z.object({ id: z.number() }) },
        },
      },
      async (req, reply) => {
        const tenant = req.requireTenant();
        const dni = req.auth?.kind === 'citizen' ? req.auth.dni : null;
        const res = await service.requestCallback(tenant, { ...req.body, lang: req.lang, citizenDni: dni }, auditActor(req));
        return reply.status(201).send(res);
      },
    );

    r.get(
      '/api/v1/handoff/callbacks',
      {
        schema: {
          tags,
          summary: 'Callback requests (agents)',
          querystring: ZCallbacksQuerySchema,
          response: { 200: z.object({ items: z.array(ZCallbackSchema) }) },
        },
      },
      async (req) => ({ items: await service.callbacks(staffActor(req), req.query.status) }),
    );

    r.post(
      '/api/v1/handoff/callbacks/:id/done',
      {
        schema: {
          tags,
          summary: 'Mark a callback as made (agents)',
          params: ZRequestParamsSchema,
          response: { 200: z.object({ ok: z.literal(true) }) },
        },
      },
      async (req) => {
        await service.markCallbackDone(staffActor(req), req.params.id);
        return { ok: true as const };
      },
    );

    r.get(
      '/api/v1/handoff/requests',
      {
        schema: {
          tags,
          summary: 'The inbox: conversations waiting for a person, and those being answered',
          response: { 200: ZInboxSchema },
        },
      },
      async (req) => {
        const staff = staffActor(req);
        return { items: await service.inbox(staff), officeHours: service.officeHours(req.requireTenant(), req.lang) };
      },
    );

    r.post(
      '/api/v1/handoff/requests/:id/accept',
      {
        schema: {
          tags,
          summary: 'Accept a waiting conversation (one agent wins; 409 handoff.already_taken for the others)',
          params: ZRequestParamsSchema,
          response: { 200: ZAcceptedSchema },
        },
      },
      async (req) => service.accept(staffActor(req), req.params.id),
    );

    r.get(
      '/api/v1/handoff/requests/:id/transcript',
      {
        schema: {
          tags,
          summary: 'The redacted transcript of a held conversation',
          params: ZRequestParamsSchema,
          response: { 200: ZTranscriptSchema },
        },
      },
      async (req) => service.transcript(staffActor(req), req.params.id),
    );

    r.post(
      '/api/v1/handoff/requests/:id/messages',
      {
        schema: {
          tags,
          summary: 'Send a message to the citizen',
          params: ZRequestParamsSchema,
          body: ZSendSchema,
          response: { 201: ZTurnSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await service.send(staffActor(req), req.params.id, req.body.text)),
    );

    r.post(
      '/api/v1/handoff/requests/:id/close',
      {
        schema: {
          tags,
          summary: 'End the hand-off: the assistant takes over again',
          params: ZRequestParamsSchema,
          response: { 200: z.object({ ok: z.literal(true) }) },
        },
      },
      async (req) => {
        await service.close(staffActor(req), req.params.id);
        return { ok: true as const };
      },
    );

    // Live: inbox events and the turns of watched conversations; messages can be sent on it too.
    registerInboxSocket(app, service, sessions, opts);
  });
}
