import { describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../db/migrate.ts';
import { openPglite } from '../../db/pglite.ts';

// The data step of one migration, on the embedded database only: the PostgreSQL pass would repeat the same SQL.
describe.skipIf(Boolean(process.env.DATABASE_URL))('migration 0610 (payment_exports takes the shared outbox shape)', () => {
  it('keeps every queued payment: done becomes delivered, a row held by a sender stays pending under its lease', async () => {
    const db = await openPglite();
    try {
      const all = listMigrations();
      const at = all.findIndex((m) => m.name.startsWith('0610_'));
      expect(at).toBeGreaterThan(0);
      await migrate(db, all.slice(0, at));
      await db.query(`INSERT INTO tenants (id, profile, profile_hash) VALUES ('alacant', '{}'::jsonb, 'x')`);
      const lease = new Date('2026-12-04T10:02:00Z');
      for (const [n, status, nextAttemptAt] of [
        [1, 'done', new Date('2026-12-01T09:00:00Z')],
        [2, 'sending', lease],
        [3, 'pending', new Date('2026-12-04T11:00:00Z')],
      ] as const) {
        await db.query(
          `INSERT INTO tax_debts (id, tenant_id, dni, kind, tax_code, reference, concept, fiscal_year, amount_cents, voluntary_start, voluntary_end)
           VALUES ($1, 'alacant', '12345678Z', 'receipt', 'IBI', $1, 'IBI', 2026, 1000, '2026-09-01', '2026-12-05')`,
          [`d${n}`],
        );
        await db.query(`INSERT INTO payments (id, tenant_id, debt_id, dni, order_id, gateway, amount_cents, status, expires_at) VALUES ($1, 'alacant', $2, '12345678Z', $1, 'sandbox', 1000, 'paid', now())`, [`p${n}`, `d${n}`]);
        await db.query(
          `INSERT INTO payment_exports (payment_id, tenant_id, status, attempts, next_attempt_at, done_at) VALUES ($1, 'alacant', $2, 1, $3, CASE WHEN $2 = 'done' THEN $3::timestamptz END)`,
          [`p${n}`, status, nextAttemptAt],
        );
      }
      expect(await migrate(db, all.slice(at, at + 1))).toEqual([all[at]?.name]);
      const rows = await db.query(`SELECT payment_id, status, attempts, next_attempt_at, leased_until, delivered_at, external_ref FROM payment_exports ORDER BY payment_id`);
      expect(rows.rows).toEqual([
        { payment_id: 'p1', status: 'delivered', attempts: 1, next_attempt_at: new Date('2026-12-01T09:00:00Z'), leased_until: null, delivered_at: new Date('2026-12-01T09:00:00Z'), external_ref: null },
        { payment_id: 'p2', status: 'pending', attempts: 1, next_attempt_at: lease, leased_until: lease, delivered_at: null, external_ref: null },
        { payment_id: 'p3', status: 'pending', attempts: 1, next_attempt_at: new Date('2026-12-04T11:00:00Z'), leased_until: null, delivered_at: null, external_ref: null },
      ]);
      // The old states are gone for good; the shared ones are all that fits.
      await expect(db.query(`UPDATE payment_exports SET status = 'done' WHERE payment_id = 'p1'`)).rejects.toThrow(/payment_exports_status_check/);
      await db.query(`UPDATE payment_exports SET status = 'failed' WHERE payment_id = 'p3'`);
    } finally {
      await db.close();
    }
  }, 120_000);
});
