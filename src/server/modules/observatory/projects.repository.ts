/**
 * Project records: writes (with their full-text vector), look-ups, history, adoptions and the row lock.
 */
import type { Queryable } from '../../db/db.ts';
import type { Area, EntityKind, Phase, PopulationBand, ProjectStatus, ProjectType, Text } from './observatory.schemas.ts';

export interface ProjectRow {
  id: string;
  slug: string;
  status: ProjectStatus;
  owner_account_id: string | null;
  entity_kind: EntityKind;
  ine5: string | null;
  entity_name: string | null;
  country: string;
  entity_population: number | null;
  entity_lat: number | null;
  entity_lon: number | null;
  contacts: unknown;
  title: Text;
  summary: Text;
  description: Text;
  value_text: Text;
  barriers: Text;
  benefits: Text;
  saved_cents_per_year: number | null;
  staff_hours_saved_per_year: number | null;
  citizens_served: number | null;
  procedures_per_year: number | null;
  investment_cents: number | null;
  technologies: string[];
  methodologies: string[];
  tools: string[];
  phase: Phase;
  type: ProjectType;
  area: Area;
  documentation: unknown;
  portfolio_id: string | null;
  source: string;
  source_id: string | null;
  attribution: string | null;
  is_demo: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  published_at: Date | null;
  reviewed_at: Date | null;
}

/** A project row joined with its council (gazetteer or inline entity) and reuse count. */
export interface ProjectListRow extends ProjectRow {
  m_name: string | null;
  province_code: string | null;
  province: string | null;
  region_code: string | null;
  region: string | null;
  population: number | null;
  band: PopulationBand | null;
  lat: number | null;
  lon: number | null;
  adoption_count: number;
  distance_km: number | null;
  total: number;
}

/** The writable columns, in the order used by insert/update. */
export const PROJECT_WRITE_COLUMNS = [
  'slug', 'status', 'owner_account_id', 'entity_kind', 'ine5', 'entity_name', 'country', 'entity_population', 'entity_lat',
  'entity_lon', 'contacts', 'title', 'summary', 'description', 'value_text', 'barriers', 'benefits', 'saved_cents_per_year',
  'staff_hours_saved_per_year', 'citizens_served', 'procedures_per_year', 'investment_cents', 'technologies', 'methodologies',
  'tools', 'phase', 'type', 'area', 'documentation', 'portfolio_id', 'source', 'source_id', 'attribution', 'is_demo',
] as const;
export type ProjectWriteColumn = (typeof PROJECT_WRITE_COLUMNS)[number];
export type ProjectWrite = Pick<ProjectRow, ProjectWriteColumn>;

const JSONB_COLUMNS = new Set<string>(['contacts', 'title', 'summary', 'description', 'value_text', 'barriers', 'benefits', 'documentation']);
const ARRAY_COLUMNS = new Set<string>(['technologies', 'methodologies', 'tools']);

function castFor(col: string, n: number): string {
  if (JSONB_COLUMNS.has(col)) return `$${n}::jsonb`;
  if (ARRAY_COLUMNS.has(col)) return `$${n}::text[]`;
  return `$${n}`;
}

function paramFor(col: string, value: unknown): unknown {
  return JSONB_COLUMNS.has(col) ? JSON.stringify(value) : value;
}

export async function insertProject(db: Queryable, p: ProjectWrite): Promise<ProjectRow> {
  const cols = PROJECT_WRITE_COLUMNS;
  const r = await db.query<ProjectRow>(
    `INSERT INTO global_obs_projects (${cols.join(', ')}) VALUES (${cols.map((c, i) => castFor(c, i + 1)).join(', ')}) RETURNING *`,
    cols.map((c) => paramFor(c, p[c])),
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  await refreshSearch(db, [row.id]);
  return row;
}

/** Updates the given columns (and bumps version/updated_at); `extra` sets workflow timestamps. */
export async function updateProject(
  db: Queryable,
  id: string,
  fields: Partial<ProjectWrite>,
  extra: { submittedAt?: Date; publishedAt?: Date; reviewedAt?: Date } = {},
): Promise<ProjectRow> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const col of PROJECT_WRITE_COLUMNS) {
    if (!(col in fields)) continue;
    params.push(paramFor(col, fields[col]));
    sets.push(`${col} = ${castFor(col, params.length)}`);
  }
  if (extra.submittedAt) { params.push(extra.submittedAt); sets.push(`submitted_at = $${params.length}`); }
  if (extra.publishedAt) { params.push(extra.publishedAt); sets.push(`published_at = $${params.length}`); }
  if (extra.reviewedAt) { params.push(extra.reviewedAt); sets.push(`reviewed_at = $${params.length}`); }
  sets.push('version = version + 1', 'updated_at = now()');
  const r = await db.query<ProjectRow>(`UPDATE global_obs_projects SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params);
  const row = r.rows[0];
  if (!row) throw new Error(`project ${id} vanished`);
  await refreshSearch(db, [id]);
  return row;
}

/**
 * Recomputes the full-text vector: each language's text with its own stemmer (es spanish, ca catalan,
 * en english), accents removed; tags and the council's name unstemmed. Titles weigh most.
 */
export async function refreshSearch(db: Queryable, ids: readonly string[]): Promise<void> {
  const body = (lang: string) =>
    `concat_ws(' ', p.summary->>'${lang}', p.description->>'${lang}', p.value_text->>'${lang}', p.barriers->>'${lang}', p.benefits->>'${lang}')`;
  await db.query(
    `UPDATE global_obs_projects p SET search_tsv =
       setweight(to_tsvector('spanish', immutable_unaccent(coalesce(p.title->>'es', ''))), 'A') ||
       setweight(to_tsvector('catalan', immutable_unaccent(coalesce(p.title->>'ca', ''))), 'A') ||
       setweight(to_tsvector('english', immutable_unaccent(coalesce(p.title->>'en', ''))), 'A') ||
       setweight(to_tsvector('simple', immutable_unaccent(concat_ws(' ', array_to_string(p.technologies, ' '),
         array_to_string(p.methodologies, ' '), array_to_string(p.tools, ' '), p.entity_name,
         (SELECT m.name FROM global_municipalities m WHERE m.ine5 = p.ine5)))), 'B') ||
       setweight(to_tsvector('spanish', immutable_unaccent(${body('es')})), 'C') ||
       setweight(to_tsvector('catalan', immutable_unaccent(${body('ca')})), 'C') ||
       setweight(to_tsvector('english', immutable_unaccent(${body('en')})), 'C')
     WHERE p.id = ANY($1::text[])`,
    [ids],
  );
}

export async function findProject(db: Queryable, idOrSlug: string): Promise<ProjectRow | undefined> {
  const r = await db.query<ProjectRow>('SELECT * FROM global_obs_projects WHERE id = $1 OR slug = $1', [idOrSlug]);
  return r.rows[0];
}

export async function findProjectBySource(db: Queryable, source: string, sourceId: string): Promise<ProjectRow | undefined> {
  const r = await db.query<ProjectRow>('SELECT * FROM global_obs_projects WHERE source = $1 AND source_id = $2', [source, sourceId]);
  return r.rows[0];
}

export async function slugTaken(db: Queryable, slug: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM global_obs_projects WHERE slug = $1', [slug]);
  return r.rows.length > 0;
}

export async function projectsReviewedBefore(db: Queryable, before: Date): Promise<ProjectRow[]> {
  const r = await db.query<ProjectRow>(
    `SELECT * FROM global_obs_projects WHERE status = 'published' AND coalesce(reviewed_at, published_at, updated_at) < $1
     ORDER BY coalesce(reviewed_at, published_at, updated_at)`,
    [before],
  );
  return r.rows;
}

export interface HistoryRow {
  id: number;
  at: Date;
  actor_account_id: string | null;
  action: string;
  status_from: string | null;
  status_to: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
  comment: string | null;
}

export async function insertHistory(
  db: Queryable,
  h: { projectId: string; actorAccountId: string | null; action: string; statusFrom: string | null; statusTo: string | null;
       changes: Record<string, { before: unknown; after: unknown }>; comment?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO global_obs_project_history (project_id, actor_account_id, action, status_from, status_to, changes, comment)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [h.projectId, h.actorAccountId, h.action, h.statusFrom, h.statusTo, JSON.stringify(h.changes), h.comment ?? null],
  );
}

/** The history, oldest first, with the acting officer's display name (null for the system: seeds, importers). */
export async function listHistory(db: Queryable, projectId: string): Promise<(HistoryRow & { actor_name: string | null })[]> {
  const r = await db.query<HistoryRow & { actor_name: string | null }>(
    `SELECT h.id, h.at, h.actor_account_id, a.display_name AS actor_name, h.action, h.status_from, h.status_to, h.changes, h.comment
     FROM global_obs_project_history h LEFT JOIN global_obs_accounts a ON a.id = h.actor_account_id
     WHERE h.project_id = $1 ORDER BY h.id`,
    [projectId],
  );
  return r.rows;
}

/** A change that is not a field edit (files): bumps version and updated_at like updateProject does. */
export async function touchProject(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE global_obs_projects SET version = version + 1, updated_at = now() WHERE id = $1', [id]);
}

export async function lockProject(db: Queryable, id: string): Promise<void> {
  await db.query('SELECT id FROM global_obs_projects WHERE id = $1 FOR UPDATE', [id]);
}

// ---------------------------------------------------------------- adoptions

export interface AdoptionRow {
  ine5: string | null;
  name: string;
  stage: string;
  at: Date;
  note: string | null;
}

export async function upsertAdoption(
  db: Queryable,
  a: { projectId: string; ine5: string | null; entityName: string | null; stage: string; note: string | null; accountId: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO global_obs_adoptions (project_id, ine5, entity_name, stage, note, account_id) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (project_id, coalesce(ine5, ''), coalesce(entity_name, ''))
     DO UPDATE SET stage = EXCLUDED.stage, note = coalesce(EXCLUDED.note, global_obs_adoptions.note), at = now()`,
    [a.projectId, a.ine5, a.entityName, a.stage, a.note, a.accountId],
  );
}

export async function listAdoptions(db: Queryable, projectId: string): Promise<AdoptionRow[]> {
  const r = await db.query<AdoptionRow>(
    `SELECT a.ine5, coalesce(m.name, a.entity_name) AS name, a.stage, a.at, a.note
     FROM global_obs_adoptions a LEFT JOIN global_municipalities m ON m.ine5 = a.ine5
     WHERE a.project_id = $1 ORDER BY a.at`,
    [projectId],
  );
  return r.rows;
}
