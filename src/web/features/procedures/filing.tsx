import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearch } from 'wouter';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { ApiError, client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { localized } from '../../boot.ts';
import { describedBy, ErrorAlert, Field, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { RequireCitizen } from '../account/signin.tsx';
import { DocumentActions, resolveUrl } from '../chat/card-view.tsx';

/** One of the citizen's filings as the list answers it. */
export type FilingSummary = ApiResponse<'/api/v1/filings'>['filings'][number];

export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export function FilingPage({ extraFiles }: { extraFiles?: File[] } = {}) {
  const { t } = useTranslation('web');
  usePageTitle(t('filing.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('filing.title')}</h1>
      <p className="lead">{t('filing.intro')}</p>
      <RequireCitizen>
        <FilingForm extraFiles={extraFiles ?? []} />
      </RequireCitizen>
    </section>
  );
}

/** `extraFiles` are documents captured by the kiosk camera, sent with the ones chosen here. */
export function FilingForm({ extraFiles }: { extraFiles: File[] }) {
  const { t } = useTranslation('web');
  const { boot, lang } = useApp();
  const departments = boot.tenant?.departments ?? [];
  // The assistant hands over what the citizen already said (?departmentId=&subject=&body=), so nothing is typed twice.
  const [given] = useState(() => new URLSearchParams(window.location.search));
  const [subject, setSubject] = useState(() => given.get('subject')?.slice(0, 200) ?? '');
  const [body, setBody] = useState(() => given.get('body') ?? '');
  const [departmentId, setDepartmentId] = useState(() => {
    const wanted = given.get('departmentId');
    return departments.some((d) => d.id === wanted) && wanted ? wanted : (departments[0]?.id ?? '');
  });
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);
  const [done, setDone] = useState<ApiResponse<'/api/v1/filings', 'post'> | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const fieldErr = (f: string) => (error instanceof ApiError ? error.fieldMessage(f) : undefined);
  const all = [...files, ...extraFiles];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (all.length > MAX_FILES || all.some((f) => f.size > MAX_FILE_BYTES)) {
      setError(new ApiError(400, 'web.files', t('filing.too_many', { count: MAX_FILES, mb: MAX_FILE_BYTES / 1024 / 1024 })));
      return;
    }
    const form = new FormData();
    form.set('subject', subject);
    form.set('body', body);
    form.set('departmentId', departmentId);
    for (const f of all) form.append('attachments', f, f.name);
    setBusy(true);
    try {
      // Multipart (fields and files): the document describes the answer but not this body.
      setDone(await ok(client.POST('/api/v1/filings', { body: form as never })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    const receipt = `/api/v1/filings/${encodeURIComponent(done.id)}/receipt`;
    return (
      <div className="alert alert--success" role="status">
        <h2>{t('filing.done')}</h2>
        <p>{t('filing.done_detail', { number: done.registryNumber, count: done.attachments.length })}</p>
        <DocumentActions url={receipt} downloadLabel={t('doc.download_receipt')} printLabel={t('doc.print')} />
      </div>
    );
  }
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorAlert error={error} />
      <Field id="filing-subject" label={t('filing.subject')} error={fieldErr('subject')}>
        <input id="filing-subject" value={subject} onChange={(e) => setSubject(e.target.value)} required maxLength={200} aria-invalid={Boolean(fieldErr('subject')) || undefined} aria-describedby={describedBy('filing-subject', { error: fieldErr('subject') })} />
      </Field>
      <Field id="filing-department" label={t('filing.department')} error={fieldErr('departmentId')}>
        <select id="filing-department" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)} required aria-describedby={describedBy('filing-department', { error: fieldErr('departmentId') })}>
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {localized(d.names, lang)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="filing-body" label={t('filing.body')} hint={t('filing.body_hint')} error={fieldErr('body')}>
        <textarea id="filing-body" rows={6} value={body} onChange={(e) => setBody(e.target.value)} required maxLength={20000} aria-invalid={Boolean(fieldErr('body')) || undefined} aria-describedby={describedBy('filing-body', { hint: true, error: fieldErr('body') })} />
      </Field>
      <Field id="filing-files" label={t('filing.files')} hint={t('filing.files_hint', { count: MAX_FILES, mb: MAX_FILE_BYTES / 1024 / 1024 })}>
        <input id="filing-files" ref={fileRef} type="file" multiple accept="application/pdf,image/jpeg,image/png" onChange={(e) => setFiles(Array.from(e.target.files ?? []))} aria-describedby={describedBy('filing-files', { hint: true })} />
      </Field>
      {all.length ? (
        <ul aria-label={t('filing.chosen')}>
          {all.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} ({Math.max(1, Math.round(f.size / 1024))} KB)
            </li>
          ))}
        </ul>
      ) : null}
      <button type="submit" className="button" disabled={isBusy}>
        {isBusy ? t('filing.sending') : t('filing.submit')}
      </button>
    </form>
  );
}

export function FilingStatusPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('filing_status.title'));
  const initial = new URLSearchParams(useSearch()).get('number') ?? '';
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('filing_status.title')}</h1>
      <RequireCitizen>
        <FilingStatusForm initial={initial} />
      </RequireCitizen>
    </section>
  );
}

function FilingStatusForm({ initial }: { initial: string }) {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const [number, setNumber] = useState(initial);
  const [asked, setAsked] = useState<string | null>(initial ? initial.trim().toUpperCase() : null);
  const detail = useGet(asked === null ? null : '/api/v1/filings/status/{number}', { params: { path: { number: asked ?? '' } } });
  const mine = useGet('/api/v1/filings');
  const err = detail.error instanceof ApiError && detail.error.status === 400 ? t('filing_status.format') : undefined;
  return (
    <>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(number.trim().toUpperCase());
        }}
      >
        <Field id="filing-number" label={t('filing_status.number')} hint={t('filing_status.number_hint')} error={err}>
          <input id="filing-number" value={number} onChange={(e) => setNumber(e.target.value)} autoComplete="off" aria-invalid={Boolean(err) || undefined} aria-describedby={describedBy('filing-number', { hint: true, error: err })} />
        </Field>
        <button type="submit" className="button">
          {t('filing_status.submit')}
        </button>
      </form>
      {detail.isLoading && asked !== null ? <Loading /> : null}
      {!err ? <ErrorAlert error={detail.error} /> : null}
      {detail.data && asked !== null ? (
        <div className="card" role="status">
          <h2>
            {detail.data.registryNumber}: {detail.data.subject}
          </h2>
          <p>{t('filing_status.now', { status: t(`filing_status.s_${detail.data.status}`) })}</p>
          <ol>
            {detail.data.history.map((h, i) => (
              <li key={i}>
                {formatDateTime(h.at, lang, timeZone)} — {t(`filing_status.s_${h.status}`)}
                {h.note ? `: ${h.note}` : ''}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      <h2>{t('filing_status.mine')}</h2>
      {mine.isLoading ? <Loading /> : null}
      <ErrorAlert error={mine.error} />
      {mine.data ? <FilingTable filings={mine.data.filings} /> : null}
    </>
  );
}

export function FilingTable({ filings }: { filings: FilingSummary[] }) {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  if (!filings.length) return <p>{t('filing_status.none')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('filing_status.mine')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('filing_status.number')}</th>
            <th scope="col">{t('filing.subject')}</th>
            <th scope="col">{t('filing_status.date')}</th>
            <th scope="col">{t('filing_status.state')}</th>
            <th scope="col">{t('filing_status.receipt')}</th>
          </tr>
        </thead>
        <tbody>
          {filings.map((f) => (
            <tr key={f.id}>
              <td>{f.registryNumber}</td>
              <td>{f.subject}</td>
              <td>{formatDateTime(f.createdAt, lang, timeZone)}</td>
              <td>{t(`filing_status.s_${f.status}`)}</td>
              <td>
                <a href={resolveUrl(`/api/v1/filings/${encodeURIComponent(f.id)}/receipt`)} download aria-label={t('filing_status.receipt_for', { number: f.registryNumber })}>
                  {t('filing_status.receipt')}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
