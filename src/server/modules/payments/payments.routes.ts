import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { procedureContext } from '../../procedures/index.ts';
import { requireCitizen, requireStaff } from '../identity/index.ts';
import {
  ZGatewayParamsSchema,
  ZIdParamsSchema,
  ZPaymentListSchema,
  ZPaymentSchema,
  ZPendingItemSchema,
  ZPendingListSchema,
  ZRefundCaseListSchema,
  ZRefundCaseSchema,
  ZResolveRefundSchema,
  ZReminderPrefsSchema,
  ZReminderPrefsViewSchema,
  ZStartPaymentSchema,
  ZStartedPaymentSchema,
} from './payments.schemas.ts';
import type { PaymentsService } from './payments.service.ts';

const TAGS = ['payments'];

/** Receipts and fines of the signed-in citizen, starting payments, the gateway's notifications, receipts. */
export function paymentsRoutes(service: PaymentsService) {
  return async (app: FastifyInstance) => {
    // Gateways post notifications as HTML forms (Redsys); encapsulated to this plugin.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/api/v1/payments/pending', { schema: { tags: TAGS, summary: 'What I have to pay', response: { 200: ZPendingListSchema } } }, async (req) => {
      const me = requireCitizen(req);
      const items = await service.listPending(me.tenantId, me.dni, req.lang);
      return { items, totalDueCents: items.reduce((s, i) => s + i.amountDueCents, 0) };
    });

    r.get('/api/v1/payments/debts/:id', { schema: { tags: TAGS, summary: 'One of my receipts or fines', params: ZIdParamsSchema, response: { 200: ZPendingItemSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return service.getDebt(me.tenantId, me.dni, req.params.id, req.lang);
    });

    r.post(
      '/api/v1/payments',
      {
        schema: {
          tags: TAGS,
          summary: 'Start paying a receipt or fine (201), or get the order already open for it (200, same body): never two open orders',
          body: ZStartPaymentSchema,
          response: { 200: ZStartedPaymentSchema, 201: ZStartedPaymentSchema },
        },
      },
      async (req, reply) => {
        const me = requireCitizen(req);
        const { isReused, ...started } = await service.startPayment(me.tenantId, me.dni, req.body, procedureContext(req));
        return reply.code(isReused ? 200 : 201).send(started);
      },
    );

    r.get('/api/v1/payments', { schema: { tags: TAGS, summary: 'My payments, with any refund in my language', response: { 200: ZPaymentListSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return { payments: await service.listPayments(me.tenantId, me.dni, req.lang) };
    });

    r.get('/api/v1/payments/:id', { schema: { tags: TAGS, summary: 'One of my payments', params: ZIdParamsSchema, response: { 200: ZPaymentSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return service.getPayment(me.tenantId, me.dni, req.params.id, req.lang);
    });

    r.get('/api/v1/staff/refunds', { schema: { tags: ['staff'], summary: 'Staff (admin): money gateways took that no receipt kept, and how it goes back', response: { 200: ZRefundCaseListSchema } } }, async (req, reply) => {
      const staff = requireStaff(req, 'admin');
      reply.header('cache-control', 'private, no-store');
      return { items: await service.listRefundCases(staff.tenantId) };
    });

    r.post(
      '/api/v1/staff/refunds/:id/resolve',
      { schema: { tags: ['staff'], summary: 'Staff (admin): mark a refund case refunded, or refunded by hand (audited)', params: ZIdParamsSchema, body: ZResolveRefundSchema, response: { 200: ZRefundCaseSchema } } },
      async (req) => {
        const staff = requireStaff(req, 'admin');
        return service.resolveRefundCase(staff.tenantId, req.params.id, req.body.action, { actor: { type: 'staff', id: staff.staffId }, ctx: procedureContext(req) });
      },
    );

    r.get('/api/v1/payments/:id/receipt', { schema: { tags: TAGS, summary: 'The signed payment receipt (PDF)', params: ZIdParamsSchema } }, async (req, reply) => {
      const me = requireCitizen(req);
      const doc = await service.receiptPdf(me.tenantId, me.dni, req.params.id, procedureContext(req));
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${doc.fileName}"`).header('cache-control', 'private, no-store').send(doc.pdf);
    });

    r.get('/api/v1/payments/reminders', { schema: { tags: TAGS, summary: 'My payment reminder choice', response: { 200: ZReminderPrefsViewSchema } } }, async (req, reply) => {
      const me = requireCitizen(req);
      reply.header('cache-control', 'private, no-store');
      return service.getReminderPreferences(me.tenantId, me.dni);
    });

    r.put('/api/v1/payments/reminders', { schema: { tags: TAGS, summary: 'Turn payment reminders by e-mail and/or SMS on or off', body: ZReminderPrefsSchema, response: { 200: ZReminderPrefsViewSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return service.setReminderPreferences(me.tenantId, me.dni, req.body, procedureContext(req));
    });

    // Server to server from the gateway: no session, no CSRF; the gateway's signature is the authentication.
    r.post(
      '/api/v1/payments/notifications/:gateway',
      { schema: { tags: TAGS, summary: 'Gateway notification (signed); idempotent', params: ZGatewayParamsSchema }, config: { csrf: false } },
      async (req) => {
        const tenant = req.requireTenant();
        const result = await service.handleNotification(tenant.id, req.params.gateway, req.body);
        return { outcome: result.outcome };
      },
    );
  };
}
