import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { localize, publicTenant, type TenantRegistry } from '../modules/tenants/index.ts';
import { PATH_TENANT_HEADER } from './context.ts';

export interface WebOptions {
  /** The built web app (vite build output). */
  distDir: string;
  tenants: TenantRegistry;
}


function escapeJsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const SPA_PREFIXES = ['/kiosk', '/staff', '/observatory', '/my', '/procedures', '/chat', '/signin', '/widget-demo', '/payments'];

/**
 * Serves the React app. index.html gets the page language, the council's colours and a JSON boot
 * block (not a script, so the CSP stays strict) before it leaves the server.
 */
export const webPlugin = fp(
  async (app: FastifyInstance, opts: WebOptions) => {
    const indexFile = path.join(opts.distDir, 'index.html');
    let template: string | undefined;
    const readTemplate = (): string | undefined => {
      if (template) return template;
      if (!existsSync(indexFile)) return undefined;
      template = readFileSync(indexFile, 'utf8');
      return template;
    };

    if (existsSync(opts.distDir)) {
      await app.register(fastifyStatic, {
        root: opts.distDir,
        prefix: '/',
        index: false,
        wildcard: false,
        cacheControl: false,
        setHeaders(reply: FastifyReply, file: string) {
          // Vite fingerprints assets, so they never change under the same name.
          if (file.includes(`${path.sep}assets${path.sep}`)) void reply.header('cache-control', 'public, max-age=31536000, immutable');
          else void reply.header('cache-control', 'no-cache');
        },
      });
    }

    const renderShell = async (req: FastifyRequest, reply: FastifyReply) => {
      const html = readTemplate();
      if (!html) {
        return reply.status(503).type('text/plain; charset=utf-8').send('The web app is not built yet: run `npm run build`.');
      }
      const tenant = req.tenant;
      const pathTenant = req.headers[PATH_TENANT_HEADER];
      const boot = {
        lang: req.lang,
        basePath: typeof pathTenant === 'string' ? `/t/${pathTenant}` : '',
        tenant: tenant ? publicTenant(tenant) : null,
        tenants: opts.tenants.list().map((t) => ({ id: t.id, names: t.names, languages: t.languages })),
      };
      const title = tenant ? localize(tenant.names, req.lang, tenant) : 'Ventanilla';
      const theme = tenant
        ? `<style>:root{--brand:${tenant.branding.primaryColor};--on-brand:${tenant.branding.onPrimaryColor};--bg:${tenant.branding.backgroundColor};--fg:${tenant.branding.textColor}}</style>`
        : '';
      const page = html
        .replace('<html lang="es">', `<html lang="${req.lang}">`)
        .replace('<title>Ventanilla</title>', `<title>${title.replace(/</g, '&lt;')}</title>${theme}`)
        .replace('<script id="boot" type="application/json">{}</script>', `<script id="boot" type="application/json">${escapeJsonForHtml(boot)}</script>`);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
    };

    app.get('/', { schema: { hide: true } }, renderShell);
    for (const prefix of SPA_PREFIXES) {
      app.get(prefix, { schema: { hide: true } }, renderShell);
      app.get(`${prefix}/*`, { schema: { hide: true } }, renderShell);
    }

    app.get('/branding/logo', { schema: { hide: true } }, async (req, reply) => {
      const t = req.requireTenant();
      const file = opts.tenants.loaded(t.id)?.logoPath;
      if (!file) throw new AppError('common.not_found');
      const type = file.endsWith('.svg') ? 'image/svg+xml' : 'image/png';
      return reply.type(type).header('cache-control', 'public, max-age=3600').send(readFileSync(file));
    });
  },
  { name: 'ventanilla-web' },
);
