import { z } from 'zod';

/** The outboxes staff can look into: deliveries to a council's own registry, calendar and tax system. */
export const ZOutboxNameEnum = z.enum(['filings', 'appointments', 'payments']);
export type OutboxName = z.infer<typeof ZOutboxNameEnum>;

export const ZFailedExportSchema = z.object({
  outbox: ZOutboxNameEnum,
  /** The filing id, the event id or the payment id. */
  key: z.string(),
  attempts: z.number().int(),
  /** What the other system answered (HTTP status and its message), up to 500 characters. */
  lastError: z.string().nullable(),
  createdAt: z.string(),
  /**
   * What the row is about: a filing's registry number and department, an event's appointment and kind, a payment's
   * receipt reference, order id and amount in cents.
   */
  about: z.record(z.string(), z.unknown()),
});
export const ZFailedExportListSchema = z.object({ items: z.array(ZFailedExportSchema) });
export type FailedExport = z.infer<typeof ZFailedExportSchema>;

export const ZRetryParamsSchema = z.object({ outbox: ZOutboxNameEnum, key: z.string().min(1).max(100) });
