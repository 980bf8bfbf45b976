import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../testing/test-db.ts';
import { listMigrations, migrate } from './migrate.ts';

describe('database layer', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  it('applies every migration once and a second run applies nothing', async () => {
    const rows = await t.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.rows.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name));
    expect(await migrate(t.db)).toEqual([]);
  });

  it('parses int8 as number and date as text on both engines', async () => {
    const r = await t.db.query<{ n: number; d: string; j: { a: number } }>(
      "SELECT 9007199254740::int8 AS n, DATE '2026-11-25' AS d, '{\"a\":1}'::jsonb AS j",
    );
    expect(r.rows[0]).toEqual({ n: 9007199254740, d: '2026-11-25', j: { a: 1 } });
  });

  it('rolls back a failed transaction completely', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query("INSERT INTO events (tenant_id, type) VALUES ('alacant', 'test.rollback')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const r = await t.db.query("SELECT count(*)::int AS n FROM events WHERE type = 'test.rollback'");
    expect(r.rows[0]).toEqual({ n: 0 });
  });

  it('has unaccent and trigram search available', async () => {
    const r = await t.db.query<{ u: string; s: number }>("SELECT immutable_unaccent('Padrón àèéíòóú') AS u, similarity('padron', 'padrón') AS s");
    expect(r.rows[0]?.u).toBe('Padron aeeioou');
    expect(r.rows[0]?.s).toBeGreaterThan(0.3);
  });

  it('has the spanish, catalan and english text-search configurations', async () => {
    const r = await t.db.query<{ es: string; ca: string; en: string }>(
      "SELECT to_tsvector('spanish', 'certificados')::text AS es, to_tsvector('catalan', 'certificats')::text AS ca, to_tsvector('english', 'certificates')::text AS en",
    );
    expect(r.rows[0]?.es).toContain('certific');
    expect(r.rows[0]?.ca).toContain('certific');
    expect(r.rows[0]?.en).toContain('certif');
  });

  it('puts tenant_id on every table that holds council data', async () => {
    const r = await t.db.query<{ table_name: string }>(
      `SELECT t.table_name FROM information_schema.tables t
       WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
         AND t.table_name NOT IN ('schema_migrations', 'tenants')
         AND t.table_name NOT LIKE 'global\\_%'
         AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                         WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'tenant_id')`,
    );
    expect(r.rows.map((x) => x.table_name)).toEqual([]);
  });
});
