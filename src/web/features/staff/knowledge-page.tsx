/** Knowledge: the council websites the assistant reads, the FAQ, and a box to try a question. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert } from '../../components/form-bits.tsx';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { FaqEditor } from './faq-editor.tsx';
import { useHeadingFocus } from './staff-hooks.ts';

type Answer = ApiResponse<'/api/v1/ask', 'post'>;

export function KnowledgePage() {
  const { t } = useTranslation('staff');
  const { lang, boot } = useApp();
  usePageTitle(t('knowledge.title'));
  const heading = useHeadingFocus();
  const sites = useGet('/api/v1/knowledge/sites');
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setAnswer(await ok(client.POST('/api/v1/ask', { body: { question, lang } })));
    } catch (err) {
      setError(err);
    }
  };
  const recrawl = async (id: string) => {
    try {
      // The list gives a site's id as a string, the recrawl route reads it as an integer.
      await ok(client.POST('/api/v1/knowledge/sites/{id}/recrawl', { params: { path: { id: Number(id) } } }));
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
