/**
 * The only SQL of the observatory: gazetteer, accounts, projects, history, adoptions, portfolios and
 * notifications. Every table is global_* (shared by all councils).
 */
import type { Queryable } from '../../db/db.ts';
import type { Language } from '../../../shared/languages.ts';
import type { Area, EntityKind, Phase, PopulationBand, ProjectSort, ProjectStatus, ProjectType, Text } from './observatory.schemas.ts';

export interface MunicipalityRow {
  ine5: string;
  name: string;
  province_code: string;
  province: string;
  region_code: string;
  region: string;
  population: number;
  band: PopulationBand;
  lat: number;
  lon: number;
}

const MUNICIPALITY_COLS = `m.ine5, m.name, m.province_code, pr.name AS province, pr.region_code, pr.region_name AS region,
  m.population, global_population_band(m.population) AS band, m.lat, m.lon`;

export interface GazetteerRow {
  ine5: string;
  name: string;
  provinceCode: string;
  population: number;
  lat: number;
  lon: number;
}

/** Upserts gazetteer rows in one statement per batch (idempotent). */
export async function upsertMunicipalities(db: Queryable, rows: readonly GazetteerRow[]): Promise<void> {
  const BATCH = 2000;
  for (let i = 0; i < rows.length; i += BATCH) {
    await db.query(
      `INSERT INTO global_municipalities (ine5, name, province_code, population, lat, lon)
       SELECT r.ine5, r.name, r."provinceCode", r.population, r.lat, r.lon
       FROM jsonb_to_recordset($1::jsonb) AS r(ine5 text, name text, "provinceCode" text, population integer,
                                              lat double precision, lon double precision)
       ON CONFLICT (ine5) DO UPDATE SET name = EXCLUDED.name, province_code = EXCLUDED.province_code,
         population = EXCLUDED.population, lat = EXCLUDED.lat, lon = EXCLUDED.lon
       WHERE (global_municipalities.name, global_municipalities.population, global_municipalities.lat, global_municipalities.lon)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.population, EXCLUDED.lat, EXCLUDED.lon)`,
      [JSON.stringify(rows.slice(i, i + BATCH))],
    );
  }
}

export async function countMunicipalities(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM global_municipalities');
  return r.rows[0]?.n ?? 0;
}

export async function findMunicipality(db: Queryable, ine5: string): Promise<MunicipalityRow | undefined> {
  const r = await db.query<MunicipalityRow>(
    `SELECT ${MUNICIPALITY_COLS} FROM global_municipalities m JOIN global_provinces pr ON pr.code = m.province_code
     WHERE m.ine5 = $1`,
    [ine5],
  );
  return r.rows[0];
}

/** Name search for pickers: prefix matches first, then trigram similarity; accent-insensitive. */
export async function searchMunicipalities(db: Queryable, q: string, limit: number): Promise<MunicipalityRow[]> {
  if (/^\d{1,5}$/.test(q)) {
    const r = await db.query<MunicipalityRow>(
      `SELECT ${MUNICIPALITY_COLS} FROM global_municipalities m JOIN global_provinces pr ON pr.code = m.province_code
       WHERE m.ine5 LIKE $1 || '%' ORDER BY m.ine5 LIMIT $2`,
      [q, limit],
    );
    return r.rows;
  }
  const r = await db.query<MunicipalityRow>(
    `SELECT ${MUNICIPALITY_COLS} FROM global_municipalities m JOIN global_provinces pr ON pr.code = m.province_code
     WHERE m.name_search LIKE '%' || $1 || '%' OR m.name_search % $1
     ORDER BY (m.name_search = $1 OR m.name_search LIKE $1 || '/%' OR m.name_search LIKE '%/' || $1) DESC,
              (m.name_search LIKE $1 || '%') DESC, similarity(m.name_search, $1) DESC, m.population DESC
     LIMIT $2`,
    [q.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''), limit],
  );
  return r.rows;
}

/** The most populated municipalities (picker with an empty query). */
export async function largestMunicipalities(db: Queryable, limit: number): Promise<MunicipalityRow[]> {
  const r = await db.query<MunicipalityRow>(
    `SELECT ${MUNICIPALITY_COLS} FROM global_municipalities m JOIN global_provinces pr ON pr.code = m.province_code
     ORDER BY m.population DESC LIMIT $1`,
    [limit],
  );
  return r.rows;
}

/** Spanish municipalities whose name occurs in a text (used to place imported cases). */
export async function municipalitiesNamedIn(db: Queryable, text: string): Promise<MunicipalityRow[]> {
  const r = await db.query<MunicipalityRow>(
    `SELECT ${MUNICIPALITY_COLS} FROM global_municipalities m JOIN global_provinces pr ON pr.code = m.province_code
     WHERE length(m.name_search) >= 4 AND EXISTS (
       SELECT 1 FROM unnest(string_to_array(m.name_search, '/')) AS part(n)
       WHERE length(part.n) >= 4 AND (' ' || lower(immutable_unaccent($1)) || ' ') ~ ('[^a-z]' || part.n || '[^a-z]'))
     ORDER BY length(m.name_search) DESC, m.population DESC LIMIT 5`,
    [text],
  );
  return r.rows;
}

// ---------------------------------------------------------------- accounts

export interface AccountRow {
  id: string;
  email: string;
  handle: string;
  display_name: string;
  password_hash: string;
  role: 'member' | 'editor' | 'moderator';
  ine5: string | null;
  organisation: string | null;
  language: Language;
  email_verified_at: Date | null;
  verify_expires_at: Date | null;
  wants_digest: boolean;
  created_at: Date;
}

export async function insertAccount(
  db: Queryable,
  a: { email: string; handle: string; displayName: string; passwordHash: string; ine5: string | null; organisation: string | null;
       language: Language; verifyTokenHash: string; verifyExpiresAt: Date },
): Promise<AccountRow> {
  const r = await db.query<AccountRow>(
    `INSERT INTO global_obs_accounts (email, handle, display_name, password_hash, ine5, organisation, language,
       verify_token_hash, verify_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [a.email, a.handle, a.displayName, a.passwordHash, a.ine5, a.organisation, a.language, a.verifyTokenHash, a.verifyExpiresAt],
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findAccountByEmail(db: Queryable, email: string): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>('SELECT * FROM global_obs_accounts WHERE lower(email) = lower($1)', [email]);
  return r.rows[0];
}

export async function findAccountById(db: Queryable, id: string): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>('SELECT * FROM global_obs_accounts WHERE id = $1', [id]);
  return r.rows[0];
}

export async function findAccountsByHandles(db: Queryable, handles: readonly string[]): Promise<AccountRow[]> {
  if (handles.length === 0) return [];
  const r = await db.query<AccountRow>(
    'SELECT * FROM global_obs_accounts WHERE lower(handle) = ANY($1::text[]) AND email_verified_at IS NOT NULL',
    [handles.map((h) => h.toLowerCase())],
  );
  return r.rows;
}

export async function handleTaken(db: Queryable, handle: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM global_obs_accounts WHERE lower(handle) = lower($1)', [handle]);
  return r.rows.length > 0;
}

/** Marks the account with this (hashed) token verified; undefined when no live token matches. */
/** Replaces an unverified account's verification token (only its hash is stored). */
export async function setVerifyToken(db: Queryable, id: string, tokenHash: string, expiresAt: Date): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>(
    `UPDATE global_obs_accounts SET verify_token_hash = $2, verify_expires_at = $3 WHERE id = $1 AND email_verified_at IS NULL RETURNING *`,
    [id, tokenHash, expiresAt],
  );
  return r.rows[0];
}

export async function consumeVerifyToken(db: Queryable, tokenHash: string, now: Date): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>(
    `UPDATE global_obs_accounts SET email_verified_at = $2, verify_token_hash = NULL, verify_expires_at = NULL
     WHERE verify_token_hash = $1 AND verify_expires_at > $2 RETURNING *`,
    [tokenHash, now],
  );
  return r.rows[0];
}

export async function setAccountRole(db: Queryable, id: string, role: AccountRow['role']): Promise<void> {
  await db.query('UPDATE global_obs_accounts SET role = $2 WHERE id = $1', [id, role]);
}

export async function insertSession(db: Queryable, tokenHash: string, accountId: string, expiresAt: Date): Promise<void> {
  await db.query('INSERT INTO global_obs_sessions (token_hash, account_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, accountId, expiresAt]);
}

/** The account of a live session (not ended, not expired). */
export async function sessionAccountId(db: Queryable, tokenHash: string, now: Date): Promise<string | undefined> {
  const r = await db.query<{ account_id: string }>(
    'SELECT account_id FROM global_obs_sessions WHERE token_hash = $1 AND ended_at IS NULL AND expires_at > $2',
    [tokenHash, now],
  );
  return r.rows[0]?.account_id;
}

export async function endSession(db: Queryable, tokenHash: string, now: Date): Promise<void> {
  await db.query('UPDATE global_obs_sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL', [tokenHash, now]);
}

/** Ends every live session of an account; returns how many. Expired rows older than a day are dropped on the way. */
export async function endAccountSessions(db: Queryable, accountId: string, now: Date): Promise<number> {
  await db.query(`DELETE FROM global_obs_sessions WHERE expires_at < $1::timestamptz - interval '1 day'`, [now]);
  const r = await db.query('UPDATE global_obs_sessions SET ended_at = $2 WHERE account_id = $1 AND ended_at IS NULL AND expires_at > $2', [accountId, now]);
  return r.rowCount;
}

/**
 * Reserves one sign-in attempt for (e-mail hash, client address) before the password is checked, in one statement,
 * so parallel guesses cannot all be evaluated before the lock is written (the lesson of the card PIN burst).
 * The attempt that goes past `maxAttempts` starts the lock; a lock that has ended, or a count idle for `windowMs`,
 * starts again from one. Returns when the pair is locked until (null when this attempt may be checked).
 */
export async function reserveSignInAttempt(
  db: Queryable,
  key: { emailHash: string; ip: string },
  now: Date,
  limits: { maxAttempts: number; lockMs: number; windowMs: number },
): Promise<{ attempts: number; lockedUntil: Date | null }> {
  await db.query(`DELETE FROM global_obs_sign_in_failures WHERE last_attempt_at < $1::timestamptz - interval '1 day'`, [now]);
  const r = await db.query<{ attempts: number; locked_until: Date | null }>(
    `INSERT INTO global_obs_sign_in_failures AS f (email_hash, ip, attempts, locked_until, last_attempt_at)
     VALUES ($1, $2, 1, NULL, $3)
     ON CONFLICT (email_hash, ip) DO UPDATE SET
       attempts = CASE WHEN (f.locked_until IS NOT NULL AND f.locked_until <= $3)
                         OR (f.locked_until IS NULL AND f.last_attempt_at <= $3::timestamptz - $6 * interval '1 millisecond') THEN 1
                       ELSE f.attempts + 1 END,
       locked_until = CASE WHEN f.locked_until IS NOT NULL AND f.locked_until <= $3 THEN NULL
                           WHEN f.locked_until IS NULL AND f.last_attempt_at <= $3::timestamptz - $6 * interval '1 millisecond' THEN NULL
                           WHEN f.locked_until IS NULL AND f.attempts + 1 > $4 THEN $3::timestamptz + $5 * interval '1 millisecond'
                           ELSE f.locked_until END,
       last_attempt_at = $3
     RETURNING attempts, locked_until`,
    [key.emailHash, key.ip, now, limits.maxAttempts, limits.lockMs, limits.windowMs],
  );
  const row = r.rows[0];
  return { attempts: row?.attempts ?? 1, lockedUntil: row?.locked_until ?? null };
}

/** A right password clears the pair's count (like a staff sign-in resets its failures). */
export async function clearSignInAttempts(db: Queryable, key: { emailHash: string; ip: string }): Promise<void> {
  await db.query('DELETE FROM global_obs_sign_in_failures WHERE email_hash = $1 AND ip = $2', [key.emailHash, key.ip]);
}

export async function allowedDomains(db: Queryable, ine5: string): Promise<string[]> {
  const r = await db.query<{ domain: string }>('SELECT domain FROM global_obs_domain_allowlist WHERE ine5 = $1 ORDER BY domain', [ine5]);
  return r.rows.map((x) => x.domain);
}

export async function addAllowedDomain(db: Queryable, ine5: string, domain: string): Promise<void> {
  await db.query('INSERT INTO global_obs_domain_allowlist (ine5, domain) VALUES ($1, lower($2)) ON CONFLICT DO NOTHING', [ine5, domain]);
}

export async function removeAllowedDomain(db: Queryable, ine5: string, domain: string): Promise<boolean> {
  const r = await db.query('DELETE FROM global_obs_domain_allowlist WHERE ine5 = $1 AND domain = lower($2)', [ine5, domain]);
  return r.rowCount > 0;
}

// ---------------------------------------------------------------- projects

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

/** Published projects whose last review (or publication) is older than `before` (the yearly reminder). */
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

// ---------------------------------------------------------------- documentation files

export interface ProjectFileRow {
  id: string;
  project_id: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: string | null;
  created_at: Date;
}

export async function insertProjectFile(db: Queryable, f: Omit<ProjectFileRow, 'created_at'>): Promise<ProjectFileRow> {
  const r = await db.query<ProjectFileRow>(
    `INSERT INTO global_obs_project_files (id, project_id, file_name, mime_type, size_bytes, sha256, storage_key, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [f.id, f.project_id, f.file_name, f.mime_type, f.size_bytes, f.sha256, f.storage_key, f.uploaded_by],
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** A project's files, oldest first. */
export async function listProjectFiles(db: Queryable, projectId: string): Promise<ProjectFileRow[]> {
  const r = await db.query<ProjectFileRow>('SELECT * FROM global_obs_project_files WHERE project_id = $1 ORDER BY created_at, id', [projectId]);
  return r.rows;
}

export async function findProjectFile(db: Queryable, projectId: string, fileId: string): Promise<ProjectFileRow | undefined> {
  const r = await db.query<ProjectFileRow>('SELECT * FROM global_obs_project_files WHERE project_id = $1 AND id = $2', [projectId, fileId]);
  return r.rows[0];
}

/** Files by id, oldest first (after a failed upload: did its transaction commit after all?). */
export async function findProjectFilesByIds(db: Queryable, ids: readonly string[]): Promise<ProjectFileRow[]> {
  if (ids.length === 0) return [];
  const r = await db.query<ProjectFileRow>('SELECT * FROM global_obs_project_files WHERE id = ANY($1::text[]) ORDER BY created_at, id', [ids]);
  return r.rows;
}

/** Whether a committed file row owns these bytes (the pending-files reconciler keeps them then). */
export async function projectFileOwnsKey(db: Queryable, fileId: string, storageKey: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM global_obs_project_files WHERE id = $1 AND storage_key = $2', [fileId, storageKey]);
  return r.rows.length > 0;
}

/** Deletes the row and returns it (undefined when it was already gone, e.g. a concurrent delete). */
export async function deleteProjectFile(db: Queryable, projectId: string, fileId: string): Promise<ProjectFileRow | undefined> {
  const r = await db.query<ProjectFileRow>('DELETE FROM global_obs_project_files WHERE project_id = $1 AND id = $2 RETURNING *', [projectId, fileId]);
  return r.rows[0];
}

/** Locks the project row for the rest of the transaction, so two uploads cannot both pass the per-project count. */
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

// ---------------------------------------------------------------- portfolios

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

// ---------------------------------------------------------------- notifications

export interface NotificationRow {
  id: number;
  account_id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
  emailed_at: Date | null;
}

export async function insertNotifications(
  db: Queryable,
  items: readonly { accountId: string; kind: string; subjectType: string; subjectId: string; data: Record<string, unknown> }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO global_obs_notifications (account_id, kind, subject_type, subject_id, data)
     SELECT r."accountId", r.kind, r."subjectType", r."subjectId", r.data
     FROM jsonb_to_recordset($1::jsonb) AS r("accountId" text, kind text, "subjectType" text, "subjectId" text, data jsonb)`,
    [JSON.stringify(items)],
  );
}

/**
 * Inserts a notification unless one of the same kind about the same subject exists since `since` (created at `at`,
 * the job's clock); true when inserted.
 */
export async function insertReminderOnce(
  db: Queryable,
  n: { accountId: string; kind: string; subjectType: string; subjectId: string; data: Record<string, unknown>; since: Date; at: Date },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO global_obs_notifications (account_id, kind, subject_type, subject_id, data, created_at)
     SELECT $1, $2, $3, $4, $5::jsonb, $7
     WHERE NOT EXISTS (SELECT 1 FROM global_obs_notifications WHERE kind = $2 AND subject_type = $3 AND subject_id = $4 AND created_at >= $6)
     RETURNING id`,
    [n.accountId, n.kind, n.subjectType, n.subjectId, JSON.stringify(n.data), n.since, n.at],
  );
  return r.rows.length > 0;
}

export async function listNotifications(db: Queryable, accountId: string, onlyUnread: boolean, limit: number): Promise<NotificationRow[]> {
  const r = await db.query<NotificationRow>(
    `SELECT * FROM global_obs_notifications WHERE account_id = $1 ${onlyUnread ? 'AND read_at IS NULL' : ''}
     ORDER BY created_at DESC, id DESC LIMIT $2`,
    [accountId, limit],
  );
  return r.rows;
}

export async function markNotificationsRead(db: Queryable, accountId: string, ids: readonly number[] | 'all'): Promise<number> {
  const r =
    ids === 'all'
      ? await db.query('UPDATE global_obs_notifications SET read_at = now() WHERE account_id = $1 AND read_at IS NULL', [accountId])
      : await db.query('UPDATE global_obs_notifications SET read_at = now() WHERE account_id = $1 AND id = ANY($2::int8[]) AND read_at IS NULL', [accountId, ids]);
  return r.rowCount;
}

export type DigestRow = NotificationRow & { email: string; display_name: string; language: Language };

/**
 * Unread, not yet e-mailed notifications of accounts that want digests, grouped later per account; with `claimedIds`,
 * exactly those (already claimed by this run) of one account.
 */
export async function pendingDigestNotifications(db: Queryable, since: Date, only?: { accountId: string; claimedIds: readonly number[] }): Promise<DigestRow[]> {
  const r = await db.query<DigestRow>(
    `SELECT n.*, a.email, a.display_name, a.language FROM global_obs_notifications n JOIN global_obs_accounts a ON a.id = n.account_id
     WHERE n.read_at IS NULL AND n.created_at >= $1 AND a.wants_digest AND a.email_verified_at IS NOT NULL
       AND ${only ? 'n.account_id = $2 AND n.id = ANY($3::int8[])' : 'n.emailed_at IS NULL'}
     ORDER BY n.account_id, n.created_at, n.id`,
    only ? [since, only.accountId, only.claimedIds] : [since],
  );
  return r.rows;
}

/** Marks notifications e-mailed unless another run already did; returns the ids this call claimed. */
export async function claimNotificationsForEmail(db: Queryable, ids: readonly number[], at: Date): Promise<number[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ id: number }>(
    'UPDATE global_obs_notifications SET emailed_at = $2 WHERE id = ANY($1::int8[]) AND emailed_at IS NULL RETURNING id',
    [ids, at],
  );
  return r.rows.map((x) => Number(x.id));
}

/** Undoes a claim whose e-mail could not be sent, so the next run tries again. */
export async function releaseEmailClaim(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('UPDATE global_obs_notifications SET emailed_at = NULL WHERE id = ANY($1::int8[])', [ids]);
}

export async function setWantsDigest(db: Queryable, accountId: string, wantsDigest: boolean): Promise<void> {
  await db.query('UPDATE global_obs_accounts SET wants_digest = $2 WHERE id = $1', [accountId, wantsDigest]);
}
