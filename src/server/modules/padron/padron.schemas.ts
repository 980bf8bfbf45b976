import { z } from 'zod';
import { LANGUAGES } from '../../../shared/languages.ts';

export const ZIssueCertificateSchema = z.object({
  kind: z.enum(['individual', 'collective']),
  language: z.enum(LANGUAGES).optional(),
});

export const ZIssuedCertificateSchema = z.object({
  code: z.string(),
  displayCode: z.string(),
  verifyUrl: z.string(),
  /** The signed PDF for the signed-in citizen. */
  url: z.string(),
  kind: z.enum(['individual', 'collective']),
  language: z.enum(LANGUAGES),
});

export const ZCertificateListSchema = z.object({
  certificates: z.array(z.object({ code: z.string(), kind: z.enum(['individual', 'collective']), language: z.string(), issuedAt: z.string() })),
});

export const ZCodeParamsSchema = z.object({ code: z.string().min(1).max(64) });
