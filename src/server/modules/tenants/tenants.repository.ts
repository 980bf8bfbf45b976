import type { Queryable } from '../../db/db.ts';
import type { LoadedTenant } from './tenants.loader.ts';

/** Mirrors the profiles into the tenants table so tenant data can reference them. */
export async function upsertTenants(db: Queryable, tenants: readonly LoadedTenant[]): Promise<void> {
  for (const t of tenants) {
    await db.query(
      `INSERT INTO tenants (id, profile, profile_hash) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile, profile_hash = EXCLUDED.profile_hash,
         updated_at = CASE WHEN tenants.profile_hash = EXCLUDED.profile_hash THEN tenants.updated_at ELSE now() END`,
      [t.profile.id, JSON.stringify(t.profile), t.hash],
    );
  }
}

/** The ids of the councils mirrored into the tenants table (the demo seeds add rows only for these). */
export async function listTenantIds(db: Queryable): Promise<string[]> {
  const res = await db.query<{ id: string }>('SELECT id FROM tenants');
  return res.rows.map((r) => r.id);
}
