/** What leaves the server: database rows turned into the observatory's response shapes (observatory.schemas.ts). */
import { isHttpUrl } from '../../../shared/http-url.ts';
import type { Language } from '../../../shared/languages.ts';
import { typeLabel } from '../storage/index.ts';
import type { AccountRow } from './accounts.repository.ts';
import type { MunicipalityRow } from './gazetteer.repository.ts';
import type { NotificationRow } from './notifications.repository.ts';
import { isEditor, isOwner, type ObsActor } from './observatory.policy.ts';
import type {
  Account, EntityView, Municipality, ObsNotification, Portfolio, ProjectDetail, ProjectFile, ProjectSummary, Text,
} from './observatory.schemas.ts';
import { pickText } from './observatory.text.ts';
import type { PortfolioRow } from './portfolios.repository.ts';
import type { ProjectFileRow } from './project-files.repository.ts';
import type { AdoptionRow, ProjectListRow, ProjectRow } from './projects.repository.ts';

export function toMunicipality(r: MunicipalityRow): Municipality {
  return {
    ine5: r.ine5, name: r.name, provinceCode: r.province_code, province: r.province, regionCode: r.region_code, region: r.region,
    population: r.population, band: r.band, lat: r.lat, lon: r.lon,
  };
}

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id, email: r.email, handle: r.handle, displayName: r.display_name, role: r.role, ine5: r.ine5,
    organisation: r.organisation, language: r.language, isVerified: r.email_verified_at !== null, wantsDigest: r.wants_digest,
  };
}

function entityOf(r: ProjectListRow): EntityView {
  return {
    kind: r.entity_kind, ine5: r.ine5, name: r.m_name ?? r.entity_name ?? '', country: r.country, provinceCode: r.province_code,
    province: r.province, regionCode: r.region_code, region: r.region, population: r.population, band: r.band, lat: r.lat, lon: r.lon,
  };
}

export function toSummary(r: ProjectListRow, lang: Language): ProjectSummary {
  const title = pickText(r.title, lang);
  const summary = pickText(r.summary, title.language ?? lang);
  const s: ProjectSummary = {
    id: r.id, slug: r.slug, status: r.status, title: title.text, textLanguage: title.language ?? 'es',
    summary: summary.text || pickText(r.description, title.language ?? lang).text.slice(0, 280),
    area: r.area, type: r.type, phase: r.phase, technologies: r.technologies, council: entityOf(r),
    savedCentsPerYear: r.saved_cents_per_year, adoptionCount: Number(r.adoption_count), isDemo: r.is_demo, source: r.source,
    updatedAt: r.updated_at.toISOString(),
  };
  // Two decimals: 10 m is finer than any council's reference point.
  if (r.distance_km !== null && r.distance_km !== undefined) s.distanceKm = Math.round(r.distance_km * 100) / 100;
  return s;
}

export function toProjectFile(f: ProjectFileRow): ProjectFile {
  return {
    id: f.id, name: f.file_name, mimeType: f.mime_type, typeLabel: typeLabel(f.mime_type), sizeBytes: Number(f.size_bytes), sha256: f.sha256,
    url: `/api/v1/observatory/projects/${f.project_id}/files/${f.id}`, createdAt: f.created_at.toISOString(),
  };
}

/** One project with everything its page shows, and what `actor` may do with it. */
export function toProjectDetail(
  actor: ObsActor | undefined,
  p: ProjectRow,
  listed: ProjectListRow,
  related: { portfolio: PortfolioRow | undefined; adoptions: AdoptionRow[]; files: ProjectFileRow[] },
  lang: Language,
): ProjectDetail {
  const tl = (t: Text) => {
    const picked = pickText(t, lang);
    return { text: picked.text, language: picked.language, all: t };
  };
  const { portfolio, adoptions, files } = related;
  return {
    ...toSummary(listed, lang),
    titleText: tl(p.title), summaryText: tl(p.summary), description: tl(p.description), valueText: tl(p.value_text),
    barriers: tl(p.barriers), benefits: tl(p.benefits),
    metrics: {
      ...(p.saved_cents_per_year !== null ? { savedCentsPerYear: p.saved_cents_per_year } : {}),
      ...(p.staff_hours_saved_per_year !== null ? { staffHoursSavedPerYear: p.staff_hours_saved_per_year } : {}),
      ...(p.citizens_served !== null ? { citizensServed: p.citizens_served } : {}),
      ...(p.procedures_per_year !== null ? { proceduresPerYear: p.procedures_per_year } : {}),
      ...(p.investment_cents !== null ? { investmentCents: p.investment_cents } : {}),
    },
    methodologies: p.methodologies, tools: p.tools,
    contacts: p.contacts as ProjectDetail['contacts'],
    // Rows written before links were limited to http(s) (LOW-5), or by an importer, are filtered here too:
    // a stored javascript: link is never served, and one bad row cannot fail the response's schema.
    documentation: (p.documentation as ProjectDetail['documentation']).filter((d) => isHttpUrl(d.url)),
    files: files.map(toProjectFile),
    ownerAccountId: p.owner_account_id, attribution: p.attribution,
    portfolio: portfolio ? { slug: portfolio.slug, title: pickText(portfolio.title, lang).text } : null,
    adoptions: adoptions.map((x) => ({ ine5: x.ine5, name: x.name, stage: x.stage, at: x.at.toISOString(), note: x.note })),
    version: p.version, createdAt: p.created_at.toISOString(),
    publishedAt: p.published_at?.toISOString() ?? null, reviewedAt: p.reviewed_at?.toISOString() ?? null,
    can: {
      edit: isOwner(actor, p) || isEditor(actor),
      submit: p.status === 'draft' && (isOwner(actor, p) || isEditor(actor)),
      publish: p.status === 'submitted' && isEditor(actor),
    },
  };
}

export function toPortfolio(p: PortfolioRow, lang: Language): Portfolio {
  return {
    slug: p.slug, ine5: p.ine5, title: pickText(p.title, lang).text, description: pickText(p.description, lang).text,
    budgetCents: p.budget_cents, periodStart: p.period_start, periodEnd: p.period_end,
    objectives: p.objectives.map((o) => ({ key: o.key, title: pickText(o.title, lang).text })),
    lines: p.lines.map((l) => ({ name: pickText(l.name, lang).text, objective: l.objective, budgetCents: l.budgetCents ?? null,
      budgetYear: l.budgetYear ?? null, projectSlug: l.projectSlug ?? null })),
    isDemo: p.is_demo,
  };
}

export function toNotification(n: NotificationRow): ObsNotification {
  return {
    id: Number(n.id), kind: n.kind, subjectType: n.subject_type, subjectId: n.subject_id, data: n.data,
    createdAt: n.created_at.toISOString(), readAt: n.read_at?.toISOString() ?? null,
  };
}
