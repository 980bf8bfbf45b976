/**
 * Demo officers with known passwords (data/observatory/demo-officers.yaml), loaded only when DEMO_DATA is on,
 * after seedObservatory() created the owners of the seed projects. The seed itself gives owners no usable
 * password ('!'), so production data never has a known credential; this file is the demo's opt-in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hash as argonHash } from '@node-rs/argon2';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import * as repo from './observatory.repository.ts';
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
    const existing = await repo.findAccountByEmail(db, o.email);
    // Re-hashing on every start costs ~50 ms per officer; only do it when the password is not set yet.
    if (existing && existing.password_hash !== '!' && existing.role === o.role) continue;
    const passwordHash = await argonHash(o.password);
    if (existing) {
      await db.query('UPDATE global_obs_accounts SET password_hash = $2, role = $3 WHERE id = $1', [existing.id, passwordHash, o.role]);
    } else {
      await db.query(
        `INSERT INTO global_obs_accounts (email, handle, display_name, password_hash, role, email_verified_at, wants_digest)
         VALUES ($1, $2, $3, $4, $5, now(), false) ON CONFLICT DO NOTHING`,
        [o.email, o.handle ?? o.email.split('@')[0], o.displayName ?? o.email, passwordHash, o.role],
      );
    }
    n++;
  }
  return n;
}
