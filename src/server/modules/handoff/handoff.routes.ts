/** HTTP and WebSocket for the staff inbox (agents) and for callback requests and office hours (citizens). */
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { StaffAuth } from '../../http-types.ts';
import { auditActor, requireStaff, SESSION_COOKIE } from '../identity/index.ts';
import type { HandoffService, StaffActor } from './handoff.service.ts';
import { EVENT_RECHECK_MS, guardSocketSession, SESSION_ENDED_CLOSE_CODE, type SessionResolver } from './handoff.socket-session.ts';
import {
  ZAcceptedSchema,
  ZCallbackRequestSchema,
  ZCallbackSchema,
  ZCallbacksQuerySchema,
  ZInboxSchema,
  ZOfficeHoursSchema,
  ZRequestParamsSchema,
  ZSendSchema,
  ZSocketInSchema,
  ZTranscriptSchema,
  ZTurnSchema,
} from './handoff.schemas.ts';

/** The inbox socket sends a ping this often, ms, so proxies keep it open. */
const PING_MS = 25_000;

function actorOf(staff: StaffAuth, req: FastifyRequest): StaffActor {
  return {
    tenantId: staff.tenantId,
    staffId: staff.staffId,
    name: staff.name,
    isAdmin: staff.roles.includes('admin'),
    actor: auditActor(req),
  };
}

function staffActor(req: FastifyRequest): StaffActor {
  return actorOf(requireStaff(req, 'agent'), req);
}

/** The session cookie's value when its signature holds (the socket re-reads the session with it). */
function sessionToken(req: FastifyRequest): string | undefined {
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const u = req.unsignCookie(raw);
  return u.valid && u.value ? u.value : undefined;
}

/** A browser socket must come from our own pages: the cookie alone would let another site open it. */
function isSameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // Non-browser clients send no Origin; the session cookie still decides.
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
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
      async (req) => {
        const rows = await service.callbacks(staffActor(req), req.query.status);
        return {
          items: rows.map((c) => ({
            id: c.id,
            name: c.name,
            phone: c.phone,
            preferredTime: c.preferred_time,
            language: c.language,
            status: c.status,
            createdAt: new Date(c.created_at).toISOString(),
          })),
        };
      },
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
    // Refused before the upgrade (plain 401/403), so a socket only ever opens for a signed-in agent.
    const checkSocket = async (req: FastifyRequest) => {
      if (!isSameOrigin(req)) throw new AppError('common.forbidden');
      staffActor(req);
    };
    app.get(
      '/api/v1/handoff/ws',
      {
        websocket: true,
        preValidation: checkSocket,
        schema: { tags, summary: 'WebSocket: inbox events, live turns, agent messages' },
      },
      async (socket, req) => {
        const opened = requireStaff(req, 'agent');
        const send = (m: object) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
        };
        // The session is read again before anything is accepted or forwarded: a signed-out, disabled or demoted
        // agent's socket is closed with 4401 instead of acting on the captured sign-in (MEDIUM-4).
        const guard = guardSocketSession({
          sessions,
          token: sessionToken(req),
          opened,
          ...(opts.recheckMs ? { recheckMs: opts.recheckMs } : {}),
          onEnded: (reason) => {
            if (reason === 'check_failed') req.log.warn('handoff socket closed: its session could not be read');
            if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(SESSION_ENDED_CLOSE_CODE, 'session_ended');
          },
        });
        const staffNow = () => actorOf(guard.current(), req);
        // Events go out in order, each after a recent enough check (one read serves a burst).
        let outgoing = Promise.resolve();
        const forward = (m: object) => {
          outgoing = outgoing.then(async () => {
            if (await guard.isLive(EVENT_RECHECK_MS)) send(m);
          });
        };
        const watches = new Map<number, () => void>();
        // Listeners are attached before any await: a message sent right after the upgrade must not be lost.
        const stopInbox = service.subscribeInbox(opened.tenantId, (e) => forward({ type: 'inbox', event: e }));
        const ping = setInterval(() => socket.ping(), PING_MS);
        socket.on('message', (raw: Buffer) => {
          void (async () => {
            if (!(await guard.isLive(0, true))) return;
            const staff = staffNow();
            let msg: z.infer<typeof ZSocketInSchema>;
            try {
              msg = ZSocketInSchema.parse(JSON.parse(raw.toString('utf8')));
            } catch {
              send({ type: 'error', code: 'handoff.bad_message' });
              return;
            }
            try {
              switch (msg.type) {
                case 'watch': {
                  if (watches.has(msg.requestId)) return;
                  const requestId = msg.requestId;
                  watches.set(requestId, () => undefined);
                  const stop = await service.watch(staff, requestId, msg.after, (turn) =>
                    forward({ type: 'turn', requestId, turn }),
                  );
                  watches.set(requestId, stop);
                  // Through the same queue as the turns it announces, so the order on the wire is kept.
                  forward({ type: 'watching', requestId });
                  return;
                }
                case 'send': {
                  await service.send(staff, msg.requestId, msg.text);
                  return;
                }
                default: {
                  const exhaustive: never = msg;
                  return exhaustive;
                }
              }
            } catch (err) {
              if (msg.type === 'watch') watches.delete(msg.requestId);
              send({ type: 'error', code: err instanceof AppError ? err.code : 'common.unexpected', requestId: msg.requestId });
            }
          })();
        });
        socket.on('close', () => {
          clearInterval(ping);
          guard.stop();
          for (const stop of watches.values()) stop();
          watches.clear();
          void stopInbox.then((stop) => stop()).catch(() => undefined);
        });
        await stopInbox;
      },
    );
  });
}
