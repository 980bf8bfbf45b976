import { z } from 'zod';

export const ZActivateKioskSchema = z.object({ kioskId: z.string().min(1).max(63), token: z.string().min(16).max(200) });
export const ZHeartbeatSchema = z.object({
  lastActivityAt: z.string().datetime().optional(),
  // A device reports a few facts (printer, paper, screen): 32 short keys bound what the fleet view returns.
  info: z
    .record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()]))
    .refine((o) => Object.keys(o).length <= 32, { message: 'at most 32 keys' })
    .optional(),
});
export const ZHeartbeatResponseSchema = z.object({ nextInMs: z.number() });
const ZLocalized = z.object({ es: z.string().optional(), ca: z.string().optional(), en: z.string().optional() });
export const ZKioskSelfSchema = z.object({ id: z.string(), names: ZLocalized, heartbeatMs: z.number() });
export const ZFleetSchema = z.object({
  kiosks: z.array(
    z.object({
      id: z.string(),
      names: ZLocalized,
      officeId: z.string().nullable(),
      address: z.string().nullable(),
      coordinates: z.object({ lat: z.number(), lon: z.number() }),
      isOnline: z.boolean(),
      lastSeenAt: z.string().nullable(),
      lastActivityAt: z.string().nullable(),
      todayEvents: z.number(),
      info: z.record(z.string(), z.unknown()),
    }),
  ),
});
