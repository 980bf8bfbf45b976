import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isLanguage, pickAcceptLanguage, type Language } from '../../shared/languages.ts';
import { AppError } from '../errors.ts';
import { tenantLanguage, type TenantProfile, type TenantRegistry } from '../modules/tenants/index.ts';
import '../http-types.ts';

/** Set by rewriteUrl when the path started with /t/<id>/; never trusted from the client. */
export const PATH_TENANT_HEADER = 'x-ventanilla-path-tenant';

/**
 * Strips a /t/<id> prefix so one set of routes serves every council, remembering the id.
 * Runs before routing (Fastify's rewriteUrl).
 */
export function rewriteTenantPrefix(req: { url?: string; headers: Record<string, string | string[] | undefined> }): string {
  delete req.headers[PATH_TENANT_HEADER];
  const url = req.url ?? '/';
  const m = /^\/t\/([a-z0-9][a-z0-9-]{0,62})(\/.*|\?.*)?$/.exec(url);
  if (!m?.[1]) return url;
  req.headers[PATH_TENANT_HEADER] = m[1];
  const rest = m[2] ?? '/';
  return rest.startsWith('?') ? `/${rest}` : rest;
}

function firstString(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function resolveTenant(req: FastifyRequest, tenants: TenantRegistry): TenantProfile | undefined {
  const fromPath = firstString(req.headers[PATH_TENANT_HEADER]);
  if (fromPath) {
    const t = tenants.find(fromPath);
    if (!t || !t.routing.pathPrefix) throw new AppError('tenants.not_found', { params: { id: fromPath } });
    return t;
  }
  const byHost = tenants.fromHost(req.hostname);
  if (byHost) return byHost;
  const explicit = firstString(req.headers['x-tenant']) ?? firstString((req.query as Record<string, unknown> | undefined)?.tenant);
  if (explicit) {
    const t = tenants.find(explicit);
    if (!t) throw new AppError('tenants.not_found', { params: { id: explicit } });
    return t;
  }
  return tenants.single();
}

function resolveLanguage(req: FastifyRequest, tenant: TenantProfile | undefined): Language {
  const q = firstString((req.query as Record<string, unknown> | undefined)?.lang);
  const cookie = req.cookies?.lang;
  const wish: Language | undefined =
    (isLanguage(q) ? q : undefined) ??
    (isLanguage(cookie) ? cookie : undefined) ??
    pickAcceptLanguage(req.headers['accept-language'], tenant?.languages);
  if (tenant) return tenantLanguage(tenant, wish);
  return wish ?? 'es';
}

/** Decorates every request with its council and language. */
export const contextPlugin = fp(
  async (app: FastifyInstance, opts: { tenants: TenantRegistry }) => {
    app.decorateRequest('lang', 'es');
    app.decorateRequest('tenant', undefined);
    app.decorateRequest('auth', undefined);
    app.decorateRequest('kioskId', undefined);
    app.decorateRequest('channel', 'web');
    app.decorateRequest('requireTenant', function (this: FastifyRequest): TenantProfile {
      if (!this.tenant) throw new AppError('tenants.required');
      return this.tenant;
    });
    app.addHook('onRequest', async (req) => {
      // Language first, so that even a tenant error is translated.
      req.lang = resolveLanguage(req, undefined);
      req.tenant = resolveTenant(req, opts.tenants);
      req.lang = resolveLanguage(req, req.tenant);
    });
    // JSON bodies may name the council ({ "tenant": "alacant" }), as the public API promises.
    app.addHook('preValidation', async (req) => {
      if (req.tenant) return;
      const body = req.body as Record<string, unknown> | undefined;
      const id = body && typeof body === 'object' ? firstString(body.tenant) : undefined;
      if (!id) return;
      const t = opts.tenants.find(id);
      if (!t) throw new AppError('tenants.not_found', { params: { id } });
      req.tenant = t;
      const bodyLang = body?.lang;
      req.lang = tenantLanguage(t, isLanguage(bodyLang) ? bodyLang : req.lang);
    });
  },
  { name: 'ventanilla-context', dependencies: ['@fastify/cookie'] },
);
