import { z } from 'zod';

export const ZPendingItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['receipt', 'liquidation', 'self_assessment', 'fine']),
  taxCode: z.string(),
  taxName: z.string(),
  reference: z.string(),
  concept: z.string(),
  fiscalYear: z.number(),
  amountCents: z.number().int(),
  amountDueCents: z.number().int(),
  reductionPercent: z.number().int(),
  isInVoluntaryPeriod: z.boolean(),
  voluntaryStart: z.string(),
  voluntaryEnd: z.string(),
  status: z.enum(['pending', 'paid']),
});
export const ZPendingListSchema = z.object({ items: z.array(ZPendingItemSchema), totalDueCents: z.number().int() });

export const ZStartPaymentSchema = z.object({ debtId: z.string().min(1).max(200), gateway: z.string().max(32).optional() });
export const ZStartedPaymentSchema = z.object({
  paymentId: z.string(),
  orderId: z.string(),
  amountCents: z.number().int(),
  redirectForm: z.object({ url: z.string(), method: z.enum(['POST', 'GET']), fields: z.record(z.string(), z.string()) }),
});

export const ZPaymentSchema = z.object({
  id: z.string(),
  debtId: z.string(),
  reference: z.string().nullable(),
  orderId: z.string(),
  gateway: z.string(),
  amountCents: z.number().int(),
  status: z.enum(['created', 'paid', 'denied', 'rejected', 'expired']),
  receiptCode: z.string().nullable(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
  /** Money the gateway took for this payment that no receipt kept (HIGH-1), with the citizen's message. */
  refund: z
    .object({
      status: z.enum(['pending', 'refunded', 'refund_by_hand', 'failed']),
      reason: z.enum(['already_paid', 'amount_mismatch', 'late', 'unknown_order']),
      amountCents: z.number().int(),
      message: z.string(),
    })
    .nullable(),
});
export const ZPaymentListSchema = z.object({ payments: z.array(ZPaymentSchema) });

/** The phone is checked (E.164) by the service, so a bad one answers `payments.invalid_phone` with a localized message. */
export const ZReminderPrefsSchema = z.object({
  isEmail: z.boolean(),
  isSms: z.boolean().default(false),
  email: z.string().email().max(254).optional(),
  phone: z.string().max(32).nullable().optional(),
});
export const ZReminderPrefsViewSchema = z.object({ isEmail: z.boolean(), isSms: z.boolean(), email: z.string().nullable(), phone: z.string().nullable(), isSmsAvailable: z.boolean() });

export const ZIdParamsSchema = z.object({ id: z.string().min(1).max(200) });
export const ZGatewayParamsSchema = z.object({ gateway: z.string().min(1).max(32) });

export const ZRefundCaseSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  gateway: z.string(),
  paymentId: z.string().nullable(),
  debtId: z.string().nullable(),
  reference: z.string().nullable(),
  dni: z.string().nullable(),
  amountCents: z.number().int(),
  reason: z.enum(['already_paid', 'amount_mismatch', 'late', 'unknown_order']),
  status: z.enum(['pending', 'refunded', 'refund_by_hand', 'failed']),
  mode: z.enum(['auto', 'manual']),
  gatewayResponse: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export const ZRefundCaseListSchema = z.object({ items: z.array(ZRefundCaseSchema) });
export const ZResolveRefundSchema = z.object({ action: z.enum(['refunded', 'refund_by_hand']) }).strict();
