import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';
import '../../http-types.ts';
import type { KiosksService } from './kiosks.service.ts';

export const KIOSK_COOKIE = 'vt_kiosk';

/** The device cookie survives the citizen wipe: it says which kiosk this is, not who uses it. */
export function setKioskCookie(reply: FastifyReply, tenantId: string, kioskId: string, token: string, isHttpsOnly: boolean): void {
  reply.setCookie(KIOSK_COOKIE, `${tenantId}|${kioskId}|${token}`, {
    httpOnly: true,
    sameSite: 'strict',
    secure: isHttpsOnly,
    path: '/',
    signed: true,
    maxAge: 365 * 24 * 3600,
  });
}

function readKioskCredentials(req: FastifyRequest): { tenantId?: string; kioskId: string; token: string } | undefined {
  const id = req.headers['x-kiosk-id'];
  const token = req.headers['x-kiosk-token'];
  if (typeof id === 'string' && typeof token === 'string') return { kioskId: id, token };
  const raw = req.cookies[KIOSK_COOKIE];
  if (!raw) return undefined;
  const u = req.unsignCookie(raw);
  if (!u.valid || !u.value) return undefined;
  const [tenantId, kioskId, secret] = u.value.split('|');
  return tenantId && kioskId && secret ? { tenantId, kioskId, token: secret } : undefined;
}

/**
 * Marks requests from a registered kiosk (device cookie or X-Kiosk-Id/X-Kiosk-Token headers):
 * req.kioskId and req.channel = 'kiosk'. Registered before identity so sign-ins know the kiosk.
 */
export const kioskPlugin = fp(
  async (app: FastifyInstance, opts: { kiosks: KiosksService }) => {
    app.addHook('onRequest', async (req) => {
      const creds = readKioskCredentials(req);
      if (!creds || !req.tenant) return;
      if (creds.tenantId && creds.tenantId !== req.tenant.id) return;
      try {
        const kiosk = opts.kiosks.authenticate(req.tenant, creds.kioskId, creds.token);
        req.kioskId = kiosk.id;
        req.channel = 'kiosk';
      } catch (err) {
        // A stale device cookie (token rotated) must not block the page: the kiosk simply is not recognised.
        if (!(err instanceof AppError)) throw err;
      }
    });
  },
  { name: 'ventanilla-kiosk', dependencies: ['ventanilla-context'] },
);
