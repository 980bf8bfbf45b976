/** Discovery: full-text search with filters and facets, Km0, "councils like mine", an officer's workspace, similar projects. */
import type { Language } from '../../../shared/languages.ts';
import { requireMunicipality } from './gazetteer.service.ts';
import { accountId, isEditor, requireAccount, requireVisibleProject, type ObsActor } from './observatory.policy.ts';
import { toMunicipality, toSummary } from './observatory.presenters.ts';
import type { Municipality, ProjectSearchQuery, ProjectSearchResult, ProjectSummary } from './observatory.schemas.ts';
import { populationBand } from './observatory.text.ts';
import type { ObsContext } from './observatory.types.ts';
import * as repo from './project-search.repository.ts';

/** Default radius of a Km0 search and the "not nearby" distance of a like-mine search, in km. */
export const DEFAULT_NEAR_KM = 50;
export const DEFAULT_LIKE_MIN_KM = 50;

export class ProjectSearchService {
  constructor(private readonly ctx: ObsContext) {}

  /**
   * The search behind GET /api/v1/observatory/projects: published projects matching the text and filters;
   * `near` adds distance_km and keeps those within `km`; `like` keeps councils of the same band and kind
   * farther than `minKm`. Anyone may search: only published records are ever listed.
   */
  async searchProjects(query: ProjectSearchQuery, lang: Language): Promise<ProjectSearchResult> {
    const { db } = this.ctx;
    const language = query.lang ?? lang;
    let reference: Municipality | undefined;
    const filter: repo.ProjectFilter = {
      statuses: ['published'], includeDemo: query.includeDemo ?? true, lang: language, limit: query.limit, offset: query.offset,
      sort: query.sort ?? (query.q ? 'relevance' : query.near ? 'distance' : 'recent'),
      ...(query.q ? { q: query.q } : {}),
      ...(query.area ? { areas: query.area } : {}),
      ...(query.type ? { types: query.type } : {}),
      ...(query.phase ? { phases: query.phase } : {}),
      ...(query.technology ? { technologies: query.technology } : {}),
      ...(query.band ? { bands: query.band } : {}),
      ...(query.province ? { provinces: query.province } : {}),
      ...(query.region ? { regions: query.region } : {}),
      ...(query.country ? { countries: query.country } : {}),
    };
    if (query.near) {
      reference = toMunicipality(await requireMunicipality(db, query.near));
      filter.from = { lat: reference.lat, lon: reference.lon };
      filter.maxKm = query.km ?? DEFAULT_NEAR_KM;
    }
    if (query.like) {
      const like = toMunicipality(await requireMunicipality(db, query.like));
      reference ??= like;
      filter.from ??= { lat: like.lat, lon: like.lon };
      filter.like = { band: like.band, minKm: query.minKm ?? DEFAULT_LIKE_MIN_KM, excludeIne5: like.ine5 };
    }
    const [rows, facets] = await Promise.all([repo.searchProjects(db, filter), repo.projectFacets(db, filter)]);
    const count = (key: 'area' | 'type' | 'phase') => {
      const out: Record<string, number> = {};
      for (const f of facets) out[f[key]] = (out[f[key]] ?? 0) + Number(f.n);
      return out;
    };
    // The total rides on each row (count(*) OVER ()); past the last page there is no row to carry it, so count apart.
    const total = rows[0] ? Number(rows[0].total) : query.offset > 0
      ? Number((await repo.searchProjects(db, { ...filter, limit: 1, offset: 0 }))[0]?.total ?? 0) : 0;
    const result: ProjectSearchResult = {
      total, limit: query.limit, offset: query.offset,
      items: rows.map((r) => toSummary(r, language)),
      facets: { area: count('area'), type: count('type'), phase: count('phase') },
    };
    if (reference) {
      result.reference = {
        kind: 'municipality', ine5: reference.ine5, name: reference.name, country: 'ES', provinceCode: reference.provinceCode,
        province: reference.province, regionCode: reference.regionCode, region: reference.region, population: reference.population,
        band: populationBand(reference.population), lat: reference.lat, lon: reference.lon,
      };
    }
    return result;
  }

  /**
   * An officer's workspace: their own projects in every status but archived, and (for editors) the
   * review queue of submitted projects, oldest first.
   */
  async workspace(actor: ObsActor | undefined, lang: Language): Promise<{ mine: ProjectSummary[]; queue: ProjectSummary[] }> {
    const a = requireAccount(actor);
    const id = accountId(a);
    const base = { includeDemo: true, lang, limit: 200, offset: 0 } as const;
    const mine = id ? await repo.searchProjects(this.ctx.db, { ...base, statuses: ['draft', 'submitted', 'published'], ownerAccountId: id, sort: 'recent' }) : [];
    const queue = isEditor(a) ? await repo.searchProjects(this.ctx.db, { ...base, statuses: ['submitted'], sort: 'recent' }) : [];
    return { mine: mine.map((r) => toSummary(r, lang)), queue: queue.map((r) => toSummary(r, lang)) };
  }

  /** Projects like this one (same area, shared tags, overlapping words), published only. */
  async similarProjects(actor: ObsActor | undefined, idOrSlug: string, lang: Language, limit = 5): Promise<ProjectSummary[]> {
    const { db } = this.ctx;
    const p = await requireVisibleProject(db, actor, idOrSlug);
    const scored = await repo.similarProjects(db, p.id, limit);
    if (scored.length === 0) return [];
    const rows = await repo.searchProjects(db, {
      statuses: ['published'], ids: scored.map((s) => s.id), includeDemo: true, lang, sort: 'recent', limit, offset: 0,
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return scored.flatMap((s) => {
      const r = byId.get(s.id);
      return r ? [toSummary(r, lang)] : [];
    });
  }
}
