/**
 * Discovery: the search query builder (full text in three languages, filters, Km0, councils like mine), facets
 * and similar projects.
 */
import type { Queryable } from '../../db/db.ts';
import type { Language } from '../../../shared/languages.ts';
import type { Area, Phase, PopulationBand, ProjectSort, ProjectStatus, ProjectType } from './observatory.schemas.ts';
import type { ProjectListRow } from './projects.repository.ts';

export interface ProjectFilter {
  statuses: ProjectStatus[];
  /** Restrict to these ids (e.g. one project's detail view). */
  ids?: string[];
  /** Only this owner's projects (an officer's own workspace). */
  ownerAccountId?: string;
  q?: string;
  areas?: Area[];
  types?: ProjectType[];
  phases?: Phase[];
  technologies?: string[];
  bands?: PopulationBand[];
  provinces?: string[];
  regions?: string[];
  countries?: string[];
  includeDemo: boolean;
  /** Reference point for distance_km. */
  from?: { lat: number; lon: number };
  /** Keep only projects within this many km of `from` (Km0). */
  maxKm?: number;
  /** "Like mine": this band, municipalities only, farther than minKm from `from`, not this council. */
  like?: { band: PopulationBand; minKm: number; excludeIne5: string };
  lang: Language;
  sort: ProjectSort;
  limit: number;
  offset: number;
}

const TSQUERY = (n: number) =>
  `(websearch_to_tsquery('spanish', immutable_unaccent($${n})) || websearch_to_tsquery('catalan', immutable_unaccent($${n})) ||
    websearch_to_tsquery('english', immutable_unaccent($${n})) || websearch_to_tsquery('simple', immutable_unaccent($${n})))`;

function buildProjectQuery(f: ProjectFilter): { inner: string; where: string[]; params: unknown[]; hasQ: boolean } {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const inner: string[] = [`p.status = ANY(${p(f.statuses)}::text[])`];
  if (f.ids) inner.push(`p.id = ANY(${p(f.ids)}::text[])`);
  if (f.ownerAccountId) inner.push(`p.owner_account_id = ${p(f.ownerAccountId)}`);
  if (!f.includeDemo) inner.push('NOT p.is_demo');
  if (f.areas?.length) inner.push(`p.area = ANY(${p(f.areas)}::text[])`);
  if (f.types?.length) inner.push(`p.type = ANY(${p(f.types)}::text[])`);
  if (f.phases?.length) inner.push(`p.phase = ANY(${p(f.phases)}::text[])`);
  if (f.countries?.length) inner.push(`p.country = ANY(${p(f.countries)}::text[])`);
  if (f.technologies?.length) {
    inner.push(`EXISTS (SELECT 1 FROM unnest(p.technologies || p.methodologies || p.tools) t(v)
                        WHERE lower(t.v) = ANY(${p(f.technologies.map((x) => x.toLowerCase()))}::text[]))`);
  }
  const hasQ = Boolean(f.q && f.q.trim());
  let rankExpr = '0::real';
  if (hasQ) {
    const n = params.length + 1;
    params.push(f.q);
    inner.push(`p.search_tsv @@ ${TSQUERY(n)}`);
    rankExpr = `ts_rank(p.search_tsv, ${TSQUERY(n)})`;
  }
  let distExpr = 'NULL::double precision';
  if (f.from) {
    const lat = p(f.from.lat);
    const lon = p(f.from.lon);
    distExpr = `global_distance_km(${lat}::double precision, ${lon}::double precision,
                  coalesce(m.lat, p.entity_lat), coalesce(m.lon, p.entity_lon))`;
  }
  const innerSql = `SELECT p.*, m.name AS m_name, m.province_code, pr.name AS province, pr.region_code, pr.region_name AS region,
      coalesce(m.population, p.entity_population) AS population,
      global_population_band(coalesce(m.population, p.entity_population)) AS band,
      coalesce(m.lat, p.entity_lat) AS lat, coalesce(m.lon, p.entity_lon) AS lon,
      (SELECT count(*) FROM global_obs_adoptions a WHERE a.project_id = p.id AND a.stage = 'adopted') AS adoption_count,
      ${distExpr} AS distance_km,
      ${rankExpr} AS rank,
      coalesce(p.title->>${p(f.lang)}, p.title->>'es', p.title->>'ca', p.title->>'en') AS sort_title
    FROM global_obs_projects p
    LEFT JOIN global_municipalities m ON m.ine5 = p.ine5
    LEFT JOIN global_provinces pr ON pr.code = m.province_code
    WHERE ${inner.join(' AND ')}`;
  const where: string[] = [];
  if (f.bands?.length) where.push(`x.band = ANY(${p(f.bands)}::text[])`);
  if (f.provinces?.length) where.push(`x.province_code = ANY(${p(f.provinces)}::text[])`);
  if (f.regions?.length) where.push(`x.region_code = ANY(${p(f.regions)}::text[])`);
  if (f.maxKm !== undefined) where.push(`x.distance_km <= ${p(f.maxKm)}`);
  if (f.like) {
    where.push(`x.band = ${p(f.like.band)}`, `x.entity_kind = 'municipality'`);
    where.push(`(x.distance_km IS NULL OR x.distance_km > ${p(f.like.minKm)})`);
    where.push(`x.ine5 IS DISTINCT FROM ${p(f.like.excludeIne5)}`);
  }
  return { inner: innerSql, where, params, hasQ };
}

function orderBy(sort: ProjectSort): string {
  switch (sort) {
    case 'relevance':
      return 'x.rank DESC, x.published_at DESC NULLS LAST, x.id';
    case 'distance':
      return 'x.distance_km ASC NULLS LAST, x.id';
    case 'recent':
      return 'coalesce(x.published_at, x.updated_at) DESC, x.id';
    case 'title':
      return 'lower(x.sort_title), x.id';
    case 'population':
      return 'x.population DESC NULLS LAST, x.id';
    case 'savings':
      return 'x.saved_cents_per_year DESC NULLS LAST, x.id';
  }
}

export async function searchProjects(db: Queryable, f: ProjectFilter): Promise<ProjectListRow[]> {
  const { inner, where, params } = buildProjectQuery(f);
  params.push(f.limit, f.offset);
  const r = await db.query<ProjectListRow>(
    `SELECT x.*, count(*) OVER () AS total FROM (${inner}) x
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${orderBy(f.sort)} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return r.rows;
}

/** How many matches per area, type and phase (the filter panel's counts). */
export async function projectFacets(db: Queryable, f: ProjectFilter): Promise<{ area: string; type: string; phase: string; n: number }[]> {
  const { inner, where, params } = buildProjectQuery(f);
  const r = await db.query<{ area: string; type: string; phase: string; n: number }>(
    `SELECT x.area, x.type, x.phase, count(*) AS n FROM (${inner}) x
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY x.area, x.type, x.phase`,
    params,
  );
  return r.rows;
}

/**
 * Projects like this one: same area, shared tags (technology, methodology, tools) and overlapping
 * words (the project's own lexemes OR-ed into a query). Published only.
 */
export async function similarProjects(db: Queryable, id: string, limit: number): Promise<{ id: string; score: number }[]> {
  const r = await db.query<{ id: string; score: number }>(
    `WITH me AS (
       SELECT p.id, p.area, p.type, (SELECT array_agg(DISTINCT lower(t)) FROM unnest(p.technologies || p.methodologies || p.tools) t) AS tags,
         (SELECT to_tsquery('simple', string_agg('''' || replace(l.lexeme, '''', '''''') || '''', ' | '))
            FROM unnest(p.search_tsv) l WHERE length(l.lexeme) >= 4) AS q
       FROM global_obs_projects p WHERE p.id = $1)
     SELECT o.id, (CASE WHEN o.area = me.area THEN 2 ELSE 0 END
        + CASE WHEN o.type = me.type THEN 0.5 ELSE 0 END
        + coalesce((SELECT count(*) FROM unnest(o.technologies || o.methodologies || o.tools) t
                    WHERE lower(t) = ANY(coalesce(me.tags, '{}'::text[]))), 0)
        + CASE WHEN me.q IS NULL OR o.search_tsv IS NULL THEN 0 ELSE 20 * ts_rank(o.search_tsv, me.q) END)::float8 AS score
     FROM global_obs_projects o, me
     WHERE o.status = 'published' AND o.id <> me.id
     ORDER BY score DESC, o.id LIMIT $2`,
    [id, limit],
  );
  return r.rows.filter((x) => x.score > 0.5);
}

