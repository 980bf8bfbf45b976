import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireCitizen } from '../identity/index.ts';
import { procedureContext } from '../../procedures/index.ts';
import { ZCertificateListSchema, ZCodeParamsSchema, ZIssueCertificateSchema, ZIssuedCertificateSchema } from './padron.schemas.ts';
import type { PadronService } from './padron.service.ts';

/** Padrón certificates for the signed-in citizen. */
export function padronRoutes(service: PadronService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/v1/certificates/padron',
      {
        schema: {
          tags: ['padron'],
          summary: 'Issue a signed padrón certificate (individual or collective); honours the Idempotency-Key header',
          body: ZIssueCertificateSchema,
          response: { 201: ZIssuedCertificateSchema },
        },
      },
      async (req, reply) => {
        const me = requireCitizen(req);
        const key = req.headers['idempotency-key'];
        const doc = await service.issueCertificate(me.tenantId, me.dni, req.body, procedureContext(req), typeof key === 'string' && key.length <= 200 ? key : undefined);
        return reply.code(201).send({ code: doc.code, displayCode: doc.displayCode, verifyUrl: doc.verifyUrl, url: doc.pdfPath, kind: doc.kind, language: doc.language });
      },
    );

    r.get('/api/v1/certificates/padron', { schema: { tags: ['padron'], summary: 'My padrón certificates', response: { 200: ZCertificateListSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return { certificates: await service.listMine(me.tenantId, me.dni) };
    });

    r.get('/api/v1/certificates/padron/:code/pdf', { schema: { tags: ['padron'], summary: 'The signed PDF of one of my certificates', params: ZCodeParamsSchema } }, async (req, reply) => {
      const me = requireCitizen(req);
      const { pdf, fileName } = await service.certificatePdf(me.tenantId, me.dni, req.params.code, procedureContext(req));
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${fileName}"`).header('cache-control', 'private, no-store').send(pdf);
    });
  };
}
