import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/languages.ts';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { client, ok } from '../../api.ts';
import { ErrorAlert } from '../../components/form-bits.tsx';
import { useGet } from '../../use-api.ts';

type Texts = Partial<Record<Language, string>>;
type Faq = ApiResponse<'/api/v1/knowledge/faqs'>['faqs'][number];

const LANGUAGE_NAMES: Record<Language, string> = { es: 'Español', ca: 'Valencià', en: 'English' };
const EMPTY = { question: {} as Texts, answer: {} as Texts, url: '' };

/** FAQ entries in each of the council's languages; they outrank crawled pages in answers. */
export function FaqEditor({ languages }: { languages: Language[] }) {
  const { t } = useTranslation('staff');
  const faqs = useGet('/api/v1/knowledge/faqs');
  const [editingId, setEditingId] = useState<number | null>(null);
  const [draft, setDraft] = useState(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');

  const startEdit = (faq: Faq) => {
    setEditingId(faq.id);
    setDraft({ question: faq.question, answer: faq.answer, url: faq.url ?? '' });
    setStatus('');
  };
  const reset = () => {
    setEditingId(null);
    setDraft(EMPTY);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    // Only the languages written are sent: empty strings are not answers.
    const pick = (x: Texts) => Object.fromEntries(Object.entries(x).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
    const body = { question: pick(draft.question), answer: pick(draft.answer), url: draft.url.trim() === '' ? null : draft.url.trim() };
    try {
      if (editingId === null) await ok(client.POST('/api/v1/knowledge/faqs', { body }));
      else await ok(client.PUT('/api/v1/knowledge/faqs/{id}', { params: { path: { id: editingId } }, body }));
      setStatus(t('faq.saved'));
      reset();
      faqs.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (faq: Faq) => {
    setError(null);
    try {
      await ok(client.DELETE('/api/v1/knowledge/faqs/{id}', { params: { path: { id: faq.id } } }));
      setStatus(t('faq.deleted'));
      if (editingId === faq.id) reset();
      faqs.reload();
    } catch (err) {
      setError(err);
    }
  };
  const first = languages[0] ?? 'es';
  return (
    <div>
      <ErrorAlert error={error ?? faqs.error} />
      <p role="status">{status}</p>
      <ul className="item-list">
        {faqs.data?.faqs.map((f) => (
          <li key={f.id} className="card">
            <p>
              <strong>{f.question[first] ?? Object.values(f.question)[0] ?? ''}</strong>
            </p>
            <p>{f.answer[first] ?? Object.values(f.answer)[0] ?? ''}</p>
            <button type="button" className="button button--secondary" onClick={() => startEdit(f)}>
              {t('faq.edit', { question: f.question[first] ?? '' })}
            </button>{' '}
            <button type="button" className="button button--secondary" onClick={() => void remove(f)}>
              {t('faq.delete', { question: f.question[first] ?? '' })}
            </button>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={(e) => void save(e)} aria-labelledby="faq-form-title">
        <h3 id="faq-form-title">{editingId === null ? t('faq.new') : t('faq.editing')}</h3>
        {languages.map((l) => (
          <fieldset key={l} lang={l}>
            <legend>{LANGUAGE_NAMES[l]}</legend>
            <label htmlFor={`faq-q-${l}`}>{t('faq.question')}</label>
            <input
              id={`faq-q-${l}`}
              value={draft.question[l] ?? ''}
              required={l === first}
              onChange={(e) => setDraft({ ...draft, question: { ...draft.question, [l]: e.target.value } })}
            />
            <label htmlFor={`faq-a-${l}`}>{t('faq.answer')}</label>
            <textarea
              id={`faq-a-${l}`}
              rows={3}
              value={draft.answer[l] ?? ''}
              required={l === first}
              onChange={(e) => setDraft({ ...draft, answer: { ...draft.answer, [l]: e.target.value } })}
            />
          </fieldset>
        ))}
        <label htmlFor="faq-url">{t('faq.url')}</label>
        <input id="faq-url" type="url" value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} />
        <button type="submit" className="button">
          {t('faq.save')}
        </button>
        {editingId !== null ? (
          <button type="button" className="button button--secondary" onClick={reset}>
            {t('faq.cancel')}
          </button>
        ) : null}
      </form>
    </div>
  );
}
