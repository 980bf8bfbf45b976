import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert } from '../../components/form-bits.tsx';
import { usePageTitle } from '../../use-page-title.ts';
import { RequireCitizen } from '../account/signin.tsx';
import { DocumentActions, resolveUrl } from '../chat/card-view.tsx';

type Issued = ApiResponse<'/api/v1/certificates/padron', 'post'>;

export function PadronPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('padron.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('padron.title')}</h1>
      <p className="lead">{t('padron.intro')}</p>
      <RequireCitizen>
        <PadronForm />
      </RequireCitizen>
    </section>
  );
}

function PadronForm() {
  const { t } = useTranslation('web');
  const { lang } = useApp();
  const [kind, setKind] = useState<'individual' | 'collective'>('individual');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);
  const [issued, setIssued] = useState<Issued | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setIssued(await ok(client.POST('/api/v1/certificates/padron', { body: { kind, language: lang } })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (issued) return <IssuedView issued={issued} />;
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <ErrorAlert error={error} />
      <fieldset>
        <legend>{t('padron.kind')}</legend>
        <label className="choice">
          <input type="radio" name="kind" value="individual" checked={kind === 'individual'} onChange={() => setKind('individual')} />
          <span>
            <strong>{t('padron.individual')}</strong>
            <br />
            {t('padron.individual_hint')}
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="kind" value="collective" checked={kind === 'collective'} onChange={() => setKind('collective')} />
          <span>
            <strong>{t('padron.collective')}</strong>
            <br />
            {t('padron.collective_hint')}
          </span>
        </label>
      </fieldset>
      <button type="submit" className="button" disabled={isBusy}>
        {isBusy ? t('padron.issuing') : t('padron.submit')}
      </button>
    </form>
  );
}

function IssuedView({ issued }: { issued: Issued }) {
  const { t } = useTranslation('web');
  return (
    <div className="alert alert--success" role="status">
      <h2>{t('padron.done')}</h2>
      <p>{t('padron.code', { code: issued.displayCode })}</p>
      <DocumentActions url={issued.url} downloadLabel={t('doc.download')} printLabel={t('doc.print')}>
        <a className="button button--ghost" href={resolveUrl(issued.verifyUrl)}>
          {t('doc.verify')}
        </a>
      </DocumentActions>
    </div>
  );
}
