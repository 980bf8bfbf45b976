/** The filings module's demo rows (DEMO_DATA only): SQL kept apart from filings.repository.ts, which real traffic uses. */
import type { Queryable } from '../../db/db.ts';

export async function filingExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM filings WHERE id = $1`, [id])).rows.length > 0;
}

/**
 * A demo filing in review, numbered from the same counter a real filing uses (so demo numbers never leave a gap),
 * with its status history. Returns its sequence number.
 */
export async function insertDemoFiling(q: Queryable, f: { id: string; tenantId: string; year: number; dni: string; subject: string; body: string; departmentId: string }): Promise<number> {
  const counter = await q.query<{ last_number: number }>(
    `INSERT INTO filing_counters (tenant_id, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = filing_counters.last_number + 1 RETURNING last_number`,
    [f.tenantId, f.year],
  );
  const seq = counter.rows[0]?.last_number ?? 1;
  const number = `REG-${f.year}-${String(seq).padStart(6, '0')}`;
  await q.query(
    `INSERT INTO filings (id, tenant_id, registry_number, year, sequence, dni, subject, body, department_id, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'in_review')`,
    [f.id, f.tenantId, number, f.year, seq, f.dni, f.subject, f.body, f.departmentId],
  );
  await q.query(`INSERT INTO filing_status_history (tenant_id, filing_id, status, actor_type) VALUES ($1, $2, 'registered', 'system'), ($1, $2, 'in_review', 'system')`, [f.tenantId, f.id]);
  return seq;
}

/**
 * Gives a filing seeded by an older version its UUID, keeping its number, history and anything else that refers to
 * it. The references have no ON UPDATE CASCADE, so they are taken out, the filing re-keyed, and put back.
 */
export async function rekeyFiling(q: Queryable, from: string, to: string): Promise<void> {
  const children = ['filing_status_history', 'filing_attachments', 'filing_exports'] as const;
  const moved: [string, unknown[]][] = [];
  for (const table of children) {
    const res = await q.query<{ rows: unknown[] }>(
      `WITH gone AS (DELETE FROM ${table} WHERE filing_id = $1 RETURNING *) SELECT coalesce(jsonb_agg(to_jsonb(gone)), '[]'::jsonb) AS rows FROM gone`,
      [from],
    );
    moved.push([table, res.rows[0]?.rows ?? []]);
  }
  await q.query(`UPDATE filings SET id = $2 WHERE id = $1`, [from, to]);
  for (const [table, rows] of moved) {
    if (rows.length === 0) continue;
    const renamed = rows.map((r) => ({ ...(r as Record<string, unknown>), filing_id: to }));
    await q.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [JSON.stringify(renamed)]);
  }
}
