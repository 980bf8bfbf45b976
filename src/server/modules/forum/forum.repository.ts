/** The only SQL of the forum: categories, threads, posts, revisions, watches, flags and requests (all global_*). */
import type { Queryable } from '../../db/db.ts';
import type { Text } from '../observatory/index.ts';

export interface ThreadRow {
  id: string;
  category_id: string;
  project_id: string | null;
  project_slug: string | null;
  title: string;
  author_account_id: string | null;
  is_locked: boolean;
  is_hidden: boolean;
  post_count: number;
  created_at: Date;
  last_post_at: Date;
}

export interface PostRow {
  id: string;
  thread_id: string;
  author_account_id: string;
  handle: string;
  display_name: string;
  body_md: string;
  body_html: string;
  is_hidden: boolean;
  created_at: Date;
  edited_at: Date | null;
}

const TSV = (col: string) =>
  `to_tsvector('spanish', immutable_unaccent(${col})) || to_tsvector('catalan', immutable_unaccent(${col})) ||
   to_tsvector('english', immutable_unaccent(${col})) || to_tsvector('simple', immutable_unaccent(${col}))`;
const TSQ = (n: number) =>
  `(websearch_to_tsquery('spanish', immutable_unaccent($${n})) || websearch_to_tsquery('catalan', immutable_unaccent($${n})) ||
    websearch_to_tsquery('english', immutable_unaccent($${n})))`;

export async function listCategories(db: Queryable): Promise<{ id: string; names: Text; thread_count: number }[]> {
  const r = await db.query<{ id: string; names: Text; thread_count: number }>(
    `SELECT c.id, c.names, (SELECT count(*) FROM global_forum_threads t WHERE t.category_id = c.id AND NOT t.is_hidden) AS thread_count
     FROM global_forum_categories c ORDER BY c.position`,
  );
  return r.rows;
}

export async function categoryExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM global_forum_categories WHERE id = $1', [id])).rows.length > 0;
}

const THREAD_COLS = `t.*, (SELECT p.slug FROM global_obs_projects p WHERE p.id = t.project_id) AS project_slug`;

export async function findThread(db: Queryable, id: string): Promise<ThreadRow | undefined> {
  const r = await db.query<ThreadRow>(`SELECT ${THREAD_COLS} FROM global_forum_threads t WHERE t.id = $1`, [id]);
  return r.rows[0];
}

export async function findProjectThread(db: Queryable, projectId: string): Promise<ThreadRow | undefined> {
  const r = await db.query<ThreadRow>(`SELECT ${THREAD_COLS} FROM global_forum_threads t WHERE t.project_id = $1`, [projectId]);
  return r.rows[0];
}

export async function insertThread(
  db: Queryable,
  t: { categoryId: string; projectId: string | null; title: string; authorAccountId: string },
): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO global_forum_threads (category_id, project_id, title, author_account_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (project_id) WHERE project_id IS NOT NULL DO UPDATE SET project_id = EXCLUDED.project_id RETURNING id`,
    [t.categoryId, t.projectId, t.title, t.authorAccountId],
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

export async function listThreads(
  db: Queryable,
  f: { categoryId?: string; projectId?: string; q?: string; limit: number; offset: number },
): Promise<(ThreadRow & { total: number })[]> {
  const params: unknown[] = [];
  const where = ['NOT t.is_hidden'];
  if (f.categoryId) { params.push(f.categoryId); where.push(`t.category_id = $${params.length}`); }
  if (f.projectId) { params.push(f.projectId); where.push(`t.project_id = $${params.length}`); }
  if (f.q) {
    params.push(f.q);
    const n = params.length;
    where.push(`((${TSV('t.title')}) @@ ${TSQ(n)} OR EXISTS (SELECT 1 FROM global_forum_posts p
                 WHERE p.thread_id = t.id AND NOT p.is_hidden AND p.search_tsv @@ ${TSQ(n)}))`);
  }
  params.push(f.limit, f.offset);
  const r = await db.query<ThreadRow & { total: number }>(
    `SELECT ${THREAD_COLS}, count(*) OVER () AS total FROM global_forum_threads t WHERE ${where.join(' AND ')}
     ORDER BY t.last_post_at DESC, t.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return r.rows;
}

export async function insertPost(db: Queryable, p: { threadId: string; authorAccountId: string; bodyMd: string; bodyHtml: string }): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO global_forum_posts (thread_id, author_account_id, body_md, body_html, search_tsv)
     VALUES ($1, $2, $3, $4, ${TSV('$3')}) RETURNING id`,
    [p.threadId, p.authorAccountId, p.bodyMd, p.bodyHtml],
  );
  await db.query(
    'UPDATE global_forum_threads SET post_count = post_count + 1, last_post_at = now() WHERE id = $1',
    [p.threadId],
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

const POST_COLS = `p.id, p.thread_id, p.author_account_id, a.handle, a.display_name, p.body_md, p.body_html, p.is_hidden, p.created_at, p.edited_at`;

export async function findPost(db: Queryable, id: string): Promise<PostRow | undefined> {
  const r = await db.query<PostRow>(
    `SELECT ${POST_COLS} FROM global_forum_posts p JOIN global_obs_accounts a ON a.id = p.author_account_id WHERE p.id = $1`,
    [id],
  );
  return r.rows[0];
}

export async function listPosts(db: Queryable, threadId: string, includeHidden: boolean): Promise<PostRow[]> {
  const r = await db.query<PostRow>(
    `SELECT ${POST_COLS} FROM global_forum_posts p JOIN global_obs_accounts a ON a.id = p.author_account_id
     WHERE p.thread_id = $1 ${includeHidden ? '' : 'AND NOT p.is_hidden'} ORDER BY p.created_at, p.id`,
    [threadId],
  );
  return r.rows;
}

/** Replaces a post's text, keeping the previous text as a revision. */
export async function editPost(db: Queryable, id: string, bodyMd: string, bodyHtml: string, editorId: string): Promise<void> {
  await db.query(
    `INSERT INTO global_forum_post_revisions (post_id, body_md, editor_account_id) SELECT id, body_md, $2 FROM global_forum_posts WHERE id = $1`,
    [id, editorId],
  );
  await db.query(
    `UPDATE global_forum_posts SET body_md = $2, body_html = $3, edited_at = now(), search_tsv = ${TSV('$2')} WHERE id = $1`,
    [id, bodyMd, bodyHtml],
  );
}

export async function listRevisions(db: Queryable, postId: string): Promise<{ body_md: string; replaced_at: Date; editor_account_id: string | null }[]> {
  const r = await db.query<{ body_md: string; replaced_at: Date; editor_account_id: string | null }>(
    'SELECT body_md, replaced_at, editor_account_id FROM global_forum_post_revisions WHERE post_id = $1 ORDER BY id',
    [postId],
  );
  return r.rows;
}

export async function setPostHidden(db: Queryable, id: string, hidden: boolean): Promise<void> {
  await db.query('UPDATE global_forum_posts SET is_hidden = $2 WHERE id = $1', [id, hidden]);
}

export async function setWatch(db: Queryable, accountId: string, targetType: string, targetId: string, watch: boolean): Promise<void> {
  if (watch) {
    await db.query(
      'INSERT INTO global_forum_watches (account_id, target_type, target_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [accountId, targetType, targetId],
    );
  } else {
    await db.query('DELETE FROM global_forum_watches WHERE account_id = $1 AND target_type = $2 AND target_id = $3', [accountId, targetType, targetId]);
  }
}

export async function isWatching(db: Queryable, accountId: string, targetType: string, targetId: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM global_forum_watches WHERE account_id = $1 AND target_type = $2 AND target_id = $3', [accountId, targetType, targetId]);
  return r.rows.length > 0;
}

/** Everyone following a project (verified accounts only). */
export async function projectWatchers(db: Queryable, projectId: string): Promise<string[]> {
  const r = await db.query<{ account_id: string }>(
    `SELECT w.account_id FROM global_forum_watches w JOIN global_obs_accounts a ON a.id = w.account_id
     WHERE w.target_type = 'project' AND w.target_id = $1 AND a.email_verified_at IS NOT NULL`,
    [projectId],
  );
  return r.rows.map((x) => x.account_id);
}

/** Everyone watching the thread, its project or its category. */
export async function watchersOf(db: Queryable, thread: { id: string; project_id: string | null; category_id: string }): Promise<string[]> {
  const r = await db.query<{ account_id: string }>(
    `SELECT DISTINCT account_id FROM global_forum_watches
     WHERE (target_type = 'thread' AND target_id = $1) OR (target_type = 'project' AND target_id = $2)
        OR (target_type = 'category' AND target_id = $3)`,
    [thread.id, thread.project_id ?? '', thread.category_id],
  );
  return r.rows.map((x) => x.account_id);
}

export async function insertFlag(db: Queryable, f: { postId: string; reporterId: string; reason: string; note: string | null }): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO global_forum_flags (post_id, reporter_account_id, reason, note) VALUES ($1, $2, $3, $4)
     ON CONFLICT (post_id, reporter_account_id) DO UPDATE SET reason = EXCLUDED.reason, note = EXCLUDED.note RETURNING id`,
    [f.postId, f.reporterId, f.reason, f.note],
  );
  return Number(r.rows[0]?.id ?? 0);
}

export interface OpenFlagRow {
  id: number;
  post_id: string;
  thread_id: string;
  thread_title: string;
  reason: string;
  note: string | null;
  status: string;
  reporter_account_id: string;
  reporter_handle: string;
  reporter_name: string;
  author_handle: string;
  author_name: string;
  body_md: string;
  is_hidden: boolean;
  created_at: Date;
}

/** Open flags, oldest first, with the thread, the reporter and the post's author (what a moderator decides on). */
export async function openFlags(db: Queryable): Promise<OpenFlagRow[]> {
  const r = await db.query<OpenFlagRow>(
    `SELECT f.id, f.post_id, p.thread_id, t.title AS thread_title, f.reason, f.note, f.status, f.reporter_account_id,
            ra.handle AS reporter_handle, ra.display_name AS reporter_name, pa.handle AS author_handle, pa.display_name AS author_name,
            p.body_md, p.is_hidden, f.created_at
     FROM global_forum_flags f
     JOIN global_forum_posts p ON p.id = f.post_id
     JOIN global_forum_threads t ON t.id = p.thread_id
     JOIN global_obs_accounts ra ON ra.id = f.reporter_account_id
     JOIN global_obs_accounts pa ON pa.id = p.author_account_id
     WHERE f.status = 'open' ORDER BY f.created_at, f.id`,
  );
  return r.rows;
}

/** Closes the other open flags of a post with the same decision (one hide answers every report of it). */
export async function resolveOpenFlagsOfPost(db: Queryable, postId: string, decision: string, by: string): Promise<void> {
  await db.query(
    `UPDATE global_forum_flags SET status = $2, resolved_by = $3, resolved_at = now() WHERE post_id = $1 AND status = 'open'`,
    [postId, decision, by],
  );
}

export async function resolveFlag(db: Queryable, id: number, decision: string, by: string): Promise<{ post_id: string } | undefined> {
  const r = await db.query<{ post_id: string }>(
    `UPDATE global_forum_flags SET status = $2, resolved_by = $3, resolved_at = now() WHERE id = $1 AND status = 'open' RETURNING post_id`,
    [id, decision, by],
  );
  return r.rows[0];
}

export async function moderatorIds(db: Queryable): Promise<string[]> {
  const r = await db.query<{ id: string }>(`SELECT id FROM global_obs_accounts WHERE role = 'moderator' AND email_verified_at IS NOT NULL`);
  return r.rows.map((x) => x.id);
}

export interface RequestRow {
  id: string;
  project_id: string;
  kind: 'contact' | 'visit' | 'collaboration';
  from_account_id: string;
  to_account_id: string | null;
  message: string;
  proposed_date: string | null;
  status: 'open' | 'accepted' | 'declined' | 'done' | 'cancelled';
  status_history: { status: string; at: string; by: string | null; note: string | null }[];
  created_at: Date;
  updated_at: Date;
}

/** A request with what the lists show: the project and both parties' names (no e-mail addresses). */
export interface RequestListRow extends RequestRow {
  project_slug: string;
  project_title: Record<string, string>;
  from_name: string;
  to_name: string | null;
}

export async function insertRequest(
  db: Queryable,
  r: { projectId: string; kind: string; fromId: string; toId: string | null; message: string; proposedDate: string | null },
): Promise<RequestRow> {
  const history = [{ status: 'open', at: new Date().toISOString(), by: r.fromId, note: null }];
  const res = await db.query<RequestRow>(
    `INSERT INTO global_forum_requests (project_id, kind, from_account_id, to_account_id, message, proposed_date, status_history)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING *`,
    [r.projectId, r.kind, r.fromId, r.toId, r.message, r.proposedDate, JSON.stringify(history)],
  );
  const row = res.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findRequest(db: Queryable, id: string): Promise<RequestRow | undefined> {
  return (await db.query<RequestRow>('SELECT * FROM global_forum_requests WHERE id = $1', [id])).rows[0];
}

export async function updateRequestStatus(db: Queryable, id: string, status: string, by: string, note: string | null): Promise<RequestRow> {
  const entry = { status, at: new Date().toISOString(), by, note };
  const r = await db.query<RequestRow>(
    `UPDATE global_forum_requests SET status = $2, updated_at = now(), status_history = status_history || $3::jsonb WHERE id = $1 RETURNING *`,
    [id, status, JSON.stringify([entry])],
  );
  const row = r.rows[0];
  if (!row) throw new Error(`request ${id} vanished`);
  return row;
}

/**
 * Requests received (box "in": addressed to the account, and for editors also those of projects without an owner
 * account, which go to the observatory's editors) or sent (box "out"), newest activity first.
 */
export async function listRequests(db: Queryable, accountId: string, box: 'in' | 'out', isEditor: boolean): Promise<RequestListRow[]> {
  const where = box === 'out' ? 'r.from_account_id = $1' : `(r.to_account_id = $1${isEditor ? ' OR r.to_account_id IS NULL' : ''}) AND r.from_account_id <> $1`;
  const r = await db.query<RequestListRow>(
    `SELECT r.*, p.slug AS project_slug, p.title AS project_title, f.display_name AS from_name, t.display_name AS to_name
     FROM global_forum_requests r JOIN global_obs_projects p ON p.id = r.project_id
     JOIN global_obs_accounts f ON f.id = r.from_account_id LEFT JOIN global_obs_accounts t ON t.id = r.to_account_id
     WHERE ${where} ORDER BY r.updated_at DESC, r.id`,
    [accountId],
  );
  return r.rows;
}

/** Verified editors: who answers requests about projects that have no owner account (e.g. imported JRC cases). */
export async function editorIds(db: Queryable): Promise<string[]> {
  const r = await db.query<{ id: string }>(`SELECT id FROM global_obs_accounts WHERE role = 'editor' AND email_verified_at IS NOT NULL`);
  return r.rows.map((x) => x.id);
}

/** Verified accounts with these handles (case-insensitive): who an @mention reaches. */
export async function accountIdsByHandles(db: Queryable, handles: readonly string[]): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    'SELECT id FROM global_obs_accounts WHERE lower(handle) = ANY($1::text[]) AND email_verified_at IS NOT NULL',
    [handles.map((h) => h.toLowerCase())],
  );
  return r.rows.map((x) => x.id);
}
