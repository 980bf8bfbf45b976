import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { useApi } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { MunicipalityPicker } from './municipality-picker.tsx';
import { formatEuros, formatKm, formatNumber, obsApi, toQuery } from './obs-api.ts';
import { AREAS, PHASES, POPULATION_BANDS, PROJECT_TYPES, PROVINCES, REGIONS, SORTS } from './obs-data.ts';
import type { ProjectSearchResult, ProjectSummary } from './obs-types.ts';
import { SpainMap } from './spain-map.tsx';

const FIELDS = ['q', 'area', 'type', 'phase', 'technology', 'band', 'province', 'region', 'sort', 'mode', 'council', 'km'] as const;
type Form = Record<(typeof FIELDS)[number], string>;

function readForm(search: string): Form {
  const p = new URLSearchParams(search);
  const out = {} as Form;
  for (const f of FIELDS) out[f] = p.get(f) ?? '';
  if (!out.mode) out.mode = 'all';
  if (!out.km) out.km = '50';
  return out;
}

/** The API query for the page's form (the page's own URL keeps the form, so a search can be shared). */
/** Results a page asks for at once (the API's default); `?per=` in the page's URL changes it (1-500). */
const PAGE_SIZE = 50;

function pageSize(search: string): number {
  const n = Number(new URLSearchParams(search).get('per'));
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : PAGE_SIZE;
}

function apiQuery(f: Form, lang: string, limit: number, offset = 0): string {
  const base = { q: f.q, area: f.area, type: f.type, phase: f.phase, technology: f.technology, band: f.band, province: f.province, region: f.region, sort: f.sort, lang,
    limit, offset: offset || undefined };
  if (f.mode === 'near' && f.council) return toQuery({ ...base, near: f.council, km: f.km });
  if (f.mode === 'like' && f.council) return toQuery({ ...base, like: f.council });
  return toQuery(base);
}

export function ProjectCard({ p }: { p: ProjectSummary }) {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  return (
    <li className="card obs-card">
      <h3>
        <Link href={`/projects/${p.slug}`}>
          <span lang={p.textLanguage}>{p.title}</span>
        </Link>
      </h3>
      <p className="obs-card__meta">
        {p.council.name}
        {p.council.province ? ` (${p.council.province})` : ''}
        {p.distanceKm !== undefined ? ` · ${t('search.distance', { km: formatKm(p.distanceKm, lang) })}` : ''}
      </p>
      {p.summary ? <p lang={p.textLanguage}>{p.summary}</p> : null}
      <ul className="obs-tags" aria-label={t('project.classification')}>
        <li>{t(`areas.${p.area}`)}</li>
        <li>{t(`types.${p.type}`)}</li>
        <li>{t(`phases.${p.phase}`)}</li>
        {p.savedCentsPerYear ? <li>{t('search.saves', { amount: formatEuros(p.savedCentsPerYear, lang) })}</li> : null}
        {p.adoptionCount > 0 ? <li>{t('search.adoptions', { count: p.adoptionCount, n: formatNumber(p.adoptionCount, lang) })}</li> : null}
        {p.isDemo ? <li>{t('project.demo')}</li> : null}
      </ul>
    </li>
  );
}

function Select({ id, label, value, onChange, options }: { id: string; label: string; value: string; onChange: (v: string) => void; options: readonly (readonly [string, string])[] }) {
  const { t } = useTranslation('observatory-web');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('search.any')}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>{text}</option>
        ))}
      </select>
    </div>
  );
}

export function SearchPage() {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  usePageTitle(t('search.title'));
  const search = useSearch();
  const [, navigate] = useLocation();
  const applied = readForm(search);
  const [form, setForm] = useState<Form>(applied);
  const set = (k: keyof Form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const per = pageSize(search);
  const firstUrl = `/api/v1/observatory/projects${apiQuery(applied, lang, per)}`;
  const result = useApi<ProjectSearchResult>(firstUrl);
  // "Show more" appends the next pages to the first; a new search starts again.
  const [more, setMore] = useState<ProjectSummary[]>([]);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  const focusIndex = useRef<number | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    setMore([]);
    setMoreError(null);
  }, [firstUrl]);
  useEffect(() => {
    // Keyboard and screen-reader users continue from the first newly shown result.
    if (focusIndex.current === null) return;
    const link = listRef.current?.querySelectorAll<HTMLAnchorElement>(':scope > li h3 a')[focusIndex.current];
    focusIndex.current = null;
    link?.focus();
  }, [more]);
  const loadingMore = useRef(false);
  const showMore = async (shown: number) => {
    // One page at a time: a second click while loading would fetch the same offset twice.
    if (loadingMore.current) return;
    loadingMore.current = true;
    setMoreError(null);
    setLoadingMore(true);
    try {
      const next = await obsApi<ProjectSearchResult>(`/api/v1/observatory/projects${apiQuery(applied, lang, per, shown)}`);
      focusIndex.current = next.items.length > 0 ? shown : null;
      setMore((m) => [...m, ...next.items]);
    } catch (err) {
      setMoreError(err);
    } finally {
      loadingMore.current = false;
      setLoadingMore(false);
    }
  };
  const needsCouncil = form.mode !== 'all' && !form.council;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (needsCouncil) return;
    navigate(`/${toQuery({ ...form, mode: form.mode === 'all' ? '' : form.mode, km: form.mode === 'near' ? form.km : '' })}`);
  };
  const data = result.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('search.title')}</h1>
      <p className="lead">{t('search.intro')}</p>
      <form role="search" aria-label={t('search.form_label')} onSubmit={submit} className="form obs-search">
        <div className="field">
          <label htmlFor="obs-q">{t('search.q')}</label>
          <p className="field__hint" id="obs-q-hint">{t('search.q_hint')}</p>
          <input id="obs-q" name="q" type="search" value={form.q} onChange={(e) => set('q')(e.target.value)} aria-describedby="obs-q-hint" />
        </div>
        <fieldset>
          <legend>{t('search.where')}</legend>
          {(['all', 'near', 'like'] as const).map((m) => (
            <div className="choice" key={m}>
              <input type="radio" id={`obs-mode-${m}`} name="mode" value={m} checked={form.mode === m} onChange={() => set('mode')(m)} />
              <label htmlFor={`obs-mode-${m}`}>{t(`search.mode_${m}`)}</label>
            </div>
          ))}
          {form.mode !== 'all' ? (
            <>
              <MunicipalityPicker id="obs-council" label={t('search.my_council')} value={form.council} onChange={set('council')} />
              {needsCouncil ? <p className="field__error" role="status">{t('search.council_needed')}</p> : null}
              {form.mode === 'near' ? (
                <div className="field">
                  <label htmlFor="obs-km">{t('search.km')}</label>
                  <input id="obs-km" name="km" type="number" inputMode="numeric" min={1} max={2000} value={form.km} onChange={(e) => set('km')(e.target.value)} />
                </div>
              ) : <p className="field__hint">{t('search.like_hint')}</p>}
            </>
          ) : null}
        </fieldset>
        <details className="obs-filters" open={Boolean(applied.area || applied.type || applied.phase || applied.technology || applied.band || applied.province || applied.region)}>
          <summary>{t('search.filters')}</summary>
          <div className="obs-grid">
            <Select id="obs-area" label={t('search.area')} value={form.area} onChange={set('area')} options={AREAS.map((a) => [a, t(`areas.${a}`)] as const)} />
            <Select id="obs-type" label={t('search.type')} value={form.type} onChange={set('type')} options={PROJECT_TYPES.map((a) => [a, t(`types.${a}`)] as const)} />
            <Select id="obs-phase" label={t('search.phase')} value={form.phase} onChange={set('phase')} options={PHASES.map((a) => [a, t(`phases.${a}`)] as const)} />
            <div className="field">
              <label htmlFor="obs-technology">{t('search.technology')}</label>
              <input id="obs-technology" name="technology" value={form.technology} onChange={(e) => set('technology')(e.target.value)} />
            </div>
            <Select id="obs-band" label={t('search.band')} value={form.band} onChange={set('band')} options={POPULATION_BANDS.map((a) => [a, t(`bands.${a}`)] as const)} />
            <Select id="obs-province" label={t('search.province')} value={form.province} onChange={set('province')} options={PROVINCES} />
            <Select id="obs-region" label={t('search.region')} value={form.region} onChange={set('region')} options={REGIONS.map((r) => [r, t(`regions.${r}`)] as const)} />
          </div>
        </details>
        <div className="field">
          <label htmlFor="obs-sort">{t('search.sort')}</label>
          <select id="obs-sort" name="sort" value={form.sort} onChange={(e) => set('sort')(e.target.value)}>
            <option value="">{t('search.sort_default')}</option>
            {SORTS.map((s) => <option key={s} value={s}>{t(`sorts.${s}`)}</option>)}
          </select>
        </div>
        <button type="submit" className="button">{t('search.submit')}</button>
      </form>

      <h2 id="obs-results">{t('search.results')}</h2>
      <ErrorAlert error={result.error} />
      {result.isLoading ? <Loading /> : null}
      {data ? (
        <>
          <p role="status">
            {data.reference
              ? t(applied.mode === 'like' ? 'search.count_like' : 'search.count_near', { count: data.total, n: formatNumber(data.total, lang), name: data.reference.name, km: formatKm(Number(applied.km) || 50, lang) })
              : t('search.count', { count: data.total, n: formatNumber(data.total, lang) })}
            {data.total > data.items.length ? ` ${t('search.showing', { shown: formatNumber(data.items.length + more.length, lang), total: formatNumber(data.total, lang) })}` : ''}
          </p>
          {data.items.length > 0 ? (
            <div className="obs-results">
              <SpainMap items={[...data.items, ...more]} referenceName={data.reference?.name} reference={data.reference} />
              <ul className="card-list obs-list" aria-labelledby="obs-results" ref={listRef}>
                {[...data.items, ...more].map((p) => <ProjectCard key={p.id} p={p} />)}
              </ul>
            </div>
          ) : <p>{t('search.none')}</p>}
          <ErrorAlert error={moreError} />
          {data.items.length + more.length < data.total ? (
            <button type="button" className="button button--secondary" aria-busy={isLoadingMore || undefined}
              onClick={() => void showMore(data.items.length + more.length)}>
              {t('search.show_more', { n: formatNumber(Math.min(per, data.total - data.items.length - more.length), lang) })}
            </button>
          ) : null}
        </>
      ) : null}
      <p className="obs-credit">{t('search.credit')}</p>
    </section>
  );
}
