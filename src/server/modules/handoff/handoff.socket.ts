/**
 * The staff inbox over a WebSocket: inbox events (queued, accepted, closed), the live turns of the conversations the
 * agent watches, and messages the agent sends. The protocol (ZSocketInSchema in, `inbox` / `watching` / `turn` /
 * `error` out) lives here; the behaviour is HandoffService's, the same methods the HTTP routes call.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../../errors.ts';
import { auditActor, requireStaff, SESSION_COOKIE } from '../identity/index.ts';
import { ZSocketInSchema } from './handoff.schemas.ts';
import { staffActorOf, type HandoffService } from './handoff.service.ts';
import { EVENT_RECHECK_MS, guardSocketSession, SESSION_ENDED_CLOSE_CODE, type SessionResolver } from './handoff.socket-session.ts';

/** The inbox socket sends a ping this often, ms, so proxies keep it open. */
const PING_MS = 25_000;

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
 * Registers GET /api/v1/handoff/ws on `app` (which must have @fastify/websocket). `sessions` is identity's service:
 * the socket re-reads its session with it (MEDIUM-4). `recheckMs` is how often a silent socket re-checks.
 */
export function registerInboxSocket(app: FastifyInstance, service: HandoffService, sessions: SessionResolver, opts: { recheckMs?: number } = {}): void {
  // Refused before the upgrade (plain 401/403), so a socket only ever opens for a signed-in agent.
  const checkSocket = async (req: FastifyRequest) => {
    if (!isSameOrigin(req)) throw new AppError('common.forbidden');
    requireStaff(req, 'agent');
  };
  app.get(
    '/api/v1/handoff/ws',
    {
      websocket: true,
      preValidation: checkSocket,
      schema: { tags: ['handoff'], summary: 'WebSocket: inbox events, live turns, agent messages' },
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
      const staffNow = () => staffActorOf(guard.current(), auditActor(req));
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
                const stop = await service.watch(staff, requestId, msg.after, (turn) => forward({ type: 'turn', requestId, turn }));
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
}
