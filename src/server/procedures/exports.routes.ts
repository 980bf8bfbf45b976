import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireStaff } from '../modules/identity/index.ts';
import type { OutboxOperations } from './outbox.ts';
import { procedureContext } from './procedure-http.ts';
import { ZFailedExportListSchema, ZRetryParamsSchema, type FailedExport, type OutboxName } from './exports.schemas.ts';

const TAGS = ['staff'];

/**
 * Staff (admin): the filings, appointment events and payments the council's own registry, calendar or tax system
 * refused for good, and sending one again once the cause is fixed. The same operations as `ventanilla exports`.
 */
export function exportsRoutes(
  outboxes: Record<OutboxName, OutboxOperations>,
  /** Each outbox's sender: a row sent again is sent at once rather than at the next run of the job. */
  senders: Partial<Record<OutboxName, () => Promise<number>>> = {},
) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/api/v1/staff/exports/failed', { schema: { tags: TAGS, summary: 'Staff: deliveries refused for good', response: { 200: ZFailedExportListSchema } } }, async (req) => {
      const staff = requireStaff(req, 'admin');
      const items: FailedExport[] = [];
      for (const [outbox, ops] of Object.entries(outboxes) as [OutboxName, OutboxOperations][]) {
        for (const row of await ops.failed(staff.tenantId)) {
          items.push({ outbox, key: row.key, attempts: row.attempts, lastError: row.last_error, createdAt: new Date(row.created_at).toISOString(), about: row.about });
        }
      }
      return { items: items.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
    });

    r.post(
      '/api/v1/staff/exports/:outbox/:key/retry',
      { schema: { tags: TAGS, summary: 'Staff: send a refused delivery again (at once)', params: ZRetryParamsSchema } },
      async (req, reply) => {
        const staff = requireStaff(req, 'admin');
        await outboxes[req.params.outbox].requeue(staff.tenantId, req.params.key, { actor: { type: 'staff', id: staff.staffId }, ctx: procedureContext(req) });
        // Not awaited: a slow registry must not hold the page; the outcome shows in the list (and the audit log).
        void senders[req.params.outbox]?.().catch((err: unknown) => req.log.error({ err }, 'sending a requeued export failed'));
        return reply.code(204).send();
      },
    );
  };
}
