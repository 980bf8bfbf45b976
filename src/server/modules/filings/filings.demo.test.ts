import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { demoFilingId, demoUuid } from './filings.demo.ts';
import { ZIdParamsSchema } from './filings.schemas.ts';

const NOW = new Date('2026-11-25T09:00:00Z');

describe('demo filings (LOW-8)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  }, 60_000);
  afterAll(async () => t.close());

  it('LOW-8: demo ids are name-based version-5 UUIDs the strict filing routes accept, the same at every start', () => {
    const id = demoFilingId('alacant', '12345678Z');
    expect(id).toBe(demoFilingId('alacant', '12345678Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ZIdParamsSchema.safeParse({ id }).success).toBe(true);
    expect(demoFilingId('alacant', '23456789D')).not.toBe(id);
    expect(demoUuid('x')).not.toBe(demoUuid('y'));
  });

  it('LOW-8: a database seeded by the old version gets its demo filing re-keyed (number and history kept), and reseeding adds nothing', async () => {
    const profiles = t.tenants.map((x) => x.profile);
    // What the old seed wrote: a text id that no filing route accepts.
    await t.db.query(`INSERT INTO filing_counters (tenant_id, year, last_number) VALUES ('alacant', 2026, 1)`);
    await t.db.query(
      `INSERT INTO filings (id, tenant_id, registry_number, year, sequence, dni, subject, body, department_id, status)
       VALUES ('demo-filing-alacant-12345678Z', 'alacant', 'REG-2026-000001', 2026, 1, '12345678Z', 'Solicitud de ejemplo (demo)', 'Texto', 'registro-general', 'in_review')`,
    );
    await t.db.query(`INSERT INTO filing_status_history (tenant_id, filing_id, status, actor_type) VALUES ('alacant', 'demo-filing-alacant-12345678Z', 'registered', 'system'), ('alacant', 'demo-filing-alacant-12345678Z', 'in_review', 'system')`);
    await seedDemoRegisters(t.db, profiles, undefined, NOW);
    const id = demoFilingId('alacant', '12345678Z');
    const rows = await t.db.query<{ id: string; registry_number: string }>(`SELECT id, registry_number FROM filings WHERE tenant_id = 'alacant' AND dni = '12345678Z'`);
    expect(rows.rows).toEqual([{ id, registry_number: 'REG-2026-000001' }]);
    const history = await t.db.query<{ status: string }>(`SELECT status FROM filing_status_history WHERE filing_id = $1 ORDER BY id`, [id]);
    expect(history.rows.map((h) => h.status)).toEqual(['registered', 'in_review']);
    expect((await t.db.query(`SELECT 1 FROM filings WHERE id LIKE 'demo-filing-%'`)).rows).toEqual([]);
    const count = async () => Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM filings`)).rows[0]?.n);
    const before = await count();
    expect((await seedDemoRegisters(t.db, profiles, undefined, NOW)).filings).toBe(0);
    expect(await count()).toBe(before);
  }, 60_000);
});
