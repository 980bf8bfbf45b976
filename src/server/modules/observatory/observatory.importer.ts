/**
 * `ventanilla observatory import-cases <csv>`: imports the EU Joint Research Centre's Innovative Public
 * Services Explorer cases (github ipsoeu/ips-explorer, data/cases.csv; EUPL-1.2 repository, credit the JRC).
 * Idempotent by the case `id`: a second run updates changed records and creates no duplicates.
 */
import type { Db } from '../../db/db.ts';
import { isHttpUrl } from '../../../shared/http-url.ts';
import * as repo from './gazetteer.repository.ts';
import type { Area, EntityKind, Phase, ProjectInput, ProjectType } from './observatory.schemas.ts';
import type { ObservatoryService } from './observatory.service.ts';

export const JRC_ATTRIBUTION =
  'European Commission, Joint Research Centre: Innovative Public Services Explorer (ipsoeu/ips-explorer), EUPL-1.2';

/** RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes. Returns rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inQuotes) {
      if (c === '"') {
        if (s[i + 1] === '"') { field += '"'; i++; } else inQuotes = false;
      } else field += c;
    } else if (c === '"') inQuotes = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

export interface IpsCase {
  id: string;
  name: string;
  url: string;
  description: string;
  geoextent: string;
  geocoverage: string;
  countryCode: string;
  organisation: string;
  organisationCategory: string;
  startYear: string;
  primarySector: string;
  technology: string;
  type: string;
  status: string;
}

export function readIpsCases(text: string): IpsCase[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const idx = (name: string) => header.indexOf(name);
  const get = (r: string[], ...names: string[]) => {
    for (const n of names) {
      const i = idx(n);
      const v = i >= 0 ? (r[i] ?? '').trim() : '';
      if (v) return v;
    }
    return '';
  };
  return rows
    .map((r) => ({
      id: get(r, 'id'), name: get(r, 'name'), url: get(r, 'url'), description: get(r, 'description'), geoextent: get(r, 'geoextent'),
      geocoverage: get(r, 'geocoverage'), countryCode: get(r, 'geocoverage_codes').split(/[,;\s]+/)[0] ?? '',
      organisation: get(r, 'lead_organisation_name', 'lead_organisation:name', 'lead_organization_name'),
      organisationCategory: get(r, 'lead_organisation_category', 'lead_organisation:category', 'lead_organization_category'),
      startYear: get(r, 'start_date').slice(0, 4), primarySector: get(r, 'primary_sector'), technology: get(r, 'technology'),
      type: get(r, 'type'), status: get(r, 'status'),
    }))
    .filter((c) => /^\d+$/.test(c.id) && c.name !== '');
}

/** IPS status -> our phase (the JRC's "in development"/"planned" are prototypes for us). */
export function mapPhase(status: string): Phase {
  const s = status.toLowerCase();
  if (s === 'pilot') return 'pilot';
  if (s === 'implemented' || s === 'in production' || s === 'not in use anymore') return 'implemented';
  return 'prototype';
}

/** IPS service type -> services | processes | organisation. */
export function mapType(type: string): ProjectType {
  const t = type.toLowerCase();
  if (t.startsWith('internal') || t.includes('management of') || t.includes('procurement')) return 'organisation';
  if (t.includes('process')) return 'processes';
  return 'services';
}

/** IPS service type and COFOG sector -> one of the observatory's six areas. */
export function mapArea(type: string, sector: string): Area {
  const t = type.toLowerCase();
  const s = sector.toLowerCase();
  if (t.includes('engagement')) return 'first-line-care';
  if (s.startsWith('social protection') || s.startsWith('health')) return 'social-services';
  if (t.includes('data sharing') || t.includes('participation') || t.includes('transparency')) return 'participation-open-government';
  if (t.includes('prediction') || t.includes('planning') || t.includes('monitoring') || t.includes('analysis') || t.includes('enforcement') || t.includes('inspection')) return 'planning-management';
  if (t.startsWith('internal')) return 'comprehensive-transformation';
  return 'services-procedures';
}

function entityKind(c: IpsCase): EntityKind {
  const cat = c.organisationCategory.toLowerCase();
  if (cat.startsWith('local')) return 'municipality';
  if (cat.startsWith('regional')) return 'regional';
  if (cat.startsWith('central')) return 'national';
  return 'other';
}

export interface ImportReport {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  placedInSpain: number;
  skipped: number;
}

/**
 * Imports (or re-imports) IPS cases. Spanish local cases are placed on their municipality when its name
 * appears in the lead organisation's name, so they show up in Km0 searches; the rest are foreign entities.
 */
export async function importIpsCases(db: Db, service: ObservatoryService, csvText: string): Promise<ImportReport> {
  await service.ensureMunicipalities();
  const cases = readIpsCases(csvText);
  const report: ImportReport = { read: cases.length, created: 0, updated: 0, unchanged: 0, placedInSpain: 0, skipped: 0 };
  for (const c of cases) {
    const kind = entityKind(c);
    let ine5: string | undefined;
    if (c.countryCode === 'ES' && kind === 'municipality') {
      const named = await repo.municipalitiesNamedIn(db, c.organisation);
      ine5 = named[0]?.ine5;
    }
    const input: ProjectInput = {
      title: { en: c.name.slice(0, 500) },
      entityKind: ine5 ? 'municipality' : kind,
      ...(ine5
        ? { ine5 }
        : { foreignEntity: { kind, name: c.organisation || c.geocoverage || 'Unknown', country: /^[A-Z]{2}$/.test(c.countryCode) ? c.countryCode : 'EU' } }),
      contacts: [],
      summary: {},
      description: c.description ? { en: c.description } : {},
      valueText: {},
      metrics: {},
      barriers: {},
      benefits: {},
      technologies: c.technology ? [c.technology.toLowerCase()] : [],
      methodologies: [],
      tools: c.type ? [c.type] : [],
      phase: mapPhase(c.status),
      type: mapType(c.type),
      area: mapArea(c.type, c.primarySector),
      documentation: isHttpUrl(c.url) ? [{ kind: 'link', url: c.url, title: c.name.slice(0, 300) }] : [],
    };
    try {
      const outcome = await service.upsertFromSource(input, { source: 'jrc-ips', sourceId: c.id, attribution: JRC_ATTRIBUTION, isDemo: false });
      report[outcome]++;
      if (ine5) report.placedInSpain++;
    } catch {
      // A malformed row (e.g. an invalid URL) must not stop the other 850.
      report.skipped++;
    }
  }
  return report;
}
