import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.ts';
import { procedureContext } from '../connectors/procedure-http.ts';
import { requireCitizen, requireStaff } from '../identity/index.ts';
import {
  ZAttachmentParamsSchema,
  ZCreateFilingFieldsSchema,
  ZFilingDetailSchema,
  ZFilingListSchema,
  ZIdParamsSchema,
  ZNumberParamsSchema,
  ZStaffListQuerySchema,
  ZStatusUpdateSchema,
} from './filings.schemas.ts';
import type { FilingsService, NewAttachment } from './filings.service.ts';

const TAGS = ['filings'];

/** Generic filing for the signed-in citizen (multipart with attachments) and the staff's status updates. */
export function filingsRoutes(service: FilingsService) {
  return async (app: FastifyInstance) => {
    // Encapsulated: multipart only for this module's routes, with the module's limits (busboy enforces them while streaming).
    await app.register(multipart, {
      limits: { fileSize: service.limits.maxFileBytes, files: service.limits.maxFiles, fields: 10, fieldSize: 32_768, parts: service.limits.maxFiles + 10 },
      throwFileSizeLimit: true,
    });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/filings',
      { schema: { tags: TAGS, summary: 'File an application (multipart: subject, body, departmentId, attachments[])', consumes: ['multipart/form-data'], response: { 201: ZFilingDetailSchema } } },
      async (req, reply) => {
        const me = requireCitizen(req);
        if (!req.isMultipart()) throw new AppError('filings.multipart_required', { status: 415 });
        const fields: Record<string, string> = {};
        const files: NewAttachment[] = [];
        for await (const part of req.parts()) {
          if (part.type === 'file') files.push({ fileName: part.filename, data: await part.toBuffer() });
          else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        }
        const parsed = ZCreateFilingFieldsSchema.safeParse(fields);
        if (!parsed.success) {
          throw new AppError('common.validation', { status: 400, details: parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message })) });
        }
        return reply.code(201).send(await service.create(me.tenantId, me.dni, { ...parsed.data, attachments: files }, procedureContext(req)));
      },
    );

    r.get('/api/v1/filings', { schema: { tags: TAGS, summary: 'My filings', response: { 200: ZFilingListSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return { filings: await service.listMine(me.tenantId, me.dni, req.lang) };
    });

    r.get('/api/v1/filings/status/:number', { schema: { tags: TAGS, summary: 'Status of one of my filings by registry number', params: ZNumberParamsSchema, response: { 200: ZFilingDetailSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return service.status(me.tenantId, me.dni, req.params.number, req.lang);
    });

    r.get('/api/v1/filings/:id', { schema: { tags: TAGS, summary: 'One of my filings', params: ZIdParamsSchema, response: { 200: ZFilingDetailSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return service.get(me.tenantId, me.dni, req.params.id, req.lang);
    });

    r.get('/api/v1/filings/:id/receipt', { schema: { tags: TAGS, summary: 'The signed filing receipt (justificante, PDF)', params: ZIdParamsSchema } }, async (req, reply) => {
      const me = requireCitizen(req);
      const doc = await service.receiptPdf(me.tenantId, me.dni, req.params.id, procedureContext(req));
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${doc.fileName}"`).header('cache-control', 'private, no-store').send(doc.pdf);
    });

    r.get('/api/v1/filings/:id/attachments/:attachmentId', { schema: { tags: TAGS, summary: 'One attachment of my filing', params: ZAttachmentParamsSchema } }, async (req, reply) => {
      const me = requireCitizen(req);
      const a = await service.attachment(me.tenantId, me.dni, req.params.id, req.params.attachmentId, procedureContext(req));
      return reply.type(a.mimeType).header('content-disposition', `attachment; filename="${encodeURIComponent(a.fileName)}"`).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').send(a.data);
    });

    r.get('/api/v1/staff/filings', { schema: { tags: TAGS, summary: 'Staff: the council filings', querystring: ZStaffListQuerySchema, response: { 200: ZFilingListSchema } } }, async (req) => {
      const staff = requireStaff(req, 'agent');
      return { filings: await service.listForStaff(staff.tenantId, req.query, req.lang) };
    });

    r.post(
      '/api/v1/staff/filings/:id/status',
      { schema: { tags: TAGS, summary: 'Staff: move a filing to a new status', params: ZIdParamsSchema, body: ZStatusUpdateSchema, response: { 200: ZFilingDetailSchema } } },
      async (req) => {
        const staff = requireStaff(req, 'agent');
        return service.updateStatus(staff.tenantId, { type: 'staff', id: staff.staffId }, req.params.id, req.body, procedureContext(req));
      },
    );
  };
}
