import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi, useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { obsApi, toQuery } from './obs-api.ts';
import { FLAG_REASONS } from './obs-data.ts';
import { RequireOfficer, useObsSession } from './obs-session.tsx';
import type { ObsNotification, Post, Thread, ThreadDetail } from './obs-types.ts';

/** A textarea for Markdown with the hint about formatting and @mentions. */
export function MarkdownField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation('observatory-web');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="field__hint" id={`${id}-hint`}>{t('forum.markdown_hint')}</p>
      <textarea id={id} rows={5} required value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`} />
    </div>
  );
}

function FlagForm({ post }: { post: Post }) {
  const { t } = useTranslation('observatory-web');
  const [reason, setReason] = useState<string>(FLAG_REASONS[0]);
  const [isDone, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await obsApi(`/api/v1/forum/posts/${post.id}/flag`, { body: { reason } });
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  if (isDone) return <p role="status">{t('forum.flagged')}</p>;
  return (
    <details className="obs-flag">
      <summary>{t('forum.flag')}</summary>
      <form onSubmit={(e) => void submit(e)} className="form">
        <ErrorAlert error={error} />
        <div className="field">
          <label htmlFor={`flag-${post.id}`}>{t('forum.flag_reason')}</label>
          <select id={`flag-${post.id}`} value={reason} onChange={(e) => setReason(e.target.value)}>
            {FLAG_REASONS.map((r) => <option key={r} value={r}>{t(`flag_reasons.${r}`)}</option>)}
          </select>
        </div>
        <button type="submit" className="button button--secondary">{t('forum.flag_submit')}</button>
      </form>
    </details>
  );
}

/** The earlier versions of an edited post, loaded when the disclosure is opened. */
function PostVersions({ post }: { post: Post }) {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  const [isOpen, setOpen] = useState(false);
  const versions = useGet(isOpen ? '/api/v1/forum/posts/{id}/history' : null, { params: { path: { id: post.id } } });
  const regionId = `versions-${post.id}`;
  return (
    <div className="obs-versions">
      {/* One name; aria-expanded says whether the versions are shown. */}
      <button type="button" className="button button--ghost" aria-expanded={isOpen} aria-controls={regionId} onClick={() => setOpen((o) => !o)}>
        {t('forum.versions_show')}
      </button>
      <div id={regionId} hidden={!isOpen}>
        {isOpen ? (
          <>
            <ErrorAlert error={versions.error} />
            {versions.isLoading ? <Loading /> : null}
            {versions.data ? (
              <ol className="obs-versions__list" aria-label={t('forum.versions_label', { name: post.author.displayName })}>
                {versions.data.map((v, i) => {
                  // Each version was written when the one before it was replaced (the first when the post was created).
                  const writtenAt = i === 0 ? post.createdAt : versions.data?.[i - 1]?.replacedAt ?? post.createdAt;
                  return (
                    <li key={v.replacedAt}>
                      <p className="obs-post__meta">
                        {t('forum.version_of', { date: formatDateTime(writtenAt, lang, timeZone) })}
                      </p>
                      <p className="obs-versions__text">{v.bodyMd}</p>
                    </li>
                  );
                })}
              </ol>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}

/** The author's own edit box for a post (the previous text is kept in its history). */
function EditPost({ post, onDone }: { post: Post; onDone: () => void }) {
  const { t } = useTranslation('observatory-web');
  const [isEditing, setEditing] = useState(false);
  const [body, setBody] = useState(post.bodyMd);
  const [error, setError] = useState<unknown>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await obsApi(`/api/v1/forum/posts/${post.id}`, { method: 'PATCH', body: { body } });
      setEditing(false);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  if (!isEditing) {
    return (
      <button type="button" className="button button--ghost" onClick={() => { setBody(post.bodyMd); setEditing(true); }}>
        {t('forum.edit')}
      </button>
    );
  }
  return (
    <form onSubmit={(e) => void save(e)} className="form">
      <ErrorAlert error={error} />
      <MarkdownField id={`edit-${post.id}`} label={t('forum.edit_label')} value={body} onChange={setBody} />
      <div className="button-row">
        <button type="submit" className="button">{t('forum.edit_save')}</button>
        <button type="button" className="button button--ghost" onClick={() => setEditing(false)}>{t('forum.edit_cancel')}</button>
      </div>
    </form>
  );
}

/** The posts of a thread; their HTML was rendered from Markdown and sanitised by the server. */
export function PostList({ posts, onChanged }: { posts: Post[]; onChanged?: () => void }) {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  const { account } = useObsSession();
  return (
    <ol className="obs-posts">
      {posts.map((p) => (
        <li key={p.id} className="card obs-post">
          <article aria-label={t('forum.post_by', { name: p.author.displayName })}>
            <p className="obs-post__meta">
              <strong>{p.author.displayName}</strong> (@{p.author.handle}) · <time dateTime={p.createdAt}>{formatDateTime(p.createdAt, lang, timeZone)}</time>
              {p.editedAt ? <> · {t('forum.edited_on', { date: formatDateTime(p.editedAt, lang, timeZone) })}</> : null}
            </p>
            {p.isHidden ? <p className="notice">{t('forum.hidden')}</p> : null}
            <div className="obs-post__body" dangerouslySetInnerHTML={{ __html: p.bodyHtml }} />
            {p.editedAt ? <PostVersions key={p.editedAt} post={p} /> : null}
            {account && account.id === p.author.id && !p.isHidden && onChanged ? <EditPost key={p.editedAt ?? p.id} post={p} onDone={onChanged} /> : null}
            {account && account.id !== p.author.id ? <FlagForm post={p} /> : null}
          </article>
        </li>
      ))}
    </ol>
  );
}

function WatchButton({ targetType, targetId }: { targetType: 'thread' | 'project' | 'category'; targetId: string }) {
  const { t } = useTranslation('observatory-web');
  const [isWatching, setWatching] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const toggle = async (watch: boolean) => {
    setError(null);
    try {
      await obsApi('/api/v1/forum/watches', { body: { targetType, targetId, watch } });
      setWatching(watch);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="button-row">
      <ErrorAlert error={error} />
      <button type="button" className="button button--secondary" onClick={() => void toggle(true)} aria-pressed={isWatching === true}>{t('forum.watch')}</button>
      <button type="button" className="button button--ghost" onClick={() => void toggle(false)} aria-pressed={isWatching === false}>{t('forum.unwatch')}</button>
      {isWatching !== null ? <p role="status">{t(isWatching ? 'forum.watching' : 'forum.not_watching')}</p> : null}
    </div>
  );
}

function ThreadList({ items }: { items: Thread[] }) {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  if (items.length === 0) return <p>{t('forum.no_threads')}</p>;
  return (
    <ul className="item-list obs-threads">
      {items.map((th) => (
        <li key={th.id}>
          <Link href={`/forum/t/${th.id}`}>{th.title}</Link>{' '}
          <span className="obs-muted">{t('forum.thread_meta', { count: th.postCount, date: formatDateTime(th.lastPostAt, lang, timeZone) })}</span>
        </li>
      ))}
    </ul>
  );
}

export function ForumHomePage() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('forum.title'));
  const search = useSearch();
  const [, navigate] = useLocation();
  const q = new URLSearchParams(search).get('q') ?? '';
  const [text, setText] = useState(q);
  const cats = useGet('/api/v1/forum/categories');
  const threads = useApi<{ total: number; items: Thread[] }>(`/api/v1/forum/threads${toQuery({ q, limit: 20 })}`);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('forum.title')}</h1>
      <p className="lead">{t('forum.intro')}</p>
      <h2>{t('forum.categories')}</h2>
      <ErrorAlert error={cats.error} />
      {cats.isLoading ? <Loading /> : null}
      <ul className="item-list">
        {cats.data?.map((c) => (
          <li key={c.id}>
            <Link href={`/forum/c/${c.id}`}>{c.name}</Link> <span className="obs-muted">{t('forum.thread_count', { count: c.threadCount })}</span>
          </li>
        ))}
      </ul>
      <h2>{q ? t('forum.search_results', { q }) : t('forum.recent')}</h2>
      <form role="search" aria-label={t('forum.search_label')} className="form obs-inline" onSubmit={(e) => { e.preventDefault(); navigate(`/forum${toQuery({ q: text })}`); }}>
        <div className="field">
          <label htmlFor="forum-q">{t('forum.search')}</label>
          <input id="forum-q" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit" className="button button--secondary">{t('forum.search_submit')}</button>
      </form>
      <ErrorAlert error={threads.error} />
      {threads.data ? <ThreadList items={threads.data.items} /> : null}
    </section>
  );
}

export function CategoryPage({ id }: { id: string }) {
  const { t } = useTranslation('observatory-web');
  const cats = useGet('/api/v1/forum/categories');
  const cat = cats.data?.find((c) => c.id === id);
  usePageTitle(cat ? t('forum.category_title', { name: cat.name }) : t('forum.title'));
  const threads = useApi<{ total: number; items: Thread[] }>(`/api/v1/forum/threads${toQuery({ categoryId: id, limit: 50 })}`);
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const th = await obsApi<ThreadDetail>('/api/v1/forum/threads', { body: { categoryId: id, title, body } });
      navigate(`/forum/t/${th.id}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="page-title">
      <p><Link href="/forum">{t('forum.back')}</Link></p>
      <h1 id="page-title">{cat ? cat.name : t('forum.title')}</h1>
      <ErrorAlert error={threads.error} />
      {threads.isLoading ? <Loading /> : null}
      {threads.data ? <ThreadList items={threads.data.items} /> : null}
      <h2>{t('forum.new_thread')}</h2>
      <RequireOfficer>
        {() => (
          <>
            <WatchButton targetType="category" targetId={id} />
            <form onSubmit={(e) => void submit(e)} className="form">
              <ErrorAlert error={error} />
              <div className="field">
                <label htmlFor="thread-title">{t('forum.thread_title')}</label>
                <input id="thread-title" required minLength={3} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
              </div>
              <MarkdownField id="thread-body" label={t('forum.body')} value={body} onChange={setBody} />
              <button type="submit" className="button">{t('forum.start')}</button>
            </form>
          </>
        )}
      </RequireOfficer>
    </section>
  );
}

/** The reply box of a thread (used on the thread page and on a project's page). */
export function ReplyForm({ threadId, onDone }: { threadId: string; onDone: () => void }) {
  const { t } = useTranslation('observatory-web');
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await obsApi(`/api/v1/forum/threads/${threadId}/posts`, { body: { body } });
      setBody('');
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="form">
      <ErrorAlert error={error} />
      <MarkdownField id={`reply-${threadId}`} label={t('forum.reply')} value={body} onChange={setBody} />
      <button type="submit" className="button">{t('forum.reply_submit')}</button>
    </form>
  );
}

export function ThreadPage({ id }: { id: string }) {
  const { t } = useTranslation('observatory-web');
  const thread = useGet('/api/v1/forum/threads/{id}', { params: { path: { id } } });
  usePageTitle(thread.data ? thread.data.title : t('forum.title'));
  const th = thread.data;
  return (
    <section aria-labelledby="page-title">
      <p><Link href="/forum">{t('forum.back')}</Link></p>
      <ErrorAlert error={thread.error} />
      {thread.isLoading && !th ? <Loading /> : null}
      {th ? (
        <>
          <h1 id="page-title">{th.title}</h1>
          {th.projectSlug ? <p><Link href={`/projects/${th.projectSlug}`}>{t('forum.about_project')}</Link></p> : null}
          <PostList posts={th.posts} onChanged={thread.reload} />
          <h2>{t('forum.reply')}</h2>
          <RequireOfficer>
            {() => (
              <>
                <WatchButton targetType="thread" targetId={th.id} />
                {th.isLocked ? <p className="notice">{t('forum.locked')}</p> : <ReplyForm threadId={th.id} onDone={thread.reload} />}
              </>
            )}
          </RequireOfficer>
        </>
      ) : null}
    </section>
  );
}

const NOTIFICATION_KINDS = ['mention', 'project_thread', 'reply', 'flag', 'request', 'request_status', 'project_adopted', 'review_reminder', 'project_published', 'project_rejected', 'project_updated'];

function notificationTitle(n: ObsNotification, lang: string): string {
  const v = n.data.threadTitle ?? n.data.title;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const text = v as Record<string, unknown>;
    const picked = text[lang] ?? text.es ?? text.ca ?? text.en;
    return typeof picked === 'string' ? picked : '';
  }
  return '';
}

function notificationLink(n: ObsNotification): string | undefined {
  const raw = n.data.projectSlug ?? n.data.slug;
  const slug = typeof raw === 'string' ? raw : undefined;
  if (n.subjectType === 'request') return '/me';
  if (n.subjectType === 'thread') return `/forum/t/${n.subjectId}`;
  if (n.subjectType === 'project') return `/projects/${slug ?? n.subjectId}`;
  return slug ? `/projects/${slug}` : undefined;
}

export function NotificationsPage() {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  usePageTitle(t('notifications.title'));
  const { account } = useObsSession();
  const list = useGet(account ? '/api/v1/observatory/notifications' : null);
  const [error, setError] = useState<unknown>(null);
  const markAll = async () => {
    setError(null);
    try {
      await obsApi('/api/v1/observatory/notifications/read', { body: { ids: 'all' } });
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('notifications.title')}</h1>
      <RequireOfficer>
        {() => (
          <>
            <ErrorAlert error={list.error ?? error} />
            {list.isLoading ? <Loading /> : null}
            {list.data && list.data.length === 0 ? <p>{t('notifications.none')}</p> : null}
            {list.data && list.data.length > 0 ? (
              <>
                <button type="button" className="button button--secondary" onClick={() => void markAll()}>{t('notifications.mark_all')}</button>
                <ul className="item-list obs-notifications">
                  {list.data.map((n) => {
                    const href = notificationLink(n);
                    const title = notificationTitle(n, lang);
                    const text = t(`notifications.kinds.${NOTIFICATION_KINDS.includes(n.kind) ? n.kind : 'other'}`, { title });
                    return (
                      <li key={n.id} className={n.readAt ? '' : 'obs-unread'}>
                        {n.readAt ? null : <span className="obs-badge">{t('notifications.new')}</span>}{' '}
                        {href ? <Link href={href}>{text}</Link> : text}{' '}
                        <span className="obs-muted"><time dateTime={n.createdAt}>{formatDateTime(n.createdAt, lang, timeZone)}</time></span>
                      </li>
                    );
                  })}
                </ul>
              </>
            ) : null}
          </>
        )}
      </RequireOfficer>
    </section>
  );
}
