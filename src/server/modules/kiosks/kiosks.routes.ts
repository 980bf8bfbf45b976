import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.ts';
import { auditActor, requireStaff, SESSION_COOKIE } from '../identity/index.ts';
import { setKioskCookie } from './kiosks.plugin.ts';
import { ZActivateKioskSchema, ZFleetSchema, ZHeartbeatResponseSchema, ZHeartbeatSchema, ZKioskSelfSchema } from './kiosks.schemas.ts';
import { HEARTBEAT_INTERVAL_MS, type KioskSessions, type KiosksService } from './kiosks.service.ts';

function requireKiosk(kioskId: string | undefined): string {
  if (!kioskId) throw new AppError('kiosks.not_a_kiosk');
  return kioskId;
}

export function kiosksRoutes(deps: { kiosks: KiosksService; identity: KioskSessions; isHttpsOnly: boolean }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/kiosks/activate',
      { config: { csrf: false }, schema: { tags: ['kiosks'], summary: 'Register this device as a kiosk with its secret token', body: ZActivateKioskSchema, response: { 200: ZKioskSelfSchema } } },
      async (req, reply) => {
        const tenant = req.requireTenant();
        const kiosk = await deps.kiosks.activate(tenant, req.body.kioskId, req.body.token, auditActor(req));
        setKioskCookie(reply, tenant.id, kiosk.id, req.body.token, deps.isHttpsOnly);
        return { id: kiosk.id, names: kiosk.names, heartbeatMs: HEARTBEAT_INTERVAL_MS };
      },
    );

    r.get('/api/v1/kiosks/me', { schema: { tags: ['kiosks'], summary: 'Which kiosk this device is', response: { 200: ZKioskSelfSchema } } }, async (req) => {
      const tenant = req.requireTenant();
      const id = requireKiosk(req.kioskId);
      const kiosk = tenant.kiosks.find((k) => k.id === id);
      if (!kiosk) throw new AppError('kiosks.not_a_kiosk');
      return { id: kiosk.id, names: kiosk.names, heartbeatMs: HEARTBEAT_INTERVAL_MS };
    });

    r.post(
      '/api/v1/kiosks/heartbeat',
      { config: { csrf: false }, schema: { tags: ['kiosks'], summary: 'Kiosk heartbeat (every 30 s)', body: ZHeartbeatSchema, response: { 200: ZHeartbeatResponseSchema } } },
      async (req) => deps.kiosks.heartbeat(req.requireTenant(), requireKiosk(req.kioskId), req.body),
    );

    r.post(
      '/api/v1/kiosks/wipe',
      // The wipe must work even when the citizen session is already gone or its CSRF token was lost.
      { config: { csrf: false }, schema: { tags: ['kiosks'], summary: 'End every citizen session on this kiosk (idle timeout or "finish")' } },
      async (req, reply) => {
        const tenant = req.requireTenant();
        const kioskId = requireKiosk(req.kioskId);
        await deps.kiosks.wipe(tenant.id, kioskId, auditActor(req), deps.identity);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        // The assistant's owner cookie (issue 6: the wipe leaves no cookie but the device's).
        reply.clearCookie('vt_conv', { path: '/api/v1/conversations' });
        return reply.status(204).send();
      },
    );

    r.get('/api/v1/kiosks', { schema: { tags: ['kiosks'], summary: 'The kiosk fleet (staff)', response: { 200: ZFleetSchema } } }, async (req) => {
      const tenant = req.requireTenant();
      requireStaff(req, 'admin', 'agent', 'analyst');
      return { kiosks: await deps.kiosks.fleet(tenant) };
    });
  };
}
