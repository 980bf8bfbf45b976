/** Mentored learning: the turns the assistant did not understand, phrases to teach it, and a retrain that compares. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../../shared/languages.ts';
import { client, ok } from '../../api.ts';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { useHeadingFocus } from './staff-hooks.ts';

/**
 * The figures read from a model evaluation. Hand-typed: POST /api/v1/nlu/retrain documents `before` and `after`
 * without a schema (unknown in the contract).
 */
interface Evaluation {
  accuracy?: number;
  macroF1?: number;
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—';
}

export function LearningPage() {
  const { t } = useTranslation('staff');
  usePageTitle(t('learning.title'));
  const heading = useHeadingFocus();
  const queue = useGet('/api/v1/nlu/review');
  const intents = useGet('/api/v1/nlu/intents');
  const [choice, setChoice] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [phrase, setPhrase] = useState<{ text: string; intent: string; lang: Language }>({ text: '', intent: '', lang: 'es' });
  const [compare, setCompare] = useState<{ before: Evaluation; after: Evaluation } | null>(null);
  const names = intents.data?.intents ?? [];
  const label = async (id: number) => {
    const intent = choice[id];
    if (!intent) return;
    try {
      await ok(client.POST('/api/v1/nlu/review/{turnId}/label', { params: { path: { turnId: id } }, body: { intent } }));
      setStatus(t('learning.labelled'));
      queue.reload();
    } catch (err) {
      setError(err);
    }
  };
  const addPhrase = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await ok(client.POST('/api/v1/nlu/phrases', { body: phrase }));
      setStatus(t('learning.phrase_added'));
      setPhrase({ ...phrase, text: '' });
    } catch (err) {
      setError(err);
    }
  };
  const retrain = async () => {
    setStatus(t('learning.training'));
    try {
      const res = await ok(client.POST('/api/v1/nlu/retrain'));
      setCompare({ before: res.before as Evaluation, after: res.after as Evaluation });
      setStatus(t('learning.trained'));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="learning-title">
      <h1 id="learning-title" tabIndex={-1} ref={heading}>
        {t('learning.title')}
      </h1>
      <ErrorAlert error={error ?? queue.error} />
      <p role="status">{status}</p>
      <h2>{t('learning.queue')}</h2>
      {queue.isLoading ? <Loading /> : null}
      {queue.data && queue.data.items.length === 0 ? <p>{t('learning.empty')}</p> : null}
      <ul className="item-list">
        {queue.data?.items.map((item) => (
          <li key={item.id} className="card">
            <p>
              «{item.text}» · {item.language ?? '?'} · {item.intent ?? '—'} ({pct(item.confidence)})
              {item.isMisunderstood ? ` · ${t('learning.misunderstood')}` : ''}
            </p>
            <label htmlFor={`relabel-${item.id}`}>{t('learning.right_intent')}</label>{' '}
            <select
              id={`relabel-${item.id}`}
              value={choice[item.id] ?? ''}
              onChange={(e) => setChoice({ ...choice, [item.id]: e.target.value })}
            >
              <option value="">{t('learning.choose')}</option>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>{' '}
            <button type="button" className="button" onClick={() => void label(item.id)}>
              {t('learning.relabel')}
            </button>
          </li>
        ))}
      </ul>
      <h2>{t('learning.add_phrase')}</h2>
      <form className="form" onSubmit={(e) => void addPhrase(e)}>
        <label htmlFor="ph-text">{t('learning.phrase')}</label>
        <input id="ph-text" value={phrase.text} onChange={(e) => setPhrase({ ...phrase, text: e.target.value })} required />
        <label htmlFor="ph-intent">{t('learning.intent')}</label>
        <select id="ph-intent" value={phrase.intent} onChange={(e) => setPhrase({ ...phrase, intent: e.target.value })} required>
          <option value="">{t('learning.choose')}</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <label htmlFor="ph-lang">{t('learning.language')}</label>
        <select id="ph-lang" value={phrase.lang} onChange={(e) => setPhrase({ ...phrase, lang: isLanguage(e.target.value) ? e.target.value : 'es' })}>
          <option value="es">Español</option>
          <option value="ca">Valencià</option>
          <option value="en">English</option>
        </select>
        <button type="submit" className="button">
          {t('learning.add')}
        </button>
      </form>
      <h2>{t('learning.retrain_title')}</h2>
      <p>{t('learning.retrain_help')}</p>
      <button type="button" className="button" onClick={() => void retrain()}>
        {t('learning.retrain')}
      </button>
      {compare ? (
        <table>
          <caption>{t('learning.compare')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('learning.metric')}</th>
              <th scope="col">{t('learning.before')}</th>
              <th scope="col">{t('learning.after')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('learning.accuracy')}</th>
              <td>{pct(compare.before.accuracy)}</td>
              <td>{pct(compare.after.accuracy)}</td>
            </tr>
            <tr>
              <th scope="row">{t('learning.macro_f1')}</th>
              <td>{pct(compare.before.macroF1)}</td>
              <td>{pct(compare.after.macroF1)}</td>
            </tr>
          </tbody>
        </table>
      ) : null}
      <p>{t('learning.publish_note')}</p>
    </section>
  );
}
