import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';

/** Default request body limit in bytes; routes that need more say so with their own `bodyLimit`. */
export const DEFAULT_BODY_LIMIT = 65_536;

/** Deepest JSON nesting accepted (objects and arrays); our schemas need fewer than 10 levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether the matched route is throttled. Decided on the route pattern, never on the raw URL: the router
 * percent-decodes the path, so `/%61pi/v1/tenants` reaches `/api/v1/tenants` and must count the same.
 * Requests that match no route (404) and the web shell, static files and probes are not throttled.
 */
export function isRateLimitedRoute(req: FastifyRequest): boolean {
  const url = req.routeOptions.url;
  if (url === undefined) return false;
  if (req.routeOptions.config.rateLimit !== undefined) return true;
  return url.startsWith('/api/') || url === '/verify' || url.startsWith('/verify/');
}

/**
 * The depth of the deepest array or object in a JSON text, stopping as soon as it passes `max`.
 * One pass without allocation, so that 1 MB of `[[[[` costs a millisecond instead of a second of JSON.parse.
 * Brackets inside strings do not count; the text need not be valid JSON (JSON.parse judges that afterwards).
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** NUL, or a UTF-16 surrogate without its partner (valid JSON as `\ud800`, but not Unicode, so not storable). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string (value or key) PostgreSQL cannot store, with where it was (`query.q`, `body.text`...) and
 * why: text cannot hold NUL, and jsonb refuses lone surrogates. Undefined when every string is fine.
 */
function findUnstorable(value: unknown, where: string, depth = 0): { where: string; code: string } | undefined {
  if (typeof value === 'string') {
    const m = UNSTORABLE.exec(value);
    return m ? { where, code: m[0] === '\u0000' ? 'common.nul_byte' : 'common.invalid_unicode' } : undefined;
  }
  // JSON bodies are at most MAX_JSON_DEPTH deep; anything deeper did not come from a parser of ours.
  if (value === null || typeof value !== 'object' || depth > MAX_JSON_DEPTH + 1 || Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorable(value[i], `${where}.${i}`, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const hit = findUnstorable(k, `${where}.key`, depth + 1) ?? findUnstorable(v, `${where}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

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
      allowList: (req) => !isRateLimitedRoute(req),
    });

    // JSON bodies: nesting is bounded before JSON.parse runs (its cost grows badly with depth); prototype
    // poisoning keys are still refused by Fastify's own parser.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
        done(new AppError('common.json_too_deep', { params: { max: MAX_JSON_DEPTH } }), undefined);
        return;
      }
      // Fastify's own parser answers synchronously through done().
      void parseJson(req, text, done);
    });

    // Strings PostgreSQL cannot store (NUL, lone surrogates) are refused here, once for every route, instead of
    // a 500 from the database.
    app.addHook('preValidation', async (req) => {
      const hit = findUnstorable(req.params, 'params') ?? findUnstorable(req.query, 'query') ?? findUnstorable(req.body, 'body');
      if (hit) throw new AppError(hit.code, { status: 400, details: [{ path: hit.where.slice(0, 200) }] });
    });
  },
  { name: 'ventanilla-security' },
);
