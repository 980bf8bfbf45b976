import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { pingDatabase } from './system.repository.ts';

const ZHealthSchema = z.object({ status: z.literal('ok') });
const ZReadySchema = z.object({ status: z.enum(['ready']), database: z.enum(['pglite', 'postgres']) });

/** Liveness and readiness probes for orchestrators and load balancers. */
export function systemRoutes(db: Db) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get('/health', { schema: { tags: ['system'], summary: 'The process is alive', response: { 200: ZHealthSchema } } }, async () => ({ status: 'ok' as const }));
    r.get(
      '/ready',
      { schema: { tags: ['system'], summary: 'The database answers', response: { 200: ZReadySchema } } },
      async (req) => {
        try {
          await pingDatabase(db);
          return { status: 'ready' as const, database: db.kind };
        } catch (err) {
          req.log.error({ err }, 'readiness check failed');
          throw new AppError('system.database_unreachable');
        }
      },
    );
  };
}
