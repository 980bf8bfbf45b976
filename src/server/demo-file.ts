/**
 * data/demo/citizens.yaml: the fictitious citizens, households and staff that the identity module (cards,
 * PINs, certificates, staff accounts) and the embedded registers (padrón, receipts, filings) both seed from.
 * One schema, so the two can never read the file differently.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const DEMO_FILE = fileURLToPath(new URL('../../data/demo/citizens.yaml', import.meta.url));

// YAML reads unquoted 1948-03-12 as a Date; both forms are accepted.
const DateLike = z.union([z.string(), z.date()]);

const ZDemoFile = z.object({
  citizens: z.array(
    z.object({
      dni: z.string(),
      tenant: z.string(),
      givenName: z.string(),
      surname: z.string(),
      birthDate: DateLike.optional(),
      email: z.string().optional(),
      phone: z.string().optional(),
      card: z.string(),
      pin: z.string(),
      language: z.enum(['es', 'ca', 'en']).default('es'),
      household: z.string(),
      registeredSince: DateLike,
    }),
  ),
  households: z.array(z.object({ id: z.string(), tenant: z.string(), address: z.string() })),
  staff: z.array(
    z.object({
      tenant: z.string(),
      email: z.string(),
      name: z.string(),
      password: z.string(),
      roles: z.array(z.enum(['admin', 'agent', 'editor', 'analyst'])).min(1),
    }),
  ),
});
export type DemoFile = z.infer<typeof ZDemoFile>;

/** Reads and validates the demo file. */
export function readDemoFile(file = DEMO_FILE): DemoFile {
  return ZDemoFile.parse(parse(readFileSync(file, 'utf8')));
}
