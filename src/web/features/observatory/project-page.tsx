import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDate } from '../../format.ts';
import { useApi, useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { MarkdownField, PostList, ReplyForm } from './forum-pages.tsx';
import { MunicipalityPicker } from './municipality-picker.tsx';
import { formatEuros, formatNumber, obsApi, toQuery } from './obs-api.ts';
import { REQUEST_KINDS } from './obs-data.ts';
import { RequireOfficer, useObsSession } from './obs-session.tsx';
import { FileLinks } from './project-files.tsx';
import { ProjectHistory } from './project-history.tsx';
import type { ProjectDetail, Thread, ThreadDetail } from './obs-types.ts';
import { ProjectCard } from './search-page.tsx';

type Localized = ProjectDetail['description'];

/** Text in the language it is written in: a fallback gets its own lang attribute and says so. */
function LocalizedText({ value, as = 'p' }: { value: Localized; as?: 'p' | 'div' }) {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  if (!value.text) return null;
  const isFallback = value.language !== null && value.language !== lang;
  const paragraphs = value.text.split(/\n{2,}/);
  const body = paragraphs.map((para, i) => <p key={i}>{para}</p>);
  const Wrapper = as;
  return (
    <>
      {isFallback && value.language ? <p className="obs-muted">{t('project.fallback', { language: t(`languages.${value.language}`) })}</p> : null}
      {Wrapper === 'p' && paragraphs.length === 1 ? <p lang={value.language ?? undefined}>{value.text}</p> : <div lang={value.language ?? undefined}>{body}</div>}
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="obs-section">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Tags({ label, items }: { label: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{label}</h3>
      <ul className="obs-tags">{items.map((x) => <li key={x}>{x}</li>)}</ul>
    </>
  );
}

/**
 * "Follow this project" / "Stop following" for a signed-in officer: followers are told when the published project is
 * edited and when someone writes on its thread. The button's text says what it will do; the outcome goes to a status region.
 */
function FollowToggle({ project }: { project: ProjectDetail }) {
  const { t } = useTranslation('observatory-web');
  const watching = useApi<{ watching: boolean }>(`/api/v1/forum/watches${toQuery({ targetType: 'project', targetId: project.id })}`);
  const [isFollowing, setFollowing] = useState<boolean | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const current = isFollowing ?? watching.data?.watching ?? null;
  if (current === null) return watching.error ? <ErrorAlert error={watching.error} /> : null;
  const toggle = async () => {
    setError(null);
    setStatus('');
    try {
      await obsApi('/api/v1/forum/watches', { body: { targetType: 'project', targetId: project.id, watch: !current } });
      setFollowing(!current);
      setStatus(t(current ? 'project.not_following' : 'project.following'));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="obs-follow">
      <ErrorAlert error={error} />
      <button type="button" className="button button--secondary" onClick={() => void toggle()} aria-describedby="obs-follow-hint">
        {t(current ? 'project.unfollow' : 'project.follow')}
      </button>
      <p className="field__hint" id="obs-follow-hint">{t('project.follow_hint')}</p>
      <p role="status">{status}</p>
    </div>
  );
}

function RequestForm({ project }: { project: ProjectDetail }) {
  const { t } = useTranslation('observatory-web');
  const [kind, setKind] = useState<(typeof REQUEST_KINDS)[number]>('contact');
  const [message, setMessage] = useState('');
  const [date, setDate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isSent, setSent] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await obsApi(`/api/v1/observatory/projects/${project.id}/requests`, { body: { kind, message, ...(date && kind !== 'contact' ? { proposedDate: date } : {}) } });
      setSent(true);
      setMessage('');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="form">
      {/* Imported records (JRC cases) have no owner account: say who will read the request. */}
      {project.ownerAccountId === null ? <p className="notice">{t('request.to_editors')}</p> : null}
      <ErrorAlert error={error} />
      {isSent ? <p className="alert alert--success" role="status">{t(project.ownerAccountId === null ? 'request.sent_editors' : 'request.sent')} <Link href="/me#requests-sent">{t('request.follow')}</Link></p> : null}
      <fieldset>
        <legend>{t('request.kind')}</legend>
        {REQUEST_KINDS.map((k) => (
          <div className="choice" key={k}>
            <input type="radio" id={`req-${k}`} name="req-kind" checked={kind === k} onChange={() => setKind(k)} />
            <label htmlFor={`req-${k}`}>{t(`request.kinds.${k}`)}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="req-message">{t('request.message')}</label>
        <textarea id="req-message" rows={4} required value={message} onChange={(e) => setMessage(e.target.value)} />
      </div>
      {kind !== 'contact' ? (
        <div className="field">
          <label htmlFor="req-date">{t('request.date')}</label>
          <input id="req-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </div>
      ) : null}
      <button type="submit" className="button">{t('request.submit')}</button>
    </form>
  );
}

function AdoptForm({ project, onDone }: { project: ProjectDetail; onDone: () => void }) {
  const { t } = useTranslation('observatory-web');
  const [ine5, setIne5] = useState('');
  const [stage, setStage] = useState<'interested' | 'adopting' | 'adopted'>('interested');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await obsApi(`/api/v1/observatory/projects/${project.id}/adopt`, { body: { ...(ine5 ? { ine5 } : {}), stage } });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <details className="obs-details">
      <summary>{t('reuse.add')}</summary>
      <form onSubmit={(e) => void submit(e)} className="form">
        <ErrorAlert error={error} />
        <MunicipalityPicker id="adopt-council" label={t('reuse.council')} value={ine5} onChange={setIne5} />
        <div className="field">
          <label htmlFor="adopt-stage">{t('reuse.stage')}</label>
          <select id="adopt-stage" value={stage} onChange={(e) => setStage(e.target.value as typeof stage)}>
            {(['interested', 'adopting', 'adopted'] as const).map((s) => <option key={s} value={s}>{t(`reuse.stages.${s}`)}</option>)}
          </select>
        </div>
        <button type="submit" className="button">{t('reuse.submit')}</button>
      </form>
    </details>
  );
}

function ProjectThread({ project }: { project: ProjectDetail }) {
  const { t } = useTranslation('observatory-web');
  const threads = useApi<{ total: number; items: Thread[] }>(`/api/v1/forum/threads${toQuery({ projectId: project.id, limit: 1 })}`);
  const first = threads.data?.items[0];
  const thread = useGet(first ? '/api/v1/forum/threads/{id}' : null, { params: { path: { id: first?.id ?? '' } } });
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await obsApi<ThreadDetail>('/api/v1/forum/threads', { body: { projectId: project.id, body } });
      setBody('');
      threads.reload();
      thread.reload();
    } catch (err) {
      setError(err);
    }
  };
  if (project.status !== 'published') return <p>{t('thread.unpublished')}</p>;
  return (
    <>
      <ErrorAlert error={threads.error ?? thread.error} />
      {threads.isLoading ? <Loading /> : null}
      {thread.data ? (
        <>
          <p><Link href={`/forum/t/${thread.data.id}`}>{t('thread.open', { count: thread.data.posts.length })}</Link></p>
          <PostList posts={thread.data.posts} onChanged={thread.reload} />
        </>
      ) : threads.data ? <p>{t('thread.none')}</p> : null}
      <RequireOfficer>
        {() =>
          thread.data ? (
            <ReplyForm threadId={thread.data.id} onDone={thread.reload} />
          ) : (
            <form onSubmit={(e) => void start(e)} className="form">
              <ErrorAlert error={error} />
              <MarkdownField id="project-thread-body" label={t('thread.first_post')} value={body} onChange={setBody} />
              <button type="submit" className="button">{t('thread.start')}</button>
            </form>
          )
        }
      </RequireOfficer>
    </>
  );
}

function WorkflowActions({ project, onDone }: { project: ProjectDetail; onDone: () => void }) {
  const { t } = useTranslation('observatory-web');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = async (action: 'submit' | 'publish' | 'reject' | 'review') => {
    setError(null);
    try {
      await obsApi(`/api/v1/observatory/projects/${project.id}/${action}`, { body: comment ? { comment } : {} });
      setComment('');
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  if (!project.can.edit && !project.can.publish) return null;
  return (
    <section aria-labelledby="obs-actions" className="obs-section obs-actions">
      <h2 id="obs-actions">{t('workflow.title')}</h2>
      <p>{t('workflow.status', { status: t(`statuses.${project.status}`) })}</p>
      <ErrorAlert error={error} />
      <div className="button-row">
        {project.can.edit ? <Link className="button button--secondary" href={`/projects/${project.slug}/edit`}>{t('workflow.edit')}</Link> : null}
        {project.can.submit ? <button type="button" className="button" onClick={() => void act('submit')}>{t('workflow.submit')}</button> : null}
      </div>
      {project.can.publish ? (
        <>
          <div className="field">
            <label htmlFor="review-comment">{t('workflow.comment')}</label>
            <textarea id="review-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          <div className="button-row">
            <button type="button" className="button" onClick={() => void act('publish')}>{t('workflow.publish')}</button>
            <button type="button" className="button button--secondary" onClick={() => void act('reject')}>{t('workflow.reject')}</button>
          </div>
        </>
      ) : null}
      {project.status === 'published' && project.can.edit ? (
        <button type="button" className="button button--ghost" onClick={() => void act('review')}>{t('workflow.confirm')}</button>
      ) : null}
    </section>
  );
}

export function ProjectPage({ id }: { id: string }) {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  const { account } = useObsSession();
  const project = useGet('/api/v1/observatory/projects/{id}', { params: { path: { id } }, lang });
  const similar = useGet(project.data ? '/api/v1/observatory/projects/{id}/similar' : null, { params: { path: { id: project.data?.id ?? '' } }, lang });
  const p = project.data;
  usePageTitle(p ? t('project.page_title', { title: p.title }) : t('project.loading_title'));
  if (!p) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t('project.loading_title')}</h1>
        <ErrorAlert error={project.error} />
        {project.isLoading ? <Loading /> : null}
      </section>
    );
  }
  const m = p.metrics;
  const metrics: [string, string][] = [];
  if (m.savedCentsPerYear !== undefined) metrics.push([t('metrics.saved'), formatEuros(m.savedCentsPerYear, lang)]);
  if (m.staffHoursSavedPerYear !== undefined) metrics.push([t('metrics.hours'), formatNumber(m.staffHoursSavedPerYear, lang)]);
  if (m.citizensServed !== undefined) metrics.push([t('metrics.citizens'), formatNumber(m.citizensServed, lang)]);
  if (m.proceduresPerYear !== undefined) metrics.push([t('metrics.procedures'), formatNumber(m.proceduresPerYear, lang)]);
  if (m.investmentCents !== undefined) metrics.push([t('metrics.investment'), formatEuros(m.investmentCents, lang)]);
  const c = p.council;
  return (
    <article aria-labelledby="page-title" className="obs-project">
      <p><Link href="/">{t('project.back')}</Link></p>
      <h1 id="page-title"><span lang={p.titleText.language ?? undefined}>{p.title}</span></h1>
      {p.isDemo ? <p className="notice" role="note">{t('project.demo_note')}</p> : null}
      {p.status !== 'published' ? <p className="notice" role="note">{t('workflow.status', { status: t(`statuses.${p.status}`) })}</p> : null}
      <WorkflowActions project={p} onDone={project.reload} />
      {account && account.isVerified && p.status === 'published' ? <FollowToggle project={p} /> : null}

      <Section id="lvl-entity" title={t('project.levels.entity')}>
        <dl className="obs-dl">
          <dt>{t('project.council')}</dt>
          <dd>{c.name}{c.province ? ` (${c.province}${c.region ? `, ${c.region}` : ''})` : c.country !== 'ES' ? ` (${c.country})` : ''}</dd>
          {c.population !== null ? (<><dt>{t('project.population')}</dt><dd>{formatNumber(c.population, lang)}{c.band ? ` · ${t(`bands.${c.band}`)}` : ''}</dd></>) : null}
          {p.portfolio ? (<><dt>{t('project.portfolio')}</dt><dd>{p.portfolio.title}</dd></>) : null}
        </dl>
        {p.contacts.length > 0 ? (
          <>
            <h3>{t('project.contacts')}</h3>
            <ul className="item-list">
              {p.contacts.map((x) => (
                <li key={x.name}>
                  {x.name}{x.role ? `, ${x.role}` : ''}{x.email ? <> · <a href={`mailto:${x.email}`}>{x.email}</a></> : null}{x.phone ? ` · ${x.phone}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Section>

      <Section id="lvl-description" title={t('project.levels.description')}>
        <LocalizedText value={p.summaryText} />
        <LocalizedText value={p.description} as="div" />
      </Section>

      <Section id="lvl-value" title={t('project.levels.value')}>
        {metrics.length > 0 ? (
          <dl className="obs-dl obs-metrics">
            {metrics.map(([k, v]) => (<div key={k}><dt>{k}</dt><dd>{v}</dd></div>))}
          </dl>
        ) : <p>{t('metrics.none')}</p>}
        <LocalizedText value={p.valueText} as="div" />
      </Section>

      <Section id="lvl-analysis" title={t('project.levels.analysis')}>
        {p.barriers.text ? (<><h3>{t('project.barriers')}</h3><LocalizedText value={p.barriers} as="div" /></>) : null}
        {p.benefits.text ? (<><h3>{t('project.benefits')}</h3><LocalizedText value={p.benefits} as="div" /></>) : null}
        <Tags label={t('project.technologies')} items={p.technologies} />
        <Tags label={t('project.methodologies')} items={p.methodologies} />
        <Tags label={t('project.tools')} items={p.tools} />
      </Section>

      <Section id="lvl-phase" title={t('project.levels.phase')}>
        <dl className="obs-dl">
          <dt>{t('search.phase')}</dt><dd>{t(`phases.${p.phase}`)}</dd>
          <dt>{t('search.type')}</dt><dd>{t(`types.${p.type}`)}</dd>
          <dt>{t('search.area')}</dt><dd>{t(`areas.${p.area}`)}</dd>
          {p.publishedAt ? (<><dt>{t('project.published')}</dt><dd>{formatDate(p.publishedAt, lang, timeZone)}</dd></>) : null}
          {p.reviewedAt ? (<><dt>{t('project.reviewed')}</dt><dd>{formatDate(p.reviewedAt, lang, timeZone)}</dd></>) : null}
        </dl>
      </Section>

      <Section id="lvl-docs" title={t('project.levels.documentation')}>
        <FileLinks files={p.files} />
        {p.files.length > 0 && p.documentation.length > 0 ? <h3>{t('files.links')}</h3> : null}
        {p.documentation.length > 0 ? (
          <ul className="item-list">
            {p.documentation.map((d) => (
              <li key={d.url}>
                <a href={d.url} rel="noopener noreferrer" {...(d.language ? { hrefLang: d.language } : {})}>{d.title}</a>{' '}
                <span className="obs-muted">({t(`doc_kinds.${d.kind}`)})</span>
              </li>
            ))}
          </ul>
        ) : p.files.length === 0 ? <p>{t('project.no_docs')}</p> : null}
        {p.attribution ? <p className="obs-muted">{t('project.attribution', { source: p.attribution })}</p> : null}
      </Section>

      <Section id="obs-reuse" title={t('reuse.title')}>
        {p.adoptions.length > 0 ? (
          <ul className="item-list">
            {p.adoptions.map((a, i) => (
              <li key={`${a.ine5 ?? a.name}-${i}`}>
                {a.name} — {t(`reuse.stages.${a.stage}`)}{a.note ? `: ${a.note}` : ''}
              </li>
            ))}
          </ul>
        ) : <p>{t('reuse.none')}</p>}
        {p.status === 'published' ? <RequireOfficer>{() => <AdoptForm project={p} onDone={project.reload} />}</RequireOfficer> : null}
      </Section>

      <Section id="obs-contact" title={t('request.title')}>
        <RequireOfficer>{() => <RequestForm project={p} />}</RequireOfficer>
      </Section>

      <Section id="obs-thread" title={t('thread.title')}>
        <ProjectThread project={p} />
      </Section>

      <Section id="obs-history" title={t('history.title')}>
        <ProjectHistory key={`${p.id}-${p.version}`} projectId={p.id} />
      </Section>

      <Section id="obs-similar" title={t('project.similar')}>
        {similar.data && similar.data.length > 0 ? (
          <ul className="card-list">{similar.data.map((s) => <ProjectCard key={s.id} p={s} />)}</ul>
        ) : similar.data ? <p>{t('project.no_similar')}</p> : null}
      </Section>
    </article>
  );
}
