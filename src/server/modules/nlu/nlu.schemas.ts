/** Request and response schemas of the NLU API (OpenAPI is generated from them). */
import { z } from 'zod';
import { LANGUAGES } from '../../../shared/languages.ts';
import { ENTITY_TYPES } from './nlu.entities.ts';

const ZLanguage = z.enum(LANGUAGES);

export const ZParseRequestSchema = z
  .object({
    text: z.string().min(1).max(2000),
    /** Forces the language; otherwise it is identified from the text. */
    lang: ZLanguage.optional(),
    /** The council (else the one the request names). */
    tenant: z.string().min(1).max(63).optional(),
  })
  .strict();
export type ParseRequest = z.infer<typeof ZParseRequestSchema>;

const ZScoredSchema = z.object({ name: z.string(), confidence: z.number().min(0).max(1) });

export const ZEntitySchema = z.object({
  type: z.enum(ENTITY_TYPES),
  value: z.union([z.string(), z.number()]),
  text: z.string(),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});

export const ZParseResponseSchema = z.object({
  language: z.object({ code: ZLanguage, confidence: z.number().min(0).max(1) }),
  intent: ZScoredSchema,
  alternatives: z.array(ZScoredSchema),
  entities: z.array(ZEntitySchema),
});
export type ParseResponse = z.infer<typeof ZParseResponseSchema>;

export const ZAddPhraseRequestSchema = z
  .object({
    lang: ZLanguage,
    intent: z.string().min(1).max(100),
    text: z.string().min(1).max(500),
    source: z.enum(['staff', 'relabel']).default('staff'),
  })
  .strict();

export const ZPhraseSchema = z.object({
  id: z.number().int(),
  lang: ZLanguage,
  intent: z.string(),
  text: z.string(),
  source: z.enum(['staff', 'relabel']),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});

const ZLanguageMetricsSchema = z.object({ examples: z.number(), accuracy: z.number(), macroF1: z.number(), languageIdAccuracy: z.number() });
export const ZEvaluationReportSchema = z.object({
  examples: z.number(),
  accuracy: z.number(),
  macroF1: z.number(),
  languageIdAccuracy: z.number(),
  perLanguage: z.record(z.string(), ZLanguageMetricsSchema),
  confusion: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) }),
  errors: z.array(z.object({ text: z.string(), lang: ZLanguage, expected: z.string(), predicted: z.string() })),
});
export const ZEvaluationSummarySchema = z.object({ split: ZEvaluationReportSchema, heldOut: ZEvaluationReportSchema });

export const ZTrainResponseSchema = z.object({
  examples: z.number().int(),
  intents: z.array(z.string()),
  trainMs: z.number(),
  versionId: z.number().int().nullable(),
  before: ZEvaluationSummarySchema.nullable(),
  after: ZEvaluationSummarySchema,
});
