import { z } from 'zod';

export const ZRequestParamsSchema = z.object({ id: z.coerce.number().int().positive() });
export const ZTurnSchema = z.object({
  seq: z.number(),
  role: z.enum(['citizen', 'assistant', 'staff', 'system']),
  text: z.string(),
  replies: z.unknown(),
  at: z.string(),
});
export const ZInboxItemSchema = z.object({
  id: z.number(),
  conversationId: z.string(),
  reason: z.string(),
  channel: z.string(),
  kioskId: z.string().nullable(),
  language: z.string().nullable(),
  status: z.enum(['queued', 'accepted']),
  acceptedBy: z.string().nullable(),
  acceptedByName: z.string().nullable(),
  isMine: z.boolean(),
  waitingSince: z.string(),
});
export const ZInboxSchema = z.object({
  items: z.array(ZInboxItemSchema),
  officeHours: z.object({
    isOpen: z.boolean(),
    timeZone: z.string(),
    message: z.string().nullable(),
    hours: z.array(z.object({ days: z.array(z.string()), open: z.string(), close: z.string() })),
  }),
});
export const ZAcceptedSchema = z.object({ requestId: z.number(), conversationId: z.string(), turns: z.array(ZTurnSchema) });
export const ZTranscriptSchema = z.object({ conversationId: z.string(), turns: z.array(ZTurnSchema) });
export const ZSendSchema = z.object({ text: z.string().min(1).max(2000) });
export const ZOfficeHoursSchema = ZInboxSchema.shape.officeHours;
export const ZCallbackRequestSchema = z.object({
  name: z.string().trim().min(1).max(120),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{6,20}$/),
  preferredTime: z.string().max(120).optional(),
  conversationId: z.string().uuid().optional(),
});
export const ZCallbackSchema = z.object({
  id: z.number(),
  name: z.string(),
  phone: z.string(),
  preferredTime: z.string().nullable(),
  language: z.string(),
  status: z.enum(['pending', 'done']),
  createdAt: z.string(),
});
export const ZCallbacksQuerySchema = z.object({ status: z.enum(['pending', 'done']).default('pending') });
/** Messages an agent's browser sends on the inbox socket. */
export const ZSocketInSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('watch'), requestId: z.number().int().positive(), after: z.number().int().min(0).default(0) }),
  z.object({ type: z.literal('send'), requestId: z.number().int().positive(), text: z.string().min(1).max(2000) }),
]);
export type SocketIn = z.infer<typeof ZSocketInSchema>;
