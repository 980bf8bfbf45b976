import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';

export interface SecurityOptions {
  config: Config;
  /** Extra origins a form may post to (a payment gateway's page). */
  formActionOrigins?: string[];
}

/**
 * Security headers with a real Content-Security-Policy (no inline scripts anywhere), signed cookies,
 * and per-IP rate limits on the API.
 */
export const securityPlugin = fp(
  async (app: FastifyInstance, opts: SecurityOptions) => {
    await app.register(cookie, { secret: opts.config.SESSION_SECRET, hook: 'onRequest' });
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // React sets style attributes (e.g. text size); no CSS is loaded from elsewhere.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'font-src': ["'self'"],
          'connect-src': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'", ...(opts.formActionOrigins ?? [])],
          'frame-ancestors': ["'self'"],
          ...(opts.config.isHttpsOnly ? { 'upgrade-insecure-requests': [] } : {}),
        },
      },
      hsts: opts.config.isHttpsOnly ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      // The widget script is loaded by municipal sites on other origins.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      crossOriginEmbedderPolicy: false,
    });
    await app.register(rateLimit, {
      global: true,
      max: opts.config.RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      // Static files and probes are cheap and must not lock out a kiosk behind a shared IP.
      allowList: (req) => !req.url.startsWith('/api/') && !req.url.startsWith('/verify/'),
    });
  },
  { name: 'ventanilla-security' },
);
