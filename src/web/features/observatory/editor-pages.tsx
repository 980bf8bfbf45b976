import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useApi, useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import type { Language } from '../../../shared/languages.ts';
import { MunicipalityPicker } from './municipality-picker.tsx';
import { obsApi } from './obs-api.ts';
import { AREAS, PHASES, PROJECT_TYPES } from './obs-data.ts';
import { RequireOfficer } from './obs-session.tsx';
import { ContactRows, DocumentationRows, type ContactRow, type DocRow } from './project-editor-lists.tsx';
import { ProjectFilesEditor } from './project-files.tsx';
import type { ProjectDetail, ProjectSummary, RequestView } from './obs-types.ts';

function ProjectRows({ items, showEdit }: { items: ProjectSummary[]; showEdit: boolean }) {
  const { t } = useTranslation('observatory-web');
  return (
    <ul className="item-list">
      {items.map((p) => (
        <li key={p.id}>
          <Link href={`/projects/${p.slug}`}><span lang={p.textLanguage}>{p.title}</span></Link> · {p.council.name} · {t(`statuses.${p.status}`)}
          {showEdit && p.status !== 'submitted' ? <> · <Link href={`/projects/${p.slug}/edit`} aria-label={t('workflow.edit_named', { title: p.title })}>{t('workflow.edit')}</Link></> : null}
        </li>
      ))}
    </ul>
  );
}

/** Requests received (to answer) or sent (to follow, and cancel while open or accepted), each with its project and status. */
function Requests({ box }: { box: 'in' | 'out' }) {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  const list = useApi<RequestView[]>(`/api/v1/forum/requests?box=${box}`);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const move = async (r: RequestView, next: 'accepted' | 'declined' | 'done' | 'cancelled') => {
    setError(null);
    setStatus('');
    try {
      await obsApi(`/api/v1/forum/requests/${r.id}/status`, { body: { status: next } });
      setStatus(t('request.moved', { title: r.project?.title ?? '', status: t(`request.statuses.${next}`) }));
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const named = (label: string, r: RequestView) => t('request.action_named', { action: label, title: r.project?.title ?? '' });
  return (
    <>
      <ErrorAlert error={list.error ?? error} />
      <p role="status">{status}</p>
      {list.isLoading ? <Loading /> : null}
      {list.data && list.data.length === 0 ? <p>{t(box === 'in' ? 'workspace.no_requests' : 'workspace.no_sent')}</p> : null}
      <ul className="item-list">
        {list.data?.map((r) => (
          <li key={r.id}>
            <strong>{t(`request.kinds.${r.kind}`)}</strong>
            {r.project ? <> · <Link href={`/projects/${r.project.slug}`}>{r.project.title}</Link></> : null}
            {' · '}{box === 'in' ? t('request.from', { name: r.fromName ?? '' }) : t('request.to', { name: r.toName ?? t('request.editors') })}
            {' · '}<span>{t('request.status_label')} {t(`request.statuses.${r.status}`)}</span>
            {' · '}<time dateTime={r.createdAt}>{formatDateTime(r.createdAt, lang, timeZone)}</time>
            <p>{r.message}</p>
            {box === 'in' && r.status === 'open' ? (
              <div className="button-row">
                <button type="button" className="button" aria-label={named(t('request.accept'), r)} onClick={() => void move(r, 'accepted')}>{t('request.accept')}</button>
                <button type="button" className="button button--secondary" aria-label={named(t('request.decline'), r)} onClick={() => void move(r, 'declined')}>{t('request.decline')}</button>
              </div>
            ) : null}
            {box === 'in' && r.status === 'accepted' ? (
              <button type="button" className="button button--secondary" aria-label={named(t('request.done'), r)} onClick={() => void move(r, 'done')}>{t('request.done')}</button>
            ) : null}
            {box === 'out' && (r.status === 'open' || r.status === 'accepted') ? (
              <button type="button" className="button button--secondary" aria-label={named(t('request.cancel'), r)} onClick={() => void move(r, 'cancelled')}>{t('request.cancel')}</button>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

export function WorkspacePage() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('workspace.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('workspace.title')}</h1>
      <RequireOfficer>
        {(a) => <WorkspaceBody name={a.displayName} isEditor={a.role === 'editor'} wantsDigest={a.wantsDigest} />}
      </RequireOfficer>
    </section>
  );
}

/** The daily e-mail digest opt-out: saved as soon as the box changes, the outcome announced in a status region. */
function DigestSetting({ initial }: { initial: boolean }) {
  const { t } = useTranslation('observatory-web');
  const [wantsDigest, setWantsDigest] = useState(initial);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isSaving, setSaving] = useState(false);
  const change = async (next: boolean) => {
    // Not `disabled` while saving: that would drop a keyboard user's focus.
    if (isSaving) return;
    setError(null);
    setStatus('');
    setSaving(true);
    try {
      const account = await obsApi<{ wantsDigest: boolean }>('/api/v1/observatory/account', { method: 'PATCH', body: { wantsDigest: next } });
      setWantsDigest(account.wantsDigest);
      setStatus(t(account.wantsDigest ? 'workspace.digest_on' : 'workspace.digest_off'));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="field">
      <input id="obs-wants-digest" type="checkbox" checked={wantsDigest} aria-describedby="obs-wants-digest-hint"
        onChange={(e) => void change(e.currentTarget.checked)} />{' '}
      <label htmlFor="obs-wants-digest">{t('workspace.digest_label')}</label>
      <p id="obs-wants-digest-hint" className="field__hint">{t('workspace.digest_hint')}</p>
      <ErrorAlert error={error} />
      <p role="status">{status}</p>
    </div>
  );
}

function WorkspaceBody({ name, isEditor, wantsDigest }: { name: string; isEditor: boolean; wantsDigest: boolean }) {
  const { t } = useTranslation('observatory-web');
  const ws = useGet('/api/v1/observatory/workspace');
  return (
    <>
      <p className="lead">{t('workspace.hello', { name })}</p>
      <p><Link className="button" href="/projects/new">{t('workspace.new_project')}</Link></p>
      <h2>{t('workspace.mine')}</h2>
      <ErrorAlert error={ws.error} />
      {ws.isLoading ? <Loading /> : null}
      {ws.data && ws.data.mine.length === 0 ? <p>{t('workspace.none')}</p> : null}
      {ws.data ? <ProjectRows items={ws.data.mine} showEdit /> : null}
      {isEditor ? <p><Link href="/review">{t('review.count', { count: ws.data?.queue.length ?? 0 })}</Link></p> : null}
      <h2 id="requests">{t('workspace.requests')}</h2>
      <Requests box="in" />
      <h2 id="requests-sent">{t('workspace.requests_sent')}</h2>
      <Requests box="out" />
      <p><Link href="/notifications">{t('notifications.title')}</Link></p>
      <h2>{t('workspace.settings')}</h2>
      <DigestSetting initial={wantsDigest} />
    </>
  );
}

export function ReviewQueuePage() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('review.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('review.title')}</h1>
      <RequireOfficer>
        {(a) => (a.role === 'editor' ? <ReviewQueue /> : <p className="notice" role="note">{t('review.editors_only')}</p>)}
      </RequireOfficer>
    </section>
  );
}

function ReviewQueue() {
  const { t } = useTranslation('observatory-web');
  const ws = useGet('/api/v1/observatory/workspace');
  const [comments, setComments] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const act = async (p: ProjectSummary, action: 'publish' | 'reject') => {
    setError(null);
    try {
      const comment = comments[p.id];
      await obsApi(`/api/v1/observatory/projects/${p.id}/${action}`, { body: comment ? { comment } : {} });
      setDone(t(action === 'publish' ? 'review.published' : 'review.rejected', { title: p.title }));
      ws.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <p className="lead">{t('review.intro')}</p>
      <ErrorAlert error={ws.error ?? error} />
      {done ? <p className="alert alert--success" role="status">{done}</p> : null}
      {ws.isLoading ? <Loading /> : null}
      {ws.data && ws.data.queue.length === 0 ? <p>{t('review.empty')}</p> : null}
      <ul className="card-list">
        {ws.data?.queue.map((p) => (
          <li key={p.id} className="card">
            <h2><Link href={`/projects/${p.slug}`}>{p.title}</Link></h2>
            <p>{p.council.name} · {t(`areas.${p.area}`)}</p>
            <div className="field">
              <label htmlFor={`rc-${p.id}`}>{t('workflow.comment')}</label>
              <textarea id={`rc-${p.id}`} rows={2} value={comments[p.id] ?? ''} onChange={(e) => setComments((c) => ({ ...c, [p.id]: e.target.value }))} />
            </div>
            <div className="button-row">
              <button type="button" className="button" onClick={() => void act(p, 'publish')} aria-label={t('review.publish_named', { title: p.title })}>{t('workflow.publish')}</button>
              <button type="button" className="button button--secondary" onClick={() => void act(p, 'reject')} aria-label={t('review.reject_named', { title: p.title })}>{t('workflow.reject')}</button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

type Texts = Record<'title' | 'summary' | 'description' | 'valueText' | 'barriers' | 'benefits', Partial<Record<Language, string>>>;
const TEXT_FIELDS = ['title', 'summary', 'description', 'valueText', 'barriers', 'benefits'] as const;
const METRICS = ['savedEurosPerYear', 'staffHoursSavedPerYear', 'citizensServed', 'proceduresPerYear', 'investmentEuros'] as const;

interface Draft {
  texts: Texts;
  ine5: string;
  area: string;
  type: string;
  phase: string;
  metrics: Record<(typeof METRICS)[number], string>;
  technologies: string;
  methodologies: string;
  tools: string;
  documentation: DocRow[];
  contacts: ContactRow[];
}

const emptyDraft = (): Draft => ({
  texts: { title: {}, summary: {}, description: {}, valueText: {}, barriers: {}, benefits: {} },
  ine5: '', area: AREAS[0], type: PROJECT_TYPES[0], phase: PHASES[0],
  metrics: { savedEurosPerYear: '', staffHoursSavedPerYear: '', citizensServed: '', proceduresPerYear: '', investmentEuros: '' },
  technologies: '', methodologies: '', tools: '', documentation: [], contacts: [],
});

function fromProject(p: ProjectDetail): Draft {
  const m = p.metrics;
  const s = (n: number | undefined, div = 1) => (n === undefined ? '' : String(n / div));
  return {
    texts: { title: p.titleText.all, summary: p.summaryText.all, description: p.description.all, valueText: p.valueText.all, barriers: p.barriers.all, benefits: p.benefits.all },
    ine5: p.council.ine5 ?? '', area: p.area, type: p.type, phase: p.phase,
    metrics: { savedEurosPerYear: s(m.savedCentsPerYear, 100), staffHoursSavedPerYear: s(m.staffHoursSavedPerYear), citizensServed: s(m.citizensServed), proceduresPerYear: s(m.proceduresPerYear), investmentEuros: s(m.investmentCents, 100) },
    technologies: p.technologies.join(', '), methodologies: p.methodologies.join(', '), tools: p.tools.join(', '),
    // Every item with its kind and language, every contact with every field: saving must not lose what it did not show.
    documentation: p.documentation.map((d) => ({ kind: d.kind, title: d.title, url: d.url, language: d.language ?? '' })),
    contacts: p.contacts.map((c) => ({ name: c.name, role: c.role ?? '', email: c.email ?? '', phone: c.phone ?? '' })),
  };
}

const tags = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const clean = (t: Partial<Record<Language, string>>) => Object.fromEntries(Object.entries(t).filter(([, v]) => v && v.trim() !== ''));

function toBody(d: Draft) {
  const metric = (v: string, mult = 1) => (v.trim() === '' || Number.isNaN(Number(v)) ? undefined : Math.round(Number(v) * mult));
  const metrics = Object.fromEntries(Object.entries({
    savedCentsPerYear: metric(d.metrics.savedEurosPerYear, 100), staffHoursSavedPerYear: metric(d.metrics.staffHoursSavedPerYear),
    citizensServed: metric(d.metrics.citizensServed), proceduresPerYear: metric(d.metrics.proceduresPerYear), investmentCents: metric(d.metrics.investmentEuros, 100),
  }).filter(([, v]) => v !== undefined));
  // Rows left completely empty are dropped; a half-filled one is sent so the server says which field is missing.
  const documentation = d.documentation
    .map((r) => ({ ...r, title: r.title.trim(), url: r.url.trim() }))
    .filter((r) => r.title || r.url)
    .map((r) => ({ kind: r.kind, title: r.title, url: r.url, ...(r.language ? { language: r.language } : {}) }));
  const opt = (k: string, v: string) => (v.trim() ? { [k]: v.trim() } : {});
  const contacts = d.contacts
    .filter((c) => c.name.trim() || c.role.trim() || c.email.trim() || c.phone.trim())
    .map((c) => ({ name: c.name.trim(), ...opt('role', c.role), ...opt('email', c.email), ...opt('phone', c.phone) }));
  return {
    title: clean(d.texts.title), summary: clean(d.texts.summary), description: clean(d.texts.description), valueText: clean(d.texts.valueText),
    barriers: clean(d.texts.barriers), benefits: clean(d.texts.benefits),
    ...(d.ine5 ? { ine5: d.ine5 } : {}), area: d.area, type: d.type, phase: d.phase, metrics,
    technologies: tags(d.technologies), methodologies: tags(d.methodologies), tools: tags(d.tools), documentation,
    contacts,
  };
}

export function EditorPage({ id }: { id?: string }) {
  const { t } = useTranslation('observatory-web');
  usePageTitle(id ? t('editor.edit_title') : t('editor.new_title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{id ? t('editor.edit_title') : t('editor.new_title')}</h1>
      <RequireOfficer>{() => <EditorForm id={id} />}</RequireOfficer>
    </section>
  );
}

function EditorForm({ id }: { id?: string | undefined }) {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  const [, navigate] = useLocation();
  const existing = useGet(id ? '/api/v1/observatory/projects/{id}' : null, { params: { path: { id: id ?? '' } } });
  const [d, setD] = useState<Draft>(emptyDraft);
  const [writing, setWriting] = useState<Language>(lang);
  const [error, setError] = useState<unknown>(null);
  // Fill the form once per project: a reload after a file upload must not wipe what is being typed.
  const filledFor = useRef<string | null>(null);
  useEffect(() => {
    if (existing.data && filledFor.current !== existing.data.id) {
      filledFor.current = existing.data.id;
      setD(fromProject(existing.data));
    }
  }, [existing.data]);
  const setText = (k: (typeof TEXT_FIELDS)[number], v: string) => setD((x) => ({ ...x, texts: { ...x.texts, [k]: { ...x.texts[k], [writing]: v } } }));
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const save = async (andSubmit: boolean) => {
    setError(null);
    try {
      const body = toBody(d);
      const saved = id
        ? await obsApi<ProjectDetail>(`/api/v1/observatory/projects/${encodeURIComponent(id)}`, { method: 'PATCH', body })
        : await obsApi<ProjectDetail>('/api/v1/observatory/projects', { body });
      if (andSubmit) await obsApi(`/api/v1/observatory/projects/${saved.id}/submit`, { body: {} });
      navigate(`/projects/${saved.slug}`);
    } catch (err) {
      setError(err);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };
  // Only the first load: a reload (after a file upload) keeps the form and its typing on screen.
  if (id && existing.isLoading && !existing.data) return <Loading />;
  const fieldErr = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  return (
    <>
    <form onSubmit={onSubmit} className="form obs-editor" noValidate>
      <ErrorAlert error={error ?? existing.error} />
      <div className="field">
        <label htmlFor="ed-lang">{t('editor.writing_in')}</label>
        <p className="field__hint" id="ed-lang-hint">{t('editor.writing_hint')}</p>
        <select id="ed-lang" value={writing} onChange={(e) => setWriting(e.target.value as Language)} aria-describedby="ed-lang-hint">
          {(['es', 'ca', 'en'] as const).map((l) => <option key={l} value={l}>{t(`languages.${l}`)}</option>)}
        </select>
      </div>
      <fieldset lang={writing}>
        <legend>{t('editor.texts', { language: t(`languages.${writing}`) })}</legend>
        {TEXT_FIELDS.map((k) => {
          const err = fieldErr(k);
          return (
            <div className={`field${err ? ' field--error' : ''}`} key={k}>
              <label htmlFor={`ed-${k}`}>{t(`editor.fields.${k}`)}</label>
              {err ? <p className="field__error" id={`ed-${k}-error`}>{err}</p> : null}
              {k === 'title' ? (
                <input id={`ed-${k}`} value={d.texts[k][writing] ?? ''} onChange={(e) => setText(k, e.target.value)} aria-invalid={Boolean(err) || undefined} aria-describedby={err ? `ed-${k}-error` : undefined} />
              ) : (
                <textarea id={`ed-${k}`} rows={k === 'summary' ? 2 : 4} value={d.texts[k][writing] ?? ''} onChange={(e) => setText(k, e.target.value)} />
              )}
            </div>
          );
        })}
      </fieldset>
      <MunicipalityPicker id="ed-council" label={t('editor.council')} value={d.ine5} onChange={(v) => set('ine5', v)} />
      <div className="obs-grid">
        {([['area', AREAS, 'areas'], ['type', PROJECT_TYPES, 'types'], ['phase', PHASES, 'phases']] as const).map(([k, list, ns]) => (
          <div className="field" key={k}>
            <label htmlFor={`ed-${k}`}>{t(`search.${k}`)}</label>
            <select id={`ed-${k}`} value={d[k]} onChange={(e) => set(k, e.target.value)}>
              {list.map((v: string) => <option key={v} value={v}>{t(`${ns}.${v}`)}</option>)}
            </select>
          </div>
        ))}
      </div>
      <fieldset>
        <legend>{t('project.levels.value')}</legend>
        <div className="obs-grid">
          {METRICS.map((k) => (
            <div className="field" key={k}>
              <label htmlFor={`ed-${k}`}>{t(`editor.metrics.${k}`)}</label>
              <input id={`ed-${k}`} type="number" min={0} inputMode="decimal" value={d.metrics[k]} onChange={(e) => set('metrics', { ...d.metrics, [k]: e.target.value })} />
            </div>
          ))}
        </div>
      </fieldset>
      {(['technologies', 'methodologies', 'tools'] as const).map((k) => (
        <div className="field" key={k}>
          <label htmlFor={`ed-${k}`}>{t(`project.${k}`)}</label>
          <p className="field__hint" id={`ed-${k}-hint`}>{t('editor.tags_hint')}</p>
          <input id={`ed-${k}`} value={d[k]} onChange={(e) => set(k, e.target.value)} aria-describedby={`ed-${k}-hint`} />
        </div>
      ))}
      <DocumentationRows rows={d.documentation} onChange={(rows) => set('documentation', rows)} fieldError={fieldErr} />
      <ContactRows rows={d.contacts} onChange={(rows) => set('contacts', rows)} fieldError={fieldErr} />
      <div className="button-row">
        <button type="submit" className="button button--secondary">{t('editor.save')}</button>
        {!id || existing.data?.status === 'draft' ? (
          <button type="button" className="button" onClick={() => void save(true)}>{t('editor.save_submit')}</button>
        ) : null}
      </div>
    </form>
    {existing.data ? (
      <ProjectFilesEditor project={existing.data} onChanged={existing.reload} />
    ) : (
      <section aria-labelledby="ed-files-title" className="obs-section">
        <h2 id="ed-files-title">{t('files.title')}</h2>
        <p>{t('files.after_save')}</p>
      </section>
    )}
    </>
  );
}
