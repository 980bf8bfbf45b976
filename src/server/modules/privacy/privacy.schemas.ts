import { z } from 'zod';

export const ZCitizenRequestSchema = z.object({ dni: z.string().min(8).max(12) });
export const ZRetentionRunSchema = z.object({
  tenantId: z.string(),
  transcriptDays: z.number(),
  cutoff: z.string(),
  deletedConversations: z.number(),
});
export const ZRetentionSchema = z.object({ transcriptDays: z.number() });
export const ZExportSchema = z.object({ dni: z.string(), exportedAt: z.string(), domains: z.record(z.string(), z.unknown()) });
export const ZErasureSchema = z.object({
  dni: z.string(),
  domains: z.record(z.string(), z.object({ erased: z.number(), retained: z.string().optional() })),
});
