/** The gazetteer: Spanish municipalities (IGN/CNIG, CC BY 4.0) for pickers, Km0 and "councils like mine". */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import * as repo from './gazetteer.repository.ts';
import { toMunicipality } from './observatory.presenters.ts';
import type { Municipality } from './observatory.schemas.ts';
import type { ObsContext } from './observatory.types.ts';

export const MUNICIPALITIES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../data/municipalities/municipios.json');

/**
 * The municipality with this INE code, or `observatory.unknown_municipality`. One status wherever the code comes
 * from (a path, a query, a form field): 404, the named municipality does not exist.
 */
export async function requireMunicipality(q: Queryable, ine5: string): Promise<repo.MunicipalityRow> {
  const m = await repo.findMunicipality(q, ine5);
  if (!m) throw new AppError('observatory.unknown_municipality', { params: { ine5 } });
  return m;
}

export class GazetteerService {
  constructor(private readonly ctx: ObsContext) {}

  /** Loads the shipped IGN/CNIG gazetteer into global_municipalities; a no-op when already loaded. */
  async ensureMunicipalities(file = MUNICIPALITIES_FILE): Promise<{ loaded: number; total: number }> {
    const { db } = this.ctx;
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { columns: string[]; rows: [string, string, string, string, number, number, number][] };
    const have = await repo.countMunicipalities(db);
    if (have === doc.rows.length) return { loaded: 0, total: have };
    const rows = doc.rows.map(([ine5, name, provinceCode, , population, lat, lon]) => ({ ine5, name, provinceCode, population, lat, lon }));
    await db.transaction(async (tx) => repo.upsertMunicipalities(tx, rows));
    return { loaded: rows.length, total: await repo.countMunicipalities(db) };
  }

  async municipality(ine5: string): Promise<Municipality> {
    return toMunicipality(await requireMunicipality(this.ctx.db, ine5));
  }

  /** Municipalities for a picker: by name (accent-insensitive, fuzzy) or INE code prefix. */
  async searchMunicipalities(q: string | undefined, limit = 20): Promise<Municipality[]> {
    const { db } = this.ctx;
    const rows = q && q.trim() ? await repo.searchMunicipalities(db, q.trim(), limit) : await repo.largestMunicipalities(db, limit);
    return rows.map(toMunicipality);
  }
}
