/**
 * A project as an officer writes it (ProjectInput / ProjectPatch) turned into database columns, and the field-by-field
 * difference the history keeps. The copying is a table, so a new field is one row (review D4).
 */
import type { Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { requireMunicipality } from './gazetteer.service.ts';
import type { ProjectPatch } from './observatory.schemas.ts';
import { findPortfolio } from './portfolios.repository.ts';
import type { ProjectWrite, ProjectWriteColumn } from './projects.repository.ts';

type FieldColumns = readonly (readonly [keyof ProjectPatch, ProjectWriteColumn])[];
/**
 * Fields copied as they are to their column, when given: texts, then (after the metrics) tags and classification.
 * The order is the history's and the forum's `fields` order.
 */
const TEXT_COLUMNS = [
  ['title', 'title'], ['contacts', 'contacts'], ['summary', 'summary'], ['description', 'description'], ['valueText', 'value_text'],
  ['barriers', 'barriers'], ['benefits', 'benefits'],
] as const satisfies FieldColumns;
const TAG_COLUMNS = [
  ['technologies', 'technologies'], ['methodologies', 'methodologies'], ['tools', 'tools'], ['phase', 'phase'], ['type', 'type'],
  ['area', 'area'], ['documentation', 'documentation'],
] as const satisfies FieldColumns;

/** The metrics block replaces all five columns at once: a metric left out is cleared. */
const METRIC_COLUMNS = [
  ['savedCentsPerYear', 'saved_cents_per_year'], ['staffHoursSavedPerYear', 'staff_hours_saved_per_year'],
  ['citizensServed', 'citizens_served'], ['proceduresPerYear', 'procedures_per_year'], ['investmentCents', 'investment_cents'],
] as const satisfies readonly (readonly [keyof NonNullable<ProjectPatch['metrics']>, ProjectWriteColumn])[];

/** The fields of a ProjectInput as database columns (owner, status and source are set by the caller). */
export async function inputToColumns(db: Queryable, input: ProjectPatch & { portfolioSlug?: string | undefined }): Promise<Partial<ProjectWrite>> {
  const c: Partial<Record<ProjectWriteColumn, unknown>> = {};
  if (input.ine5 !== undefined) {
    const m = await requireMunicipality(db, input.ine5);
    Object.assign(c, { ine5: m.ine5, entity_name: null, country: 'ES', entity_population: null, entity_lat: null, entity_lon: null,
                       entity_kind: input.entityKind ?? 'municipality' });
  } else if (input.foreignEntity) {
    const f = input.foreignEntity;
    Object.assign(c, { ine5: null, entity_kind: f.kind, entity_name: f.name, country: f.country, entity_population: f.population ?? null,
                       entity_lat: f.lat ?? null, entity_lon: f.lon ?? null });
  } else if (input.entityKind) {
    c.entity_kind = input.entityKind;
  }
  for (const [field, column] of TEXT_COLUMNS) {
    if (input[field]) c[column] = input[field];
  }
  if (input.metrics) {
    for (const [metric, column] of METRIC_COLUMNS) c[column] = input.metrics[metric] ?? null;
  }
  for (const [field, column] of TAG_COLUMNS) {
    if (input[field]) c[column] = input[field];
  }
  if (input.portfolioSlug !== undefined) {
    const pf = await findPortfolio(db, input.portfolioSlug);
    if (!pf) throw new AppError('observatory.unknown_portfolio');
    c.portfolio_id = pf.id;
  }
  // Every value above came from the field of the same type in the validated input.
  return c as Partial<ProjectWrite>;
}

/** JSON with sorted keys: jsonb does not keep key order, so plain JSON.stringify would see false changes. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The columns of `after` whose value differs from `before`, with both values (what the history keeps). */
export function diffColumns(before: Partial<ProjectWrite>, after: Partial<ProjectWrite>): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after) as (keyof ProjectWrite)[]) {
    const b = before[key] ?? null;
    const a = after[key] ?? null;
    if (canonical(b) !== canonical(a)) out[key] = { before: b, after: a };
  }
  return out;
}
