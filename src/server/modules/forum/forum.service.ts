/**
 * The observatory's forum: threads by area and per project, sanitised Markdown posts, @mentions,
 * watches with notifications, flags and a moderation queue, edit history, search, and tracked
 * "contact the owner / request a visit / request a collaboration" requests. Never imports Fastify.
 */
import type { Db, Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import type { Language } from '../../../shared/languages.ts';
import { pickText, type ObservatoryService, type ObsActor, type ProjectChangedEvent } from '../observatory/index.ts';
import * as repo from './forum.repository.ts';
import { extractMentions, renderMarkdown } from './forum.markdown.ts';
import type {
  CreateRequestInput, CreateThreadInput, FlagView, Post, RequestStatus, RequestView, Thread, ThreadDetail, ThreadListQuery, WatchTarget,
} from './forum.schemas.ts';

type AccountActor = Extract<ObsActor, { kind: 'account' }>;

function requireMember(actor: ObsActor | undefined): AccountActor {
  if (!actor) throw new AppError('forum.sign_in_required');
  if (actor.kind !== 'account') throw new AppError('forum.forbidden');
  if (!actor.isVerified) throw new AppError('forum.email_not_verified');
  return actor;
}

const isModerator = (a: ObsActor | undefined) => a?.kind === 'system' || (a?.kind === 'account' && a.role === 'moderator');

function toThread(t: repo.ThreadRow): Thread {
  return {
    id: t.id, categoryId: t.category_id, projectId: t.project_id, projectSlug: t.project_slug, title: t.title,
    authorAccountId: t.author_account_id, postCount: t.post_count, isLocked: t.is_locked,
    createdAt: t.created_at.toISOString(), lastPostAt: t.last_post_at.toISOString(),
  };
}

function toPost(p: repo.PostRow): Post {
  return {
    id: p.id, threadId: p.thread_id, author: { id: p.author_account_id, handle: p.handle, displayName: p.display_name },
    bodyMd: p.body_md, bodyHtml: p.body_html, isHidden: p.is_hidden, createdAt: p.created_at.toISOString(), editedAt: p.edited_at?.toISOString() ?? null,
  };
}

function toRequest(r: repo.RequestRow): RequestView {
  return {
    id: r.id, projectId: r.project_id, kind: r.kind, fromAccountId: r.from_account_id, toAccountId: r.to_account_id, message: r.message,
    proposedDate: r.proposed_date, status: r.status, statusHistory: r.status_history, createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function toRequestListItem(r: repo.RequestListRow, lang: Language): RequestView {
  return { ...toRequest(r), project: { slug: r.project_slug, title: pickText(r.project_title, lang).text }, fromName: r.from_name, toName: r.to_name };
}

const isEditor = (a: AccountActor) => a.role === 'editor';

/** Who may move a request to which status: the owner answers, the requester cancels. */
const OWNER_MOVES: Record<RequestStatus, RequestStatus[]> = {
  open: ['accepted', 'declined'], accepted: ['done', 'declined'], declined: [], done: [], cancelled: [],
};

export interface ForumDeps {
  db: Db;
  observatory: ObservatoryService;
}

export class ForumService {
  private readonly db: Db;
  private readonly obs: ObservatoryService;

  constructor(deps: ForumDeps) {
    this.db = deps.db;
    this.obs = deps.observatory;
    this.obs.onPublishedProjectChanged((event, tx) => this.notifyProjectFollowers(event, tx));
  }

  /** Tells everyone following a published project that it was edited (not the person who edited it). */
  private async notifyProjectFollowers(event: ProjectChangedEvent, tx: Queryable): Promise<void> {
    const followers = (await repo.projectWatchers(tx, event.projectId)).filter((id) => id !== event.actorAccountId);
    await this.obs.notify(followers.map((id) => ({ accountId: id, kind: 'project_updated', subjectType: 'project', subjectId: event.projectId,
      data: { slug: event.slug, title: event.title, fields: event.fields } })), tx);
  }

  async categories(lang: Language): Promise<{ id: string; name: string; threadCount: number }[]> {
    const rows = await repo.listCategories(this.db);
    return rows.map((c) => ({ id: c.id, name: pickText(c.names, lang).text, threadCount: Number(c.thread_count) }));
  }

  async listThreads(query: ThreadListQuery): Promise<{ total: number; items: Thread[] }> {
    let projectId = query.projectId;
    if (projectId) projectId = (await this.obs.projectOwner(projectId))?.id ?? projectId;
    const rows = await repo.listThreads(this.db, {
      limit: query.limit, offset: query.offset,
      ...(query.categoryId ? { categoryId: query.categoryId } : {}), ...(projectId ? { projectId } : {}), ...(query.q ? { q: query.q } : {}),
    });
    return { total: Number(rows[0]?.total ?? 0), items: rows.map(toThread) };
  }

  async getThread(actor: ObsActor | undefined, id: string): Promise<ThreadDetail> {
    const t = await repo.findThread(this.db, id);
    if (!t || (t.is_hidden && !isModerator(actor))) throw new AppError('forum.thread_not_found');
    const posts = await repo.listPosts(this.db, t.id, isModerator(actor));
    return { ...toThread(t), posts: posts.map(toPost) };
  }

  /**
   * Starts a free thread, or posts on a project's thread (created on first use: one thread per project).
   * The project's owner is notified; the author starts watching the thread.
   */
  async createThread(actor: ObsActor | undefined, input: CreateThreadInput, lang: Language = 'es'): Promise<ThreadDetail> {
    const a = requireMember(actor);
    let threadId: string;
    let projectOwner: string | null = null;
    let title = input.title ?? '';
    if (input.projectId) {
      const p = await this.obs.projectOwner(input.projectId);
      if (!p || p.status !== 'published') throw new AppError('forum.project_not_found');
      projectOwner = p.ownerAccountId;
      const existing = await repo.findProjectThread(this.db, p.id);
      title = existing ? existing.title : (input.title ?? pickText(p.title, lang).text);
      threadId = existing?.id ?? (await repo.insertThread(this.db, { categoryId: p.area, projectId: p.id, title, authorAccountId: a.id }));
    } else {
      if (!input.categoryId || !(await repo.categoryExists(this.db, input.categoryId))) throw new AppError('forum.category_not_found');
      threadId = await repo.insertThread(this.db, { categoryId: input.categoryId, projectId: null, title, authorAccountId: a.id });
    }
    await this.addPost(a, threadId, input.body, projectOwner);
    return this.getThread(actor, threadId);
  }

  async reply(actor: ObsActor | undefined, threadId: string, body: string): Promise<Post> {
    const a = requireMember(actor);
    const t = await repo.findThread(this.db, threadId);
    if (!t || t.is_hidden) throw new AppError('forum.thread_not_found');
    if (t.is_locked) throw new AppError('forum.thread_locked');
    const owner = t.project_id ? (await this.obs.projectOwner(t.project_id))?.ownerAccountId ?? null : null;
    const postId = await this.addPost(a, t.id, body, owner);
    const p = await repo.findPost(this.db, postId);
    if (!p) throw new Error('post vanished');
    return toPost(p);
  }

  /** Stores a post and notifies: mentioned people (mention), the project owner (project_thread), watchers (reply). */
  private async addPost(a: AccountActor, threadId: string, body: string, projectOwner: string | null): Promise<string> {
    const html = renderMarkdown(body);
    return this.db.transaction(async (tx) => {
      const postId = await repo.insertPost(tx, { threadId, authorAccountId: a.id, bodyMd: body, bodyHtml: html });
      await repo.setWatch(tx, a.id, 'thread', threadId, true);
      const t = await repo.findThread(tx, threadId);
      if (!t) throw new Error('thread vanished');
      const data = { threadTitle: t.title, postId, authorAccountId: a.id, projectSlug: t.project_slug };
      const notified = new Set<string>([a.id]);
      const items: { accountId: string; kind: string; subjectType: string; subjectId: string; data: Record<string, unknown> }[] = [];
      const mentioned = await this.mentionedAccounts(tx, body);
      for (const id of mentioned) {
        if (notified.has(id)) continue;
        notified.add(id);
        items.push({ accountId: id, kind: 'mention', subjectType: 'thread', subjectId: threadId, data });
      }
      if (projectOwner && !notified.has(projectOwner)) {
        notified.add(projectOwner);
        items.push({ accountId: projectOwner, kind: 'project_thread', subjectType: 'thread', subjectId: threadId, data });
      }
      for (const id of await repo.watchersOf(tx, t)) {
        if (notified.has(id)) continue;
        notified.add(id);
        items.push({ accountId: id, kind: 'reply', subjectType: 'thread', subjectId: threadId, data });
      }
      await this.obs.notify(items, tx);
      return postId;
    });
  }

  private async mentionedAccounts(tx: Queryable, body: string): Promise<string[]> {
    const handles = extractMentions(body);
    if (handles.length === 0) return [];
    return repo.accountIdsByHandles(tx, handles);
  }

  /** Authors edit their posts, moderators any; the previous text is kept. */
  async editPost(actor: ObsActor | undefined, postId: string, body: string): Promise<Post> {
    const a = requireMember(actor);
    const p = await repo.findPost(this.db, postId);
    if (!p) throw new AppError('forum.post_not_found');
    if (p.author_account_id !== a.id && !isModerator(a)) throw new AppError('forum.forbidden');
    await this.db.transaction(async (tx) => repo.editPost(tx, postId, body, renderMarkdown(body), a.id));
    const after = await repo.findPost(this.db, postId);
    if (!after) throw new Error('post vanished');
    return toPost(after);
  }

  /** Earlier versions of a post, oldest first; a hidden post (or one in a hidden thread) only for moderators. */
  async postHistory(actor: ObsActor | undefined, postId: string): Promise<{ bodyMd: string; replacedAt: string; editorAccountId: string | null }[]> {
    const p = await repo.findPost(this.db, postId);
    const t = p ? await repo.findThread(this.db, p.thread_id) : undefined;
    if (!p || !t || ((p.is_hidden || t.is_hidden) && !isModerator(actor))) throw new AppError('forum.post_not_found');
    const rows = await repo.listRevisions(this.db, postId);
    return rows.map((r) => ({ bodyMd: r.body_md, replacedAt: r.replaced_at.toISOString(), editorAccountId: r.editor_account_id }));
  }

  /** Follows (or stops following) a thread, project or category; a project is stored by id even when named by slug. */
  async watch(actor: ObsActor | undefined, targetType: WatchTarget, targetId: string, watch = true): Promise<void> {
    const a = requireMember(actor);
    await repo.setWatch(this.db, a.id, targetType, await this.watchTargetId(targetType, targetId), watch);
  }

  async isWatching(actor: ObsActor | undefined, targetType: WatchTarget, targetId: string): Promise<boolean> {
    const a = requireMember(actor);
    return repo.isWatching(this.db, a.id, targetType, await this.watchTargetId(targetType, targetId));
  }

  private async watchTargetId(targetType: WatchTarget, targetId: string): Promise<string> {
    if (targetType !== 'project') return targetId;
    const p = await this.obs.projectOwner(targetId);
    if (!p) throw new AppError('forum.project_not_found');
    return p.id;
  }

  /** Flags a post for the moderators (each of them is notified). */
  async flag(actor: ObsActor | undefined, postId: string, reason: string, note?: string): Promise<number> {
    const a = requireMember(actor);
    const p = await repo.findPost(this.db, postId);
    if (!p) throw new AppError('forum.post_not_found');
    const id = await repo.insertFlag(this.db, { postId, reporterId: a.id, reason, note: note ?? null });
    const mods = await repo.moderatorIds(this.db);
    await this.obs.notify(mods.map((m) => ({ accountId: m, kind: 'flag', subjectType: 'thread', subjectId: p.thread_id, data: { postId, reason } })));
    return id;
  }

  async moderationQueue(actor: ObsActor | undefined): Promise<FlagView[]> {
    if (!isModerator(actor)) throw new AppError('forum.moderator_required');
    const rows = await repo.openFlags(this.db);
    return rows.map((f) => ({ id: Number(f.id), postId: f.post_id, threadId: f.thread_id, threadTitle: f.thread_title, reason: f.reason, note: f.note,
      status: f.status, reporterAccountId: f.reporter_account_id, reporter: { handle: f.reporter_handle, displayName: f.reporter_name },
      postAuthor: { handle: f.author_handle, displayName: f.author_name }, bodyMd: f.body_md, isPostHidden: f.is_hidden,
      createdAt: f.created_at.toISOString() }));
  }

  /** Upheld hides the post (and closes every other open flag of it); dismissed leaves it. */
  async resolveFlag(actor: ObsActor | undefined, flagId: number, decision: 'upheld' | 'dismissed'): Promise<void> {
    if (!isModerator(actor) || actor?.kind !== 'account') throw new AppError('forum.moderator_required');
    await this.db.transaction(async (tx) => {
      const f = await repo.resolveFlag(tx, flagId, decision, actor.id);
      if (!f) throw new AppError('forum.flag_not_found');
      if (decision === 'upheld') {
        await repo.setPostHidden(tx, f.post_id, true);
        await repo.resolveOpenFlagsOfPost(tx, f.post_id, 'upheld', actor.id);
      }
    });
  }

  /**
   * "Contact the owner", "request a visit" or "request a collaboration": a tracked request to the project's owner. A
   * project without an owner account (an imported JRC case, a seed) is answered by the observatory's editors: the
   * request goes to all of them, so nobody writes into the void.
   */
  async createRequest(actor: ObsActor | undefined, projectIdOrSlug: string, input: CreateRequestInput): Promise<RequestView> {
    const a = requireMember(actor);
    const p = await this.obs.projectOwner(projectIdOrSlug);
    if (!p || p.status !== 'published') throw new AppError('forum.project_not_found');
    if (p.ownerAccountId === a.id) throw new AppError('forum.own_project');
    const row = await this.db.transaction(async (tx) => {
      const r = await repo.insertRequest(tx, { projectId: p.id, kind: input.kind, fromId: a.id, toId: p.ownerAccountId,
        message: input.message, proposedDate: input.proposedDate ?? null });
      const recipients = p.ownerAccountId ? [p.ownerAccountId] : (await repo.editorIds(tx)).filter((id) => id !== a.id);
      await this.obs.notify(recipients.map((id) => ({ accountId: id, kind: 'request', subjectType: 'request', subjectId: r.id,
        data: { kind: input.kind, title: p.title, slug: p.slug } })), tx);
      return r;
    });
    return toRequest(row);
  }

  /**
   * The recipient answers (accept, decline, done); the sender cancels an open or accepted request. Anyone else gets 404,
   * as if it did not exist. For a project without an owner account, any editor answers.
   */
  async setRequestStatus(actor: ObsActor | undefined, requestId: string, status: RequestStatus, note?: string): Promise<RequestView> {
    const a = requireMember(actor);
    const r = await repo.findRequest(this.db, requestId);
    const isRequester = r?.from_account_id === a.id;
    const isRecipient = r !== undefined && !isRequester && (r.to_account_id === a.id || (r.to_account_id === null && isEditor(a)));
    if (!r || (!isRequester && !isRecipient)) throw new AppError('forum.request_not_found');
    const allowed = isRequester ? (r.status === 'open' || r.status === 'accepted' ? ['cancelled'] : []) : OWNER_MOVES[r.status];
    if (!allowed.includes(status)) throw new AppError('forum.invalid_status', { params: { from: r.status, to: status } });
    const updated = await this.db.transaction(async (tx) => {
      const u = await repo.updateRequestStatus(tx, r.id, status, a.id, note ?? null);
      const others = isRequester ? (r.to_account_id ? [r.to_account_id] : await repo.editorIds(tx)) : [r.from_account_id];
      await this.obs.notify(others.filter((id) => id !== a.id).map((id) => ({ accountId: id, kind: 'request_status', subjectType: 'request', subjectId: r.id,
        data: { status, kind: r.kind } })), tx);
      return u;
    });
    return toRequest(updated);
  }

  /** Requests received (`in`) or sent (`out`), each with its project, the other party and its status. */
  async requests(actor: ObsActor | undefined, box: 'in' | 'out', lang: Language = 'es'): Promise<RequestView[]> {
    const a = requireMember(actor);
    return (await repo.listRequests(this.db, a.id, box, isEditor(a))).map((r) => toRequestListItem(r, lang));
  }
}
