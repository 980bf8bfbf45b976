import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert } from '../../components/form-bits.tsx';
import { formatBytes, obsApi } from './obs-api.ts';
import type { ProjectDetail, ProjectFile } from './obs-types.ts';

/** What the server accepts (observatory PROJECT_FILE_LIMITS); checked here too so people hear it before uploading. */
const MAX_FILES = 10;
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.odt,.ods,.docx,.xlsx,application/pdf,image/jpeg,image/png,application/vnd.oasis.opendocument.text,application/vnd.oasis.opendocument.spreadsheet,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A project's documentation files as download links: name, then type and size in the page's language. */
export function FileLinks({ files }: { files: ProjectFile[] }) {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  if (files.length === 0) return null;
  return (
    <>
      <h3>{t('files.title')}</h3>
      <ul className="item-list obs-files">
        {files.map((f) => (
          <li key={f.id}>
            <a href={apiUrl(f.url)} download={f.name} type={f.mimeType}>{f.name}</a>{' '}
            <span className="obs-muted">{t('files.meta', { type: f.typeLabel, size: formatBytes(f.sizeBytes, lang) })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * The editor's documentation files: the files already on the project (each with a remove button), and an upload
 * control (labelled file input, the chosen files with remove buttons, one upload). Problems found here or by the
 * server are announced as alerts; successes in a status region.
 */
export function ProjectFilesEditor({ project, onChanged }: { project: ProjectDetail; onChanged: () => void }) {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  const input = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File[]>([]);
  const [problem, setProblem] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [isBusy, setBusy] = useState(false);
  const room = MAX_FILES - project.files.length;

  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = Array.from(e.target.files ?? []);
    // Clear the input so the same file can be chosen again after removing it from the list.
    e.target.value = '';
    setError(null);
    setStatus('');
    const tooBig = picked.find((f) => f.size > MAX_FILE_BYTES);
    if (tooBig) {
      setProblem(t('files.too_large', { name: tooBig.name, maxMb: MAX_FILE_BYTES / 1_048_576 }));
      return;
    }
    const next = [...chosen, ...picked.filter((f) => !chosen.some((c) => c.name === f.name && c.size === f.size))];
    if (next.length > room) {
      setProblem(t('files.too_many', { count: room, max: MAX_FILES }));
      return;
    }
    setProblem('');
    setChosen(next);
  };

  const unchoose = (f: File) => {
    setChosen((list) => list.filter((x) => x !== f));
    setStatus(t('files.unchosen', { name: f.name }));
    input.current?.focus();
  };

  const upload = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setStatus('');
    if (chosen.length === 0) {
      setProblem(t('files.none_chosen'));
      input.current?.focus();
      return;
    }
    setProblem('');
    const form = new FormData();
    for (const f of chosen) form.append('files', f, f.name);
    setBusy(true);
    try {
      const res = await obsApi<{ files: ProjectFile[] }>(`/api/v1/observatory/projects/${project.id}/files`, { form });
      setChosen([]);
      setStatus(t('files.uploaded', { count: res.files.length }));
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (f: ProjectFile) => {
    setError(null);
    setStatus('');
    try {
      await obsApi(`/api/v1/observatory/projects/${project.id}/files/${f.id}`, { method: 'DELETE' });
      setStatus(t('files.removed', { name: f.name }));
      onChanged();
      input.current?.focus();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="ed-files-title" className="obs-section obs-files-editor">
      <h2 id="ed-files-title">{t('files.title')}</h2>
      <p role="status" className="obs-status">{status}</p>
      <ErrorAlert error={error} />
      {problem ? <p className="alert alert--error" role="alert">{problem}</p> : null}
      {project.files.length > 0 ? (
        <ul className="item-list obs-files" aria-label={t('files.current')}>
          {project.files.map((f) => (
            <li key={f.id}>
              <a href={apiUrl(f.url)} download={f.name}>{f.name}</a>{' '}
              <span className="obs-muted">{t('files.meta', { type: f.typeLabel, size: formatBytes(f.sizeBytes, lang) })}</span>{' '}
              <button type="button" className="button button--ghost" onClick={() => void remove(f)} aria-label={t('files.remove_named', { name: f.name })}>
                {t('files.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : <p>{t('files.none')}</p>}
      <form onSubmit={(e) => void upload(e)} className="form" noValidate>
        <div className="field">
          <label htmlFor="ed-files">{t('files.choose')}</label>
          <p className="field__hint" id="ed-files-hint">{t('files.hint', { max: MAX_FILES, maxMb: MAX_FILE_BYTES / 1_048_576 })}</p>
          <input ref={input} id="ed-files" type="file" multiple accept={ACCEPT} onChange={choose} aria-describedby="ed-files-hint" disabled={room <= 0} />
        </div>
        {chosen.length > 0 ? (
          <>
            <h3 id="ed-chosen-title">{t('files.chosen', { count: chosen.length })}</h3>
            <ul className="item-list" aria-labelledby="ed-chosen-title">
              {chosen.map((f) => (
                <li key={`${f.name}-${f.size}`}>
                  {f.name} <span className="obs-muted">({formatBytes(f.size, lang)})</span>{' '}
                  <button type="button" className="button button--ghost" onClick={() => unchoose(f)} aria-label={t('files.unchoose_named', { name: f.name })}>
                    {t('files.remove')}
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <button type="submit" className="button" disabled={isBusy || room <= 0}>{t('files.upload')}</button>
      </form>
    </section>
  );
}
