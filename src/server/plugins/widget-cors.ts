import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { TenantProfile } from '../modules/tenants/index.ts';

/** Only the assistant's endpoints are open to other sites: never sign-in, procedures or staff APIs. */
const WIDGET_PATH = /^\/api\/v1\/(conversations|ask)(\/|\?|$)/;

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The council's own websites (profile `websites`) and this server may call the assistant from a browser. */
export function widgetOrigins(tenant: TenantProfile, publicUrl: string): Set<string> {
  const out = new Set<string>();
  for (const w of tenant.websites) {
    const o = originOf(w.url);
    if (o) out.add(o);
  }
  const self = originOf(publicUrl);
  if (self) out.add(self);
  return out;
}

function allow(req: FastifyRequest, reply: FastifyReply, publicUrl: string): boolean {
  const origin = req.headers.origin;
  void reply.header('vary', 'Origin');
  if (!origin || !req.tenant || !WIDGET_PATH.test(req.url)) return false;
  if (!widgetOrigins(req.tenant, publicUrl).has(origin)) return false;
  void reply.header('access-control-allow-origin', origin);
  // No credentials: the widget sends no cookies, so a council site can never act as a signed-in citizen.
  void reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
  void reply.header('access-control-allow-headers', 'content-type, accept, accept-language, x-conversation-token');
  void reply.header('access-control-max-age', '600');
  return true;
}

/** CORS for the embeddable widget (issue 6), scoped to /api/v1/conversations* and /api/v1/ask. */
export const widgetCorsPlugin = fp(
  async (app: FastifyInstance, opts: { publicUrl: string }) => {
    app.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'OPTIONS') allow(req, reply, opts.publicUrl);
    });
    const preflight = async (req: FastifyRequest, reply: FastifyReply) => {
      const ok = allow(req, reply, opts.publicUrl);
      return reply.status(ok ? 204 : 403).send();
    };
    for (const path of ['/api/v1/conversations', '/api/v1/conversations/*', '/api/v1/ask']) {
      app.options(path, { schema: { hide: true }, config: { csrf: false } }, preflight);
    }
  },
  { name: 'ventanilla-widget-cors' },
);
