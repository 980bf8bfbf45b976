/**
 * Portfolios: plans grouping several actions (objectives, budget lines).
 */
import type { Queryable } from '../../db/db.ts';
import type { Text } from './observatory.schemas.ts';

export interface PortfolioRow {
  id: string;
  slug: string;
  ine5: string | null;
  title: Text;
  description: Text;
  budget_cents: number | null;
  period_start: number | null;
  period_end: number | null;
  objectives: { key: string; title: Text }[];
  lines: { name: Text; objective: string; budgetCents?: number | null; budgetYear?: number | null; projectSlug?: string | null }[];
  sources: string[];
  is_demo: boolean;
}

export async function upsertPortfolio(db: Queryable, p: Omit<PortfolioRow, 'id'>): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO global_obs_portfolios (slug, ine5, title, description, budget_cents, period_start, period_end, objectives, lines, sources, is_demo)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11)
     ON CONFLICT (slug) DO UPDATE SET ine5 = EXCLUDED.ine5, title = EXCLUDED.title, description = EXCLUDED.description,
       budget_cents = EXCLUDED.budget_cents, period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
       objectives = EXCLUDED.objectives, lines = EXCLUDED.lines, sources = EXCLUDED.sources, is_demo = EXCLUDED.is_demo, updated_at = now()
     RETURNING id`,
    [p.slug, p.ine5, JSON.stringify(p.title), JSON.stringify(p.description), p.budget_cents, p.period_start, p.period_end,
     JSON.stringify(p.objectives), JSON.stringify(p.lines), JSON.stringify(p.sources), p.is_demo],
  );
  const row = r.rows[0];
  if (!row) throw new Error('upsert returned no row');
  return row.id;
}

export async function findPortfolio(db: Queryable, idOrSlug: string): Promise<PortfolioRow | undefined> {
  const r = await db.query<PortfolioRow>('SELECT * FROM global_obs_portfolios WHERE id = $1 OR slug = $1', [idOrSlug]);
  return r.rows[0];
}

export async function listPortfolios(db: Queryable): Promise<PortfolioRow[]> {
  const r = await db.query<PortfolioRow>('SELECT * FROM global_obs_portfolios ORDER BY slug');
  return r.rows;
}
