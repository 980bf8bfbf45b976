/**
 * Refund cases (HIGH-1): money a card gateway took that no receipt kept (paid twice, wrong amount, a late or unknown
 * order). The gateway sends most back by itself; what it could not (or a council with refunds by hand) waits here,
 * and an admin marks it "refunded" or "refunded by hand". Admins only; every action is audited on the server.
 */
import { useTranslation } from 'react-i18next';
import type { ApiBody, ApiResponse } from '../../../shared/api/contract.ts';
import { client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { formatDateTime, formatMoney } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { ActionListPage, useRowAction } from './action-list.tsx';
import { useHeadingFocus } from './staff-hooks.ts';

type RefundCase = ApiResponse<'/api/v1/staff/refunds'>['items'][number];
type Action = ApiBody<'/api/v1/staff/refunds/{id}/resolve'>['action'];

export function RefundsPage() {
  const { t } = useTranslation('staff');
  const { lang, timeZone } = useApp();
  usePageTitle(t('refunds.title'));
  const heading = useHeadingFocus();
  const list = useGet('/api/v1/staff/refunds');
  const action = useRowAction(list.reload);
  const busyId = action.busyKey;
  const items = list.data?.items ?? [];

  const describe = (c: RefundCase): string => t('refunds.case', { order: c.orderId, amount: formatMoney(c.amountCents, lang) });
  // An automatic refund still pending is being sent by the server: a person acting now could refund it twice.
  const canAct = (c: RefundCase): boolean => c.status === 'failed' || (c.status === 'pending' && c.mode === 'manual');

  const resolve = (c: RefundCase, how: Action) =>
    action.run(
      c.id,
      () => ok(client.POST('/api/v1/staff/refunds/{id}/resolve', { params: { path: { id: c.id } }, body: { action: how } })),
      t(`refunds.done.${how}`, { what: describe(c) }),
    );

  return (
    <ActionListPage
      id="refunds-title"
      title={t('refunds.title')}
      intro={t('refunds.intro')}
      heading={heading}
      list={list}
      count={items.length}
      action={action}
      empty={t('refunds.empty')}
    >
      <table>
        <caption>{t('refunds.table', { count: items.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('refunds.order')}</th>
            <th scope="col">{t('refunds.citizen')}</th>
            <th scope="col">{t('refunds.amount')}</th>
            <th scope="col">{t('refunds.reason_col')}</th>
            <th scope="col">{t('refunds.status_col')}</th>
            <th scope="col">{t('refunds.answer')}</th>
            <th scope="col">{t('refunds.opened')}</th>
            <th scope="col">{t('refunds.action')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                {c.orderId}
                {c.reference ? (
                  <>
                    <br />
                    {c.reference}
                  </>
                ) : null}
              </th>
              <td>{c.dni ?? t('refunds.unknown_citizen')}</td>
              <td>{formatMoney(c.amountCents, lang)}</td>
              <td>{t(`refunds.reason.${c.reason}`)}</td>
              <td>{t(`refunds.status.${c.status}`)}</td>
              <td>{c.gatewayResponse ?? c.lastError ?? '—'}</td>
              <td>{formatDateTime(c.createdAt, lang, timeZone)}</td>
              <td>
                {canAct(c) ? (
                  <>
                    <button
                      type="button"
                      className="button"
                      disabled={busyId === c.id}
                      aria-label={t('refunds.mark_refunded_label', { what: describe(c) })}
                      onClick={() => void resolve(c, 'refunded')}
                    >
                      {t('refunds.mark_refunded')}
                    </button>{' '}
                    <button
                      type="button"
                      className="button button--secondary"
                      disabled={busyId === c.id}
                      aria-label={t('refunds.mark_by_hand_label', { what: describe(c) })}
                      onClick={() => void resolve(c, 'refund_by_hand')}
                    >
                      {t('refunds.mark_by_hand')}
                    </button>
                  </>
                ) : (
                  t(c.status === 'pending' ? 'refunds.sending' : 'refunds.closed')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ActionListPage>
  );
}
