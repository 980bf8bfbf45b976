/**
 * Demo officers with known passwords (data/observatory/demo-officers.yaml), loaded only when DEMO_DATA is on,
 * after seedObservatory() created the owners of the seed projects. The seed itself gives owners no usable
 * password ('!'), so production data never has a known credential; this file is the demo's opt-in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import { hashPassword } from '../../sessions/index.ts';
import { findAccountByEmail, upsertDemoOfficer } from './accounts.repository.ts';
import { ROLES } from './observatory.schemas.ts';
import { OBSERVATORY_DATA_DIR } from './observatory.seed.ts';

const ZOfficersFile = z.object({
  officers: z.array(z.object({
    email: z.string().email(),
    password: z.string().min(10),
    role: z.enum(ROLES),
    handle: z.string().optional(),
    displayName: z.string().optional(),
  })),
});

/** Sets the demo officers' passwords and roles, creating those that do not exist (idempotent). Returns how many. */
export async function seedDemoOfficers(db: Db, file = path.join(OBSERVATORY_DATA_DIR, 'demo-officers.yaml')): Promise<number> {
  const { officers } = ZOfficersFile.parse(parseYaml(readFileSync(file, 'utf8')));
  let n = 0;
  for (const o of officers) {
    const existing = await findAccountByEmail(db, o.email);
    // Re-hashing on every start costs ~50 ms per officer; only do it when the password is not set yet.
    if (existing && existing.password_hash !== '!' && existing.role === o.role) continue;
    const passwordHash = await hashPassword(o.password);
    await upsertDemoOfficer(db, {
      existingId: existing?.id, email: o.email, handle: o.handle ?? o.email.split('@')[0] ?? o.email, displayName: o.displayName ?? o.email,
      passwordHash, role: o.role,
    });
    n++;
  }
  return n;
}
