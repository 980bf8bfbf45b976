import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import type { Language } from '../../../shared/languages.ts';
import { formatEuros, formatNumber } from './obs-api.ts';
import type { HistoryEntry } from './obs-types.ts';

/** Longer values (descriptions, contact lists) are not repeated in the history: it says "changed". */
const SHORT = 80;
const ACTIONS = ['create', 'update', 'submit', 'publish', 'reject', 'review', 'archive', 'import', 'adopt', 'add_file', 'remove_file'];
const STATUSES = ['draft', 'submitted', 'published', 'archived'];
const TRANSLATED: Record<string, string> = { phase: 'phases', type: 'types', area: 'areas' };

/** A value as a short text, or undefined when it is too long (or too structured) to show in a table cell. */
function shortValue(field: string, v: unknown, lang: Language, t: TFunction): string | undefined {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') return field.endsWith('_cents') || field.endsWith('_cents_per_year') ? formatEuros(v, lang) : formatNumber(v, lang, 4);
  if (typeof v === 'boolean') return t(v ? 'history.yes' : 'history.no');
  if (typeof v === 'string') {
    const ns = TRANSLATED[field];
    if (ns) return t(`${ns}.${v}`);
    return v.length <= SHORT ? v : undefined;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '—';
    if (!v.every((x) => typeof x === 'string')) return undefined;
    const joined = v.join(', ');
    return joined.length <= SHORT ? joined : undefined;
  }
  if (typeof v === 'object') {
    // Text in es/ca/en: the page's language, else whichever exists.
    const text = v as Record<string, unknown>;
    const keys = Object.keys(text);
    if (keys.length === 0) return '—';
    if (!keys.every((k) => k === 'es' || k === 'ca' || k === 'en')) return undefined;
    const picked = text[lang] ?? text.es ?? text.ca ?? text.en;
    return typeof picked === 'string' && picked.length <= SHORT ? `“${picked}”` : undefined;
  }
  return undefined;
}

function fieldLabel(field: string, t: TFunction): string {
  return t(`history.fields.${field}`, { defaultValue: field.replace(/_/g, ' ') });
}

function Changes({ entry }: { entry: HistoryEntry }) {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  const fields = Object.entries(entry.changes);
  if (fields.length === 0) return entry.comment ? <p className="obs-history__comment">{t('history.comment', { comment: entry.comment })}</p> : <>—</>;
  // A new record lists what was filled in; the values are on the page itself.
  if (entry.action === 'create' || (entry.action === 'import' && fields.length > 4)) {
    return <p>{t('history.filled_in', { fields: fields.map(([k]) => fieldLabel(k, t)).join(', ') })}</p>;
  }
  return (
    <ul className="obs-history__changes">
      {fields.map(([field, { before, after, redacted }]) => {
        // Withheld values (contacts, for readers other than the owner and editors): only that they changed.
        const b = redacted ? undefined : shortValue(field, before, lang, t);
        const a = redacted ? undefined : shortValue(field, after, lang, t);
        return (
          <li key={field}>
            <span className="obs-history__field">{fieldLabel(field, t)}:</span>{' '}
            {b !== undefined && a !== undefined ? (
              <>
                {b} <span aria-hidden="true">→</span><span className="visually-hidden"> {t('history.becomes')} </span> {a}
              </>
            ) : t('history.changed')}
          </li>
        );
      })}
      {entry.comment ? <li>{t('history.comment', { comment: entry.comment })}</li> : null}
    </ul>
  );
}

/**
 * Every change to a project, newest first: when, who, what, the status change and the fields (before → after when
 * short). Shown to whoever may see the project, as the history API is.
 */
export function ProjectHistory({ projectId }: { projectId: string }) {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  const history = useGet('/api/v1/observatory/projects/{id}/history', { params: { path: { id: projectId } } });
  if (history.isLoading && !history.data) return <Loading />;
  if (!history.data) return <ErrorAlert error={history.error} />;
  const rows = [...history.data].reverse();
  if (rows.length === 0) return <p>{t('history.none')}</p>;
  return (
    <div className="obs-table-wrap" role="region" aria-labelledby="obs-history-caption" tabIndex={0}>
      <table className="obs-history">
        <caption id="obs-history-caption">{t('history.caption', { count: rows.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('history.when')}</th>
            <th scope="col">{t('history.who')}</th>
            <th scope="col">{t('history.action')}</th>
            <th scope="col">{t('history.status')}</th>
            <th scope="col">{t('history.changes')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => (
            <tr key={h.id}>
              <td><time dateTime={h.at}>{formatDateTime(h.at, lang, timeZone)}</time></td>
              <td>{h.actorName ?? t('history.system')}</td>
              <td>{t(`history.actions.${ACTIONS.includes(h.action) ? h.action : 'other'}`, { action: h.action })}</td>
              <td>
                {h.statusFrom && h.statusTo && h.statusFrom !== h.statusTo ? (
                  <>
                    {statusLabel(h.statusFrom, t)} <span aria-hidden="true">→</span><span className="visually-hidden"> {t('history.becomes')} </span> {statusLabel(h.statusTo, t)}
                  </>
                ) : h.statusTo ? statusLabel(h.statusTo, t) : '—'}
              </td>
              <td><Changes entry={h} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const statusLabel = (s: string, t: TFunction) => (STATUSES.includes(s) ? t(`statuses.${s}`) : s);
