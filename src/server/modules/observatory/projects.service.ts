/**
 * Project records: create, upsert from a seed or importer, edit, the review workflow (submit, publish, reject,
 * review, archive), the detail page, history and adoption. Every change is kept in the history, in the same
 * transaction as the change.
 */
import type { Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import type { Language } from '../../../shared/languages.ts';
import { requireMunicipality } from './gazetteer.service.ts';
import { insertNotifications } from './notifications.repository.ts';
import {
  accountId, isEditor, isOwner, redactHistoryChanges, requireAccount, requireEditableProject, requireVisibleProject, type ObsActor,
} from './observatory.policy.ts';
import { toProjectDetail } from './observatory.presenters.ts';
import type { AdoptInput, HistoryEntry, ProjectDetail, ProjectInput, ProjectPatch, Text } from './observatory.schemas.ts';
import { pickText, slugify } from './observatory.text.ts';
import type { ObsContext, ProjectChangedListener } from './observatory.types.ts';
import { findPortfolio } from './portfolios.repository.ts';
import { diffColumns, inputToColumns } from './project-columns.ts';
import { listProjectFiles } from './project-files.repository.ts';
import { searchProjects } from './project-search.repository.ts';
import * as repo from './projects.repository.ts';

type WorkflowAction = 'submit' | 'publish' | 'reject' | 'review' | 'archive';

export class ProjectsService {
  private readonly listeners: ProjectChangedListener[] = [];

  constructor(private readonly ctx: ObsContext) {}

  /** Subscribes to edits of published projects (the forum notifies whoever follows the project). */
  onPublishedProjectChanged(listener: ProjectChangedListener): void {
    this.listeners.push(listener);
  }

  /** Creates a draft owned by the actor (system: with options for seeds/importers). */
  async createProject(
    actor: ObsActor | undefined,
    input: ProjectInput,
    opts: { status?: 'draft' | 'published'; source?: string; sourceId?: string; attribution?: string; isDemo?: boolean; ownerAccountId?: string } = {},
  ): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    if (a.kind !== 'system' && (opts.status === 'published' || opts.source || opts.isDemo || opts.ownerAccountId)) {
      throw new AppError('observatory.forbidden');
    }
    const row = await this.ctx.db.transaction(async (tx) => {
      const cols = await inputToColumns(tx, input);
      let slug = input.slug ?? slugify(pickText(input.title, 'es').text);
      for (let i = 2; await repo.slugTaken(tx, slug); i++) slug = `${(input.slug ?? slugify(pickText(input.title, 'es').text)).slice(0, 70)}-${i}`;
      const status = opts.status ?? 'draft';
      const write: repo.ProjectWrite = {
        slug, status, owner_account_id: opts.ownerAccountId ?? accountId(a), entity_kind: 'municipality', ine5: null, entity_name: null,
        country: 'ES', entity_population: null, entity_lat: null, entity_lon: null, contacts: [], title: input.title, summary: {},
        description: {}, value_text: {}, barriers: {}, benefits: {}, saved_cents_per_year: null, staff_hours_saved_per_year: null,
        citizens_served: null, procedures_per_year: null, investment_cents: null, technologies: [], methodologies: [], tools: [],
        phase: input.phase, type: input.type, area: input.area, documentation: [], portfolio_id: null, source: opts.source ?? 'user',
        source_id: opts.sourceId ?? null, attribution: opts.attribution ?? null, is_demo: opts.isDemo ?? false,
        ...cols,
      };
      const created = await repo.insertProject(tx, write);
      if (status === 'published') {
        await repo.updateProject(tx, created.id, {}, { publishedAt: this.ctx.now(), reviewedAt: this.ctx.now() });
      }
      await repo.insertHistory(tx, {
        projectId: created.id, actorAccountId: accountId(a), action: 'create', statusFrom: null, statusTo: status,
        changes: diffColumns({}, cols),
      });
      return created;
    });
    return this.getProject(actor, row.id, 'es');
  }

  /**
   * Upserts a record from a seed or importer, keyed by (source, sourceId): inserts it published, or
   * updates the changed fields (history only when something changed). Returns what happened.
   */
  async upsertFromSource(
    input: ProjectInput,
    opts: { source: string; sourceId: string; attribution?: string; isDemo?: boolean; ownerAccountId?: string },
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const existing = await repo.findProjectBySource(this.ctx.db, opts.source, opts.sourceId);
    if (!existing) {
      await this.createProject({ kind: 'system' }, input, { ...opts, status: 'published' });
      return 'created';
    }
    return this.ctx.db.transaction(async (tx) => {
      const cols = await inputToColumns(tx, { ...input, contacts: input.contacts, documentation: input.documentation });
      if (opts.attribution !== undefined) cols.attribution = opts.attribution;
      if (opts.isDemo !== undefined) cols.is_demo = opts.isDemo;
      if (opts.ownerAccountId !== undefined) cols.owner_account_id = opts.ownerAccountId;
      const changes = diffColumns(existing, cols);
      if (Object.keys(changes).length === 0) return 'unchanged';
      const changed = Object.fromEntries(Object.keys(changes).map((k) => [k, cols[k as keyof repo.ProjectWrite]])) as Partial<repo.ProjectWrite>;
      await repo.updateProject(tx, existing.id, changed);
      await repo.insertHistory(tx, { projectId: existing.id, actorAccountId: null, action: 'import', statusFrom: existing.status, statusTo: existing.status, changes });
      return 'updated';
    });
  }

  /**
   * Owners and editors edit; every change is kept in the history (before/after per field). Unknown, or someone else's
   * draft, is `project_not_found` (404, as GET answers), so a write cannot tell whether a draft exists.
   */
  async updateProject(actor: ObsActor | undefined, idOrSlug: string, patch: ProjectPatch): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    const id = await this.ctx.db.transaction(async (tx) => {
      const p = await requireEditableProject(tx, a, idOrSlug);
      const cols = await inputToColumns(tx, patch);
      const changes = diffColumns(p, cols);
      if (Object.keys(changes).length === 0) return p.id;
      await repo.updateProject(tx, p.id, cols);
      await repo.insertHistory(tx, { projectId: p.id, actorAccountId: accountId(a), action: 'update', statusFrom: p.status, statusTo: p.status, changes });
      if (p.status === 'published') {
        const event = { projectId: p.id, slug: p.slug, title: cols.title ?? p.title, actorAccountId: accountId(a), fields: Object.keys(changes) };
        for (const listener of this.listeners) await listener(event, tx);
      }
      return p.id;
    });
    return this.getProject(actor, id, 'es');
  }

  private async transition(actor: ObsActor | undefined, idOrSlug: string, action: WorkflowAction, comment?: string): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    const id = await this.ctx.db.transaction(async (tx) => {
      const p = await requireVisibleProject(tx, a, idOrSlug);
      const now = this.ctx.now();
      let to = p.status;
      const extra: { submittedAt?: Date; publishedAt?: Date; reviewedAt?: Date } = {};
      const refuse = (target: string) => new AppError('observatory.invalid_transition', { params: { from: p.status, to: target } });
      const mayEdit = isOwner(a, p) || isEditor(a);
      switch (action) {
        case 'submit':
          if (!mayEdit) throw new AppError('observatory.forbidden');
          if (p.status !== 'draft') throw refuse('submitted');
          to = 'submitted';
          extra.submittedAt = now;
          break;
        case 'publish':
          // Only an editor reviews and publishes, even their own records' owners cannot skip review.
          if (!isEditor(a)) throw new AppError('observatory.editor_required');
          if (p.status !== 'submitted') throw refuse('published');
          to = 'published';
          extra.publishedAt = now;
          extra.reviewedAt = now;
          break;
        case 'reject':
          if (!isEditor(a)) throw new AppError('observatory.editor_required');
          if (p.status !== 'submitted') throw refuse('draft');
          to = 'draft';
          break;
        case 'review':
          // "Still accurate": resets the yearly reminder.
          if (!mayEdit) throw new AppError('observatory.forbidden');
          if (p.status !== 'published') throw refuse('published');
          extra.reviewedAt = now;
          break;
        case 'archive':
          if (!mayEdit) throw new AppError('observatory.forbidden');
          to = 'archived';
          break;
      }
      await repo.updateProject(tx, p.id, to !== p.status ? { status: to } : {}, extra);
      await repo.insertHistory(tx, { projectId: p.id, actorAccountId: accountId(a), action, statusFrom: p.status, statusTo: to, changes: {}, comment: comment ?? null });
      if ((action === 'publish' || action === 'reject') && p.owner_account_id) {
        await insertNotifications(tx, [{ accountId: p.owner_account_id, kind: action === 'publish' ? 'project_published' : 'project_rejected',
          subjectType: 'project', subjectId: p.id, data: { slug: p.slug, title: p.title, comment: comment ?? null } }]);
      }
      return p.id;
    });
    return this.getProject(actor, id, 'es');
  }

  /** Draft -> submitted (owner or editor). */
  submitProject(actor: ObsActor | undefined, idOrSlug: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'submit');
  }

  /** Submitted -> published (editor only): the review. */
  publishProject(actor: ObsActor | undefined, idOrSlug: string, comment?: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'publish', comment);
  }

  /** Submitted -> draft with the editor's comment for the owner. */
  rejectProject(actor: ObsActor | undefined, idOrSlug: string, comment?: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'reject', comment);
  }

  /** Confirms a published record is still accurate (resets the yearly reminder). */
  markReviewed(actor: ObsActor | undefined, idOrSlug: string, comment?: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'review', comment);
  }

  archiveProject(actor: ObsActor | undefined, idOrSlug: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'archive');
  }

  /** One project with everything its page shows; unpublished ones only for their owner and editors. */
  async getProject(actor: ObsActor | undefined, idOrSlug: string, lang: Language): Promise<ProjectDetail> {
    const { db } = this.ctx;
    const p = await requireVisibleProject(db, actor, idOrSlug);
    const [listed] = await searchProjects(db, { statuses: [p.status], ids: [p.id], includeDemo: true, lang, sort: 'recent', limit: 1, offset: 0 });
    if (!listed) throw new AppError('observatory.project_not_found');
    const portfolio = p.portfolio_id ? await findPortfolio(db, p.portfolio_id) : undefined;
    const [adoptions, files] = await Promise.all([repo.listAdoptions(db, p.id), listProjectFiles(db, p.id)]);
    return toProjectDetail(actor, p, listed, { portfolio, adoptions, files }, lang);
  }

  /** The raw owner id and title of a project (for the forum's notifications); undefined when unknown. */
  async projectOwner(idOrSlug: string): Promise<{ id: string; slug: string; ownerAccountId: string | null; title: Text; area: string; status: string } | undefined> {
    const p = await repo.findProject(this.ctx.db, idOrSlug);
    return p ? { id: p.id, slug: p.slug, ownerAccountId: p.owner_account_id, title: p.title, area: p.area, status: p.status } : undefined;
  }

  /**
   * Every change to a project, oldest first, with who made it. Readable by whoever may see the project (anyone once it
   * is published, else its owner and editors): the record is public, and so is how it came to be.
   */
  async history(actor: ObsActor | undefined, idOrSlug: string): Promise<HistoryEntry[]> {
    const p = await requireVisibleProject(this.ctx.db, actor, idOrSlug);
    const rows = await repo.listHistory(this.ctx.db, p.id);
    return rows.map((h) => ({
      id: Number(h.id), at: h.at.toISOString(), actorAccountId: h.actor_account_id, actorName: h.actor_name, action: h.action, statusFrom: h.status_from,
      statusTo: h.status_to, changes: redactHistoryChanges(actor, p, h.changes), comment: h.comment,
    }));
  }

  /** Records that a council adopted (or is adopting, or is interested in) a project; tells the owner. */
  async adopt(actor: ObsActor | undefined, idOrSlug: string, input: AdoptInput): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    const { db } = this.ctx;
    const p = await repo.findProject(db, idOrSlug);
    if (!p || p.status !== 'published') throw new AppError('observatory.project_not_found');
    const ine5 = input.ine5 ?? (input.entityName ? undefined : a.kind === 'account' ? a.ine5 ?? undefined : undefined);
    if (!ine5 && !input.entityName) throw new AppError('observatory.adopter_required');
    if (ine5) await requireMunicipality(db, ine5);
    if (ine5 && ine5 === p.ine5) throw new AppError('observatory.cannot_adopt_own');
    await db.transaction(async (tx: Queryable) => {
      await repo.upsertAdoption(tx, { projectId: p.id, ine5: ine5 ?? null, entityName: ine5 ? null : input.entityName ?? null,
        stage: input.stage, note: input.note ?? null, accountId: accountId(a) });
      await repo.insertHistory(tx, { projectId: p.id, actorAccountId: accountId(a), action: 'adopt', statusFrom: p.status, statusTo: p.status,
        changes: { adoption: { before: null, after: { ine5: ine5 ?? null, entityName: input.entityName ?? null, stage: input.stage } } } });
      if (p.owner_account_id && p.owner_account_id !== accountId(a)) {
        await insertNotifications(tx, [{ accountId: p.owner_account_id, kind: 'project_adopted', subjectType: 'project', subjectId: p.id,
          data: { slug: p.slug, title: p.title, ine5: ine5 ?? null, entityName: input.entityName ?? null, stage: input.stage } }]);
      }
    });
    return this.getProject(actor, p.id, 'es');
  }
}
