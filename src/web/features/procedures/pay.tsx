import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDate, formatDateTime, formatMoney } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { RequireCitizen } from '../account/signin.tsx';
import { DocumentActions } from '../chat/card-view.tsx';
import { paymentOutcome, type Payment } from './pay-outcome.ts';

/** What the citizen owes, one receipt, liquidation or fine. */
export type Debt = ApiResponse<'/api/v1/payments/pending'>['items'][number];
type Started = ApiResponse<'/api/v1/payments', 'post'>;

/** The gateway is another site: a real form post, as the gateway expects (no script on its side). */
function goToGateway(form: Started['redirectForm']): void {
  const el = document.createElement('form');
  el.method = form.method;
  el.action = form.url;
  for (const [name, value] of Object.entries(form.fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    el.append(input);
  }
  document.body.append(el);
  el.submit();
}

export function PayPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('pay.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('pay.title')}</h1>
      <p className="lead">{t('pay.intro')}</p>
      <RequireCitizen>
        <DebtList />
      </RequireCitizen>
    </section>
  );
}

export function DebtList() {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const pending = useGet('/api/v1/payments/pending', { lang });
  const [error, setError] = useState<unknown>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  if (pending.isLoading) return <Loading />;
  const items = (pending.data?.items ?? []).filter((d) => d.status === 'pending');
  const pay = async (debt: Debt) => {
    setBusyId(debt.id);
    setError(null);
    try {
      const started = await ok(client.POST('/api/v1/payments', { body: { debtId: debt.id } }));
      goToGateway(started.redirectForm);
    } catch (err) {
      setError(err);
      setBusyId(null);
    }
  };
  return (
    <>
      <ErrorAlert error={error ?? pending.error} />
      {items.length === 0 && !pending.error ? <p className="notice">{t('pay.nothing')}</p> : null}
      {pending.data && items.length ? <p>{t('pay.total', { amount: formatMoney(pending.data.totalDueCents, lang) })}</p> : null}
      <ul className="item-list">
        {items.map((d) => {
          const headingId = `debt-${d.id}`;
          return (
            <li key={d.id} className="card">
              <h3 id={headingId}>
                {d.taxName} · {d.reference}
              </h3>
              <p>{d.concept}</p>
              <p className="amount">
                {formatMoney(d.amountDueCents, lang)}
                {d.amountDueCents < d.amountCents ? <> {t('pay.reduced', { percent: d.reductionPercent, full: formatMoney(d.amountCents, lang) })}</> : null}
              </p>
              <p>{t('pay.until', { date: formatDate(d.voluntaryEnd, lang, timeZone) })}</p>
              <button type="button" className="button" disabled={busyId !== null} onClick={() => void pay(d)} aria-describedby={headingId}>
                {t('pay.pay_amount', { amount: formatMoney(d.amountDueCents, lang) })}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** The sentence for a payment's outcome, with any amount in the page's language. */
function useOutcomeText(): (p: Payment) => string {
  const { t } = useTranslation('web');
  const { lang } = useApp();
  return (p) => {
    const { key, amountCents } = paymentOutcome(p);
    return t(key, amountCents === undefined ? {} : { amount: formatMoney(amountCents, lang) });
  };
}

/** Where the gateway sends the citizen back: the payment's state as the server knows it. */
export function PaymentResultPage({ id }: { id: string }) {
  const { t } = useTranslation('web');
  const { lang } = useApp();
  usePageTitle(t('pay.result_title'));
  const payment = useGet('/api/v1/payments/{id}', { params: { path: { id } } });
  const outcome = useOutcomeText();
  const p = payment.data;
  const receipt = `/api/v1/payments/${encodeURIComponent(id)}/receipt`;
  // Charged but not applied: the money goes back, which is news, not an error the citizen made.
  const isRefund = p !== undefined && p !== null && p.status !== 'paid' && paymentOutcome(p).isCharged;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('pay.result_title')}</h1>
      <RequireCitizen>
        {payment.isLoading ? <Loading /> : null}
        <ErrorAlert error={payment.error} />
        {p?.status === 'paid' ? (
          <div className="alert alert--success" role="status">
            <p>{t('pay.paid', { amount: formatMoney(p.amountCents, lang) })}</p>
            <DocumentActions url={receipt} downloadLabel={t('doc.download_receipt')} printLabel={t('doc.print')} />
          </div>
        ) : null}
        {p && isRefund ? (
          <div className="notice" role="status">
            <p>{outcome(p)}</p>
          </div>
        ) : null}
        {p && p.status !== 'paid' && !isRefund ? (
          <div className="alert alert--error" role="alert">
            <p>{outcome(p)}</p>
            {p.status === 'created' ? (
              <button type="button" className="button button--secondary" onClick={payment.reload}>
                {t('pay.check_again')}
              </button>
            ) : null}
          </div>
        ) : null}
      </RequireCitizen>
    </section>
  );
}

/** The citizen's card payments, newest first, each with what happened to the money (my area). */
export function PaymentHistory() {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const list = useGet('/api/v1/payments');
  const outcome = useOutcomeText();
  if (list.isLoading) return <Loading />;
  if (list.error) return <ErrorAlert error={list.error} />;
  const items = list.data?.payments ?? [];
  return (
    <>
      <h3>{t('pay.history_title')}</h3>
      {items.length === 0 ? (
        <p>{t('pay.history_empty')}</p>
      ) : (
        // One card per payment, like the receipts above: a three-column table did not fit a phone (390 px).
        <ul className="item-list" aria-label={t('pay.history_caption')}>
          {items.map((p) => (
            <li key={p.id} className="card">
              <h4>{p.reference ?? p.orderId}</h4>
              <p>
                {formatDateTime(p.createdAt, lang, timeZone)} · <strong>{formatMoney(p.amountCents, lang)}</strong>
              </p>
              <p>
                {t('pay.col_status')}: {t(`pay.status.${p.status}`)}
                {p.refund || p.status === 'rejected' || p.status === 'expired' ? (
                  <>
                    <br />
                    {outcome(p)}
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
