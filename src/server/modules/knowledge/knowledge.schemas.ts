/** Request and response schemas of the knowledge module (OpenAPI is generated from them). */
import { z } from 'zod';
import { zHttpUrl } from '../../../shared/http-url.ts';
import { LANGUAGES } from '../../../shared/languages.ts';

const ZLanguage = z.enum(LANGUAGES);
const ZTexts = z
  .object({ es: z.string().min(1).max(4000).optional(), ca: z.string().min(1).max(4000).optional(), en: z.string().min(1).max(4000).optional() })
  .strict()
  .refine((t) => !!(t.es ?? t.ca ?? t.en), 'at least one language');

export const ZAskRequestSchema = z.object({
  question: z.string().trim().min(1).max(1000),
  lang: ZLanguage.optional(),
  tenant: z.string().optional(),
});
export type AskRequest = z.infer<typeof ZAskRequestSchema>;

export const ZSourceSchema = z.object({ url: z.string(), title: z.string(), snippet: z.string() });
export type Source = z.infer<typeof ZSourceSchema>;

export const ZAskResponseSchema = z.object({
  answer: z.string(),
  language: ZLanguage,
  /** 0..1: the share of the question's meaningful words the answer's page covers. */
  confidence: z.number(),
  sources: z.array(ZSourceSchema).max(3),
  /** True when we do not know: the client offers a person. */
  handoffSuggested: z.boolean(),
  /** Set when the answer is in another language than the one asked for. */
  note: z.string().optional(),
  /** Set when a staff FAQ entry answered. */
  faqId: z.number().optional(),
});
export type AskResponse = z.infer<typeof ZAskResponseSchema>;

export const ZCrawlCountsSchema = z.object({
  fetched: z.number(),
  unchanged: z.number(),
  skipped: z.number(),
  failed: z.number(),
  removed: z.number(),
  bodiesDownloaded: z.number(),
  requests: z.number(),
  pagesIndexed: z.number(),
  chunksIndexed: z.number(),
});

export const ZCrawlItemSchema = z.object({ url: z.string(), outcome: z.enum(['skipped', 'failed', 'removed']), reason: z.string() });

export const ZCrawlReportSchema = z.object({
  id: z.number(),
  startUrl: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: ZCrawlCountsSchema.partial(),
  items: z.array(ZCrawlItemSchema),
  error: z.string().nullable(),
});
export type CrawlReport = z.infer<typeof ZCrawlReportSchema>;

export const ZCrawlListSchema = z.object({ crawls: z.array(ZCrawlReportSchema) });
export const ZCrawlParamsSchema = z.object({ id: z.coerce.number().int().positive() });

export const ZFaqInputSchema = z.object({
  question: ZTexts,
  answer: ZTexts,
  // Returned by POST /api/v1/ask to council websites as a source link: http(s) only (LOW-5).
  url: zHttpUrl().nullable().optional(),
});
export type FaqInput = z.infer<typeof ZFaqInputSchema>;

export const ZFaqSchema = z.object({
  id: z.number(),
  question: z.object({ es: z.string().optional(), ca: z.string().optional(), en: z.string().optional() }),
  answer: z.object({ es: z.string().optional(), ca: z.string().optional(), en: z.string().optional() }),
  url: z.string().nullable(),
  updatedAt: z.string(),
});
export type Faq = z.infer<typeof ZFaqSchema>;
export const ZFaqListSchema = z.object({ faqs: z.array(ZFaqSchema) });
export const ZFaqParamsSchema = z.object({ id: z.coerce.number().int().positive() });
