import multipart from '@fastify/multipart';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.ts';
import { procedureContext } from '../../procedures/index.ts';
import { requireCitizen, requireStaff } from '../identity/index.ts';
import {
  MAX_CHARS,
  ZAttachmentParamsSchema,
  ZCreateFilingFieldsSchema,
  ZFilingDetailSchema,
  ZFilingListSchema,
  ZIdParamsSchema,
  ZNumberParamsSchema,
  ZStaffListQuerySchema,
  ZStatusUpdateSchema,
} from './filings.schemas.ts';
import type { FilingLimits, FilingsService, NewAttachment } from './filings.service.ts';
import { cleanFileName, contentDisposition } from '../storage/index.ts';

const TAGS = ['filings'];
/** Text fields per form: subject, body, departmentId and room for a client's extras; the rest is refused (413). */
const MAX_FIELDS = 10;
/**
 * Bytes busboy keeps of one field. Fields are limited in characters (MAX_CHARS); a character is at most 4 bytes of
 * UTF-8, so no field within its character limit is ever cut, and a longer one is refused, never stored truncated.
 */
const FIELD_BYTES = 4 * Math.max(...Object.values(MAX_CHARS));
/** After an early answer the rest of the body is read and dropped, up to this many seconds; then the socket is closed. */
const DRAIN_SECONDS = 30;

/** The Idempotency-Key header: printable ASCII, at most 200 characters; anything else is a 400, not ignored. */
function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header)) throw new AppError('filings.invalid_idempotency_key');
  return header;
}

/**
 * Reads the multipart form. Every limit answers at once with its own translated 413 naming the field, file or
 * limit; the rest of the body is then drained (see `release`) so the answer reaches clients that send the whole
 * body before reading (no `Expect: 100-continue`) and a kept-alive connection stays usable.
 */
async function readForm(req: FastifyRequest, limits: FilingLimits): Promise<{ fields: Record<string, string>; files: NewAttachment[] }> {
  const fields: Record<string, string> = {};
  const files: NewAttachment[] = [];
  let fileName: string | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        fileName = part.filename;
        files.push({ fileName: part.filename, data: await part.toBuffer() });
        fileName = undefined;
        continue;
      }
      const max = part.fieldname in MAX_CHARS ? MAX_CHARS[part.fieldname as keyof typeof MAX_CHARS] : FIELD_BYTES / 4;
      const value = typeof part.value === 'string' ? part.value : '';
      if (part.fieldnameTruncated || part.valueTruncated || value.trim().length > max) {
        throw new AppError('filings.field_too_long', { params: { field: part.fieldname.slice(0, 40), max } });
      }
      fields[part.fieldname] = value;
    }
  } catch (err) {
    release(req.raw, limits);
    throw translateLimit(err, limits, fileName);
  }
  return { fields, files };
}

/** busboy's limits as the module's own errors: which file, which limit, in the citizen's language. */
function translateLimit(err: unknown, limits: FilingLimits, fileName: string | undefined): unknown {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('filings.file_too_large', { params: { name: cleanFileName(fileName ?? ''), maxMb: Math.floor(limits.maxFileBytes / 1_048_576) } });
    case 'FST_FILES_LIMIT':
      return new AppError('filings.too_many_files', { params: { max: limits.maxFiles } });
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('filings.too_many_fields', { params: { max: MAX_FIELDS } });
    default:
      return err;
  }
}

/**
 * Reads and drops what is left of a request answered early. Without it, the parser stops reading: a client that
 * writes the whole body before reading (most do without `Expect: 100-continue`) never sees the answer, and the next
 * request on a kept-alive connection waits behind the unread bytes. Bounded: past the largest acceptable form, or
 * after DRAIN_SECONDS, the socket is closed instead.
 */
function release(raw: IncomingMessage, limits: FilingLimits): void {
  if (raw.readableEnded || raw.destroyed) return;
  const maxBytes = limits.maxFiles * limits.maxFileBytes + MAX_FIELDS * FIELD_BYTES + 1_048_576;
  let seen = 0;
  const timer = setTimeout(() => raw.socket.destroy(), DRAIN_SECONDS * 1000);
  timer.unref();
  raw.once('end', () => clearTimeout(timer));
  raw.once('close', () => clearTimeout(timer));
  raw.unpipe();
  raw.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) raw.socket.destroy();
  });
  raw.resume();
}


/** Generic filing for the signed-in citizen (multipart with attachments) and the staff's status updates. */
export function filingsRoutes(service: FilingsService) {
  return async (app: FastifyInstance) => {
    // Encapsulated: multipart only for this module's routes, with the module's limits (busboy enforces them while streaming).
    await app.register(multipart, {
      limits: { fileSize: service.limits.maxFileBytes, files: service.limits.maxFiles, fields: MAX_FIELDS, fieldSize: FIELD_BYTES, fieldNameSize: 100, parts: service.limits.maxFiles + MAX_FIELDS },
      throwFileSizeLimit: true,
    });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/filings',
      {
        schema: {
          tags: TAGS,
          summary: 'File an application (multipart: subject, body, departmentId, attachments[]); honours the Idempotency-Key header (a retry answers 200 with the first filing)',
          consumes: ['multipart/form-data'],
          response: { 200: ZFilingDetailSchema, 201: ZFilingDetailSchema },
        },
      },
      async (req, reply) => {
        const me = requireCitizen(req);
        if (!req.isMultipart()) throw new AppError('filings.multipart_required');
        const idempotencyKey = readIdempotencyKey(req.headers['idempotency-key']);
        const { fields, files } = await readForm(req, service.limits);
        const parsed = ZCreateFilingFieldsSchema.safeParse(fields);
        if (!parsed.success) {
          throw new AppError('common.validation', { details: parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message })) });
        }
        const { filing, isNew } = await service.register(me.tenantId, me.dni, { ...parsed.data, attachments: files, idempotencyKey }, procedureContext(req));
        return reply.code(isNew ? 201 : 200).send(filing);
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
      return reply.type('application/pdf').header('content-disposition', contentDisposition('inline', doc.fileName)).header('cache-control', 'private, no-store').send(doc.pdf);
    });

    r.get('/api/v1/filings/:id/attachments/:attachmentId', { schema: { tags: TAGS, summary: 'One attachment of my filing', params: ZAttachmentParamsSchema } }, async (req, reply) => {
      const me = requireCitizen(req);
      const a = await service.attachment(me.tenantId, me.dni, req.params.id, req.params.attachmentId, procedureContext(req));
      return reply.type(a.mimeType).header('content-disposition', contentDisposition('attachment', a.fileName)).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').send(a.data);
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
