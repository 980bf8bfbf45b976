/**
 * Loads the gazetteer and the reviewable demo content in data/observatory/ (idempotent: run it on every
 * start or seed; records are keyed by source + id, owners by e-mail).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import { findAccountByEmail, insertSeedOwner } from './accounts.repository.ts';
import { ZAdoptSchema, ZProjectInputSchema, ZText } from './observatory.schemas.ts';
import type { ObservatoryService } from './observatory.service.ts';
import { upsertPortfolio } from './portfolios.repository.ts';
import { findProjectBySource, upsertAdoption } from './projects.repository.ts';

export const OBSERVATORY_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../data/observatory');

const ZSeedFile = z.object({
  owners: z.array(z.object({ handle: z.string(), displayName: z.string(), email: z.string().email(), ine5: z.string().optional() })),
  projects: z.array(
    z.looseObject({
      source: z.enum(['seed', 'demo']),
      id: z.string(),
      owner: z.string().optional(),
      isDemo: z.boolean().default(false),
      adoptions: z.array(ZAdoptSchema).default([]),
    }),
  ),
});

const ZPortfolioFile = z.object({
  slug: z.string(),
  ine5: z.string().nullable().default(null),
  isDemo: z.boolean().default(false),
  title: ZText,
  description: ZText.default({}),
  budgetCents: z.number().int().nullable().default(null),
  periodStart: z.number().int().nullable().default(null),
  periodEnd: z.number().int().nullable().default(null),
  sources: z.array(z.string()).default([]),
  objectives: z.array(z.object({ key: z.string(), title: ZText })),
  lines: z.array(z.object({
    name: ZText, objective: z.string(), budgetCents: z.number().int().nullable().optional(), budgetYear: z.number().int().nullable().optional(),
    projectSlug: z.string().nullable().optional(),
  })),
});

export interface SeedReport {
  municipalities: number;
  created: number;
  updated: number;
  unchanged: number;
  portfolios: number;
}

/** Seeds the observatory: gazetteer, portfolios, seed and demo projects with their owners and adoptions. */
export async function seedObservatory(db: Db, service: ObservatoryService, dir = OBSERVATORY_DATA_DIR): Promise<SeedReport> {
  const gaz = await service.ensureMunicipalities();
  const report: SeedReport = { municipalities: gaz.total, created: 0, updated: 0, unchanged: 0, portfolios: 0 };

  const pf = ZPortfolioFile.parse(parseYaml(readFileSync(path.join(dir, 'portfolio-alicante-smart-city-2.yaml'), 'utf8')));
  if (pf.lines.length !== 25) throw new Error(`the Smart City 2.0 portfolio must have 25 actions, has ${pf.lines.length}`);
  await upsertPortfolio(db, {
    slug: pf.slug, ine5: pf.ine5, title: pf.title, description: pf.description, budget_cents: pf.budgetCents, period_start: pf.periodStart,
    period_end: pf.periodEnd, objectives: pf.objectives, lines: pf.lines, sources: pf.sources, is_demo: pf.isDemo,
  });
  report.portfolios = 1;

  const file = ZSeedFile.parse(parseYaml(readFileSync(path.join(dir, 'projects.yaml'), 'utf8')));
  const owners = new Map<string, string>();
  for (const o of file.owners) {
    let row = await findAccountByEmail(db, o.email);
    if (!row) {
      await insertSeedOwner(db, { email: o.email, handle: o.handle, displayName: o.displayName, ine5: o.ine5 ?? null });
      row = await findAccountByEmail(db, o.email);
    }
    if (row) owners.set(o.handle, row.id);
  }
  for (const p of file.projects) {
    const { source, id, owner, isDemo, adoptions, ...rest } = p;
    const input = ZProjectInputSchema.parse(rest);
    const ownerId = owner ? owners.get(owner) : undefined;
    const outcome = await service.upsertFromSource(input, {
      source, sourceId: id, isDemo, attribution: isDemo ? 'Invented demo record (Ventanilla)' : 'Public articles, see data/observatory/README.md',
      ...(ownerId ? { ownerAccountId: ownerId } : {}),
    });
    report[outcome]++;
    const row = await findProjectBySource(db, source, id);
    if (!row) continue;
    for (const a of adoptions) {
      await upsertAdoption(db, { projectId: row.id, ine5: a.ine5 ?? null, entityName: a.ine5 ? null : a.entityName ?? null,
        stage: a.stage, note: a.note ?? null, accountId: null });
    }
  }
  return report;
}
