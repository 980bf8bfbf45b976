/** Request and response schemas of the conversations and mentored-learning APIs (OpenAPI comes from them). */
import { z } from 'zod';
import { LANGUAGES } from '../../../shared/languages.ts';

const ZLanguage = z.enum(LANGUAGES);

export const ZQuickReplySchema = z.object({ label: z.string(), payload: z.string() });

export const ZCardSchema = z.object({
  kind: z.enum(['link', 'form', 'document', 'payment', 'signin', 'sources']),
  title: z.string(),
  url: z.string().optional(),
  text: z.string().optional(),
  method: z.enum(['GET', 'POST']).optional(),
  fields: z.record(z.string(), z.string()).optional(),
  code: z.string().optional(),
  links: z.array(z.object({ title: z.string(), url: z.string() })).optional(),
});

export const ZReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), easyRead: z.string().optional() }),
  z.object({ type: z.literal('quick_replies'), options: z.array(ZQuickReplySchema) }),
  z.object({ type: z.literal('card'), card: ZCardSchema }),
]);

export const ZStartConversationSchema = z
  .object({
    lang: ZLanguage.optional(),
    channel: z.enum(['web', 'widget', 'kiosk']).optional(),
    kioskId: z.string().max(63).optional(),
    tenant: z.string().max(63).optional(),
  })
  .strict();

export const ZStartedConversationSchema = z.object({
  id: z.string(),
  language: ZLanguage,
  /** The owner token (also set as an httpOnly cookie): widgets on other sites send it as x-conversation-token. */
  token: z.string(),
  replies: z.array(ZReplySchema),
});

export const ZMessageSchema = z
  .object({
    text: z.string().trim().min(1).max(2000).optional(),
    /** A quick-reply payload. */
    action: z.string().min(1).max(200).optional(),
    tenant: z.string().max(63).optional(),
  })
  .strict()
  .refine((b) => (b.text === undefined) !== (b.action === undefined), { message: 'send either text or action' });

export const ZStatusSchema = z.enum(['active', 'waiting_human', 'with_human', 'closed']);

export const ZMessageResponseSchema = z.object({ replies: z.array(ZReplySchema), language: ZLanguage, status: ZStatusSchema });

export const ZTurnSchema = z.object({
  seq: z.number(),
  role: z.enum(['citizen', 'assistant', 'staff', 'system']),
  text: z.string(),
  replies: z.array(ZReplySchema).nullable(),
  at: z.string(),
});

export const ZTranscriptSchema = z.object({
  id: z.string(),
  language: ZLanguage,
  status: ZStatusSchema,
  channel: z.enum(['web', 'widget', 'kiosk']),
  turns: z.array(ZTurnSchema),
});

export const ZConversationParamsSchema = z.object({ id: z.string().max(64) });

export const ZReviewQuerySchema = z.object({
  maxConfidence: z.coerce.number().min(0).max(1).optional(),
  misunderstood: z.enum(['true', 'false', '1', '0']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const ZReviewItemSchema = z.object({
  id: z.number(),
  conversationId: z.string(),
  text: z.string(),
  language: z.string().nullable(),
  intent: z.string().nullable(),
  confidence: z.number().nullable(),
  alternatives: z.array(z.object({ name: z.string(), confidence: z.number() })),
  entityTypes: z.array(z.string()),
  isMisunderstood: z.boolean(),
  at: z.string(),
});

export const ZLabelSchema = z.object({ intent: z.string().min(1).max(100) }).strict();
export const ZLabelParamsSchema = z.object({ turnId: z.coerce.number().int().min(1) });
