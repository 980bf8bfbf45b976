/** Mentored learning, knowledge and settings pages of the staff console. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { useApi } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { FaqEditor } from './faq-editor.tsx';
import { useHeadingFocus } from './staff-app.tsx';

interface ReviewItem {
  id: number;
  text: string;
  language: string | null;
  intent: string | null;
  confidence: number | null;
  isMisunderstood: boolean;
}
interface Evaluation {
  accuracy?: number;
  macroF1?: number;
  [k: string]: unknown;
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—';
}

export function LearningPage() {
  const { t } = useTranslation('staff');
  usePageTitle(t('learning.title'));
  const heading = useHeadingFocus();
  const queue = useApi<{ items: ReviewItem[] }>('/api/v1/nlu/review');
  const intents = useApi<{ intents: string[] }>('/api/v1/nlu/intents');
  const [choice, setChoice] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [phrase, setPhrase] = useState({ text: '', intent: '', lang: 'es' });
  const [compare, setCompare] = useState<{ before: Evaluation; after: Evaluation } | null>(null);
  const names = intents.data?.intents ?? [];
  const label = async (id: number) => {
    const intent = choice[id];
    if (!intent) return;
    try {
      await api(`/api/v1/nlu/review/${id}/label`, { body: { intent } });
      setStatus(t('learning.labelled'));
      queue.reload();
    } catch (err) {
      setError(err);
    }
  };
  const addPhrase = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('/api/v1/nlu/phrases', { body: phrase });
      setStatus(t('learning.phrase_added'));
      setPhrase({ ...phrase, text: '' });
    } catch (err) {
      setError(err);
    }
  };
  const retrain = async () => {
    setStatus(t('learning.training'));
    try {
      const res = await api<{ before: Evaluation; after: Evaluation }>('/api/v1/nlu/retrain', { method: 'POST' });
      setCompare(res);
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
        <select id="ph-lang" value={phrase.lang} onChange={(e) => setPhrase({ ...phrase, lang: e.target.value })}>
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

interface Answer {
  answer: string;
  sources: { url: string; title: string }[];
}

export function KnowledgePage() {
  const { t } = useTranslation('staff');
  const { lang, boot } = useApp();
  usePageTitle(t('knowledge.title'));
  const heading = useHeadingFocus();
  const sites = useApi<{ sites?: { id: string; url: string; status?: string; lastRunAt?: string | null; errors?: number }[] }>(
    '/api/v1/knowledge/sites',
  );
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setAnswer(await api<Answer>('/api/v1/ask', { body: { question, lang } }));
    } catch (err) {
      setError(err);
    }
  };
  const recrawl = async (id: string) => {
    try {
      await api(`/api/v1/knowledge/sites/${encodeURIComponent(id)}/recrawl`, { method: 'POST' });
      sites.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="knowledge-title">
      <h1 id="knowledge-title" tabIndex={-1} ref={heading}>
        {t('knowledge.title')}
      </h1>
      <ErrorAlert error={error} />
      <h2>{t('knowledge.sites')}</h2>
      <ErrorAlert error={sites.error} />
      <ul className="item-list">
        {sites.data?.sites?.map((s) => (
          <li key={s.id} className="card">
            <p>
              {s.url} · {s.status ?? ''} · {t('knowledge.errors', { count: s.errors ?? 0 })}
            </p>
            <button type="button" className="button button--secondary" onClick={() => void recrawl(s.id)}>
              {t('knowledge.recrawl', { site: s.url })}
            </button>
          </li>
        ))}
      </ul>
      <h2>{t('faq.title')}</h2>
      <FaqEditor languages={boot.tenant?.languages ?? ['es', 'ca', 'en']} />
      <h2>{t('knowledge.try')}</h2>
      <form className="form" onSubmit={(e) => void ask(e)}>
        <label htmlFor="kn-q">{t('knowledge.question')}</label>
        <input id="kn-q" value={question} onChange={(e) => setQuestion(e.target.value)} required />
        <button type="submit" className="button">
          {t('knowledge.ask')}
        </button>
      </form>
      {answer ? (
        <div className="card" aria-live="polite">
          <p>{answer.answer}</p>
          <h3>{t('knowledge.sources')}</h3>
          <ul>
            {answer.sources.map((s) => (
              <li key={s.url}>
                <a href={s.url}>{s.title}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

export function SettingsPage() {
  const { t } = useTranslation('staff');
  const { boot, lang, timeZone } = useApp();
  usePageTitle(t('settings.title'));
  const heading = useHeadingFocus();
  const retention = useApi<{ transcriptDays: number }>('/api/v1/privacy/retention');
  const tenant = boot.tenant;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1} ref={heading}>
        {t('settings.title')}
      </h1>
      <p>{t('settings.read_only')}</p>
      <dl className="totals">
        <div>
          <dt>{t('settings.council')}</dt>
          <dd>{tenant ? (tenant.names[lang] ?? tenant.id) : '—'}</dd>
        </div>
        <div>
          <dt>{t('settings.languages')}</dt>
          <dd>{tenant?.languages.join(', ') ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('settings.time_zone')}</dt>
          <dd>{timeZone}</dd>
        </div>
        <div>
          <dt>{t('settings.retention')}</dt>
          <dd>{retention.data ? t('settings.days', { count: retention.data.transcriptDays }) : t('settings.admin_only')}</dd>
        </div>
      </dl>
    </section>
  );
}
