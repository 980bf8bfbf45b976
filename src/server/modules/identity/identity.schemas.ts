import { z } from 'zod';

export const ZCardSignInSchema = z.object({
  /** The citizen card number (digits; spaces and dashes are ignored). */
  card: z.string().trim().min(4).max(32).regex(/^[0-9\s-]+$/),
  pin: z.string().min(4).max(12).regex(/^\d+$/),
  tenant: z.string().optional(),
});

export const ZStaffSignInSchema = z.object({
  email: z.string().trim().email().max(254),
  password: z.string().min(1).max(200),
  tenant: z.string().optional(),
});

export const ZMeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('citizen'),
    tenantId: z.string(),
    dni: z.string(),
    givenName: z.string(),
    surname: z.string(),
    method: z.enum(['x509', 'card', 'oidc', 'password']),
  }),
  z.object({
    kind: z.literal('staff'),
    tenantId: z.string(),
    staffId: z.string(),
    name: z.string(),
    roles: z.array(z.enum(['admin', 'agent', 'editor', 'analyst'])),
  }),
]);
export type Me = z.infer<typeof ZMeSchema>;

export const ZSignedInSchema = z.object({
  me: ZMeSchema,
  /** Send it as `x-csrf-token` on every POST/PUT/PATCH/DELETE while signed in. */
  csrfToken: z.string(),
  expiresAt: z.string(),
});

export const ZCsrfSchema = z.object({ token: z.string().nullable() });

export const ZAuthMethodsSchema = z.object({
  card: z.boolean(),
  /** The HTTPS address that asks for a citizen certificate, when enabled. */
  certificateUrl: z.string().nullable(),
  isCertificateHeaderTrusted: z.boolean(),
  oidc: z.boolean(),
});

export const ZX509QuerySchema = z.object({
  /** Where to go after signing in: a path on this site (never another site). */
  returnTo: z.string().regex(/^\/(?!\/)[^\s\\]*$/).optional(),
  tenant: z.string().optional(),
});

export const ZOidcCallbackQuerySchema = z.object({
  code: z.string().optional(),
  state: z.string().max(200).optional(),
  iss: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  tenant: z.string().optional(),
});

export const ZUnlockCardParamsSchema = z.object({ card: z.string().regex(/^\d{4,32}$/) });
export const ZOkSchema = z.object({ ok: z.literal(true) });
