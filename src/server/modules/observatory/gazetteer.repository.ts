/**
 * The gazetteer's SQL: Spanish municipalities (IGN/CNIG) with their province and region, shared by all councils.
 */
import type { Queryable } from '../../db/db.ts';
import type { PopulationBand } from './observatory.schemas.ts';

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
