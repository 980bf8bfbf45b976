import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { createBus } from './bus/bus.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { TenantRegistry, type LoadedTenant } from './modules/tenants/index.ts';
import { pinoRedactionOptions, redact, redactDeep } from './modules/moderation/index.ts';
import { registerModules } from './modules/registry.ts';
import { contextPlugin, rewriteTenantPrefix } from './plugins/context.ts';
import { errorsPlugin, sendErrorCode } from './plugins/errors.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { DEFAULT_BODY_LIMIT, securityPlugin } from './plugins/security.ts';
import { webPlugin } from './plugins/web.ts';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST_DIR = path.join(ROOT_DIR, 'dist/web');
/** The package version, read once at start (shown in the OpenAPI document). */
export const VERSION = readPackageVersion();

function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

export interface AppDeps {
  config: Config;
  db: Db;
  tenants: readonly LoadedTenant[];
  /** Override for tests. */
  webDistDir?: string;
  /** Pino logger options, or false to silence. */
  logger?: boolean | Record<string, unknown>;
}

/**
 * Redacts the free text of a log object; request, response and error objects are left to their serializers
 * (copying them here would lose the getters the serializers read).
 */
function redactLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  const { req, res, err, ...rest } = obj;
  return { ...redactDeep(rest), ...(req === undefined ? {} : { req }), ...(res === undefined ? {} : { res }), ...(err === undefined ? {} : { err }) };
}

/** Paths logged without their query strings: questions and names must never reach the logs. */
function redactedUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Builds the app (plugins, modules, routes) without listening, so tests use `app.inject`.
 * Order: external plugins -> our cross-cutting plugins -> domain modules -> web shell.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const registry = new TenantRegistry(deps.tenants);
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : {
            // Free text in log lines (messages, fields, errors) is redacted like transcripts: no DNI, IBAN, card, phone or e-mail.
            hooks: pinoRedactionOptions().hooks,
            formatters: { log: redactLogObject },
            level: deps.config.LOG_LEVEL,
            redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], remove: true },
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactedUrl(req.url), id: req.id }),
              err: (err: Error) => {
                const e = pino.stdSerializers.err(err);
                return { ...e, message: redact(e.message).text, stack: e.stack ? redact(e.stack).text : e.stack };
              },
            },
            ...(typeof deps.logger === 'object' ? deps.logger : {}),
          },
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    rewriteUrl: (req) => rewriteTenantPrefix(req as { url?: string; headers: Record<string, string | string[] | undefined> }),
    // Small by default: every byte of JSON is parsed on the event loop. Routes that need more raise their own limit.
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Only the configured proxies' X-Forwarded-For counts (rate limits and logs key on req.ip).
    trustProxy: deps.config.TRUSTED_PROXIES.split(',').map((p) => p.trim()),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(errorsPlugin);
  await app.register(securityPlugin, { config: deps.config });
  await app.register(contextPlugin, { tenants: registry });
  await app.register(metricsPlugin, { token: deps.config.METRICS_TOKEN });
  await app.register(openapiPlugin, { publicUrl: deps.config.PUBLIC_URL, version: VERSION });

  const bus = await createBus(deps.db, deps.config.REDIS_URL);
  await registerModules(app, { config: deps.config, db: deps.db, bus, tenants: registry, loadedTenants: deps.tenants });

  await app.register(webPlugin, { distDir: deps.webDistDir ?? WEB_DIST_DIR, tenants: registry });

  app.setNotFoundHandler((req, reply) => sendErrorCode(reply, req.lang, 'common.not_found'));
  app.addHook('onClose', async () => {
    await bus.close();
    await deps.db.close();
  });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
