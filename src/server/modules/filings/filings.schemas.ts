import { z } from 'zod';

export const ZFilingStatusEnum = z.enum(['registered', 'in_review', 'needs_info', 'resolved', 'rejected']);

/** Longest text fields, in characters (UTF-16 units, what a textarea's maxlength counts), never in bytes. */
export const MAX_CHARS = { subject: 200, body: 20_000, departmentId: 64 } as const;

/** The text fields of the multipart form (files come as parts named "attachments"). */
export const ZCreateFilingFieldsSchema = z.object({
  subject: z.string().trim().min(3).max(MAX_CHARS.subject),
  body: z.string().trim().min(1).max(MAX_CHARS.body),
  departmentId: z.string().min(1).max(MAX_CHARS.departmentId),
});

export const ZFilingSummarySchema = z.object({
  id: z.string(),
  registryNumber: z.string(),
  subject: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  status: ZFilingStatusEnum,
  createdAt: z.string(),
  receiptCode: z.string().nullable(),
});

export const ZFilingDetailSchema = ZFilingSummarySchema.extend({
  body: z.string(),
  attachments: z.array(z.object({ id: z.string(), fileName: z.string(), mimeType: z.string(), sizeBytes: z.number(), sha256: z.string() })),
  history: z.array(z.object({ status: ZFilingStatusEnum, note: z.string().nullable(), at: z.string(), by: z.string() })),
});

export const ZFilingListSchema = z.object({ filings: z.array(ZFilingSummarySchema) });
export const ZIdParamsSchema = z.object({ id: z.string().uuid() });
export const ZAttachmentParamsSchema = z.object({ id: z.string().uuid(), attachmentId: z.string().uuid() });
export const ZNumberParamsSchema = z.object({ number: z.string().regex(/^[Rr][Ee][Gg]-\d{4}-\d{6}$/) });
export const ZStatusUpdateSchema = z.object({ status: ZFilingStatusEnum, note: z.string().max(2000).optional() });
export const ZStaffListQuerySchema = z.object({ departmentId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });
