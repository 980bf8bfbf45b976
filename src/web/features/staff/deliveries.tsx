/**
 * Deliveries a council's own registry, calendar or tax system refused for good (connectors: rest): what was refused,
 * the answer it gave, and "Send again" once the cause is fixed. Admins only; the same operations as `ventanilla exports`.
 */
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { formatDateTime, formatMoney } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { ActionListPage, useRowAction } from './action-list.tsx';
import { useHeadingFocus } from './staff-hooks.ts';

type FailedExport = ApiResponse<'/api/v1/staff/exports/failed'>['items'][number];

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function DeliveriesPage() {
  const { t } = useTranslation('staff');
  const { lang, timeZone } = useApp();
  usePageTitle(t('deliveries.title'));
  const heading = useHeadingFocus();
  const list = useGet('/api/v1/staff/exports/failed');
  const action = useRowAction(list.reload);
  const busyKey = action.busyKey;
  const items = list.data?.items ?? [];

  // A filing by its registry number; an appointment event by its kind (the appointment id is long, shown as a code);
  // a payment by its receipt's reference and amount, as the tax system knows it.
  const describe = (e: FailedExport): string => {
    switch (e.outbox) {
      case 'filings':
        return t('deliveries.filing', { number: text(e.about.registry_number) || e.key });
      case 'appointments':
        return t('deliveries.event', { kind: t(`deliveries.kind.${text(e.about.kind) || 'booked'}`), id: text(e.about.appointment_id).slice(0, 8) });
      case 'payments':
        return t('deliveries.payment', {
          reference: text(e.about.reference) || e.key.slice(0, 8),
          amount: typeof e.about.amount_cents === 'number' ? formatMoney(e.about.amount_cents, lang) : '',
        });
    }
  };

  const retry = (e: FailedExport) =>
    action.run(
      e.key,
      () => ok(client.POST('/api/v1/staff/exports/{outbox}/{key}/retry', { params: { path: { outbox: e.outbox, key: e.key } } })),
      t('deliveries.queued', { what: describe(e) }),
    );

  return (
    <ActionListPage
      id="deliveries-title"
      title={t('deliveries.title')}
      intro={t('deliveries.intro')}
      heading={heading}
      list={list}
      count={items.length}
      action={action}
      empty={t('deliveries.empty')}
    >
      <table>
        <caption>{t('deliveries.table', { count: items.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('deliveries.what')}</th>
            <th scope="col">{t('deliveries.answer')}</th>
            <th scope="col">{t('deliveries.attempts')}</th>
            <th scope="col">{t('deliveries.queued_at')}</th>
            <th scope="col">{t('deliveries.action')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={`${e.outbox}:${e.key}`}>
              <th scope="row">{describe(e)}</th>
              <td>{e.lastError ?? '—'}</td>
              <td>{e.attempts}</td>
              <td>{formatDateTime(e.createdAt, lang, timeZone)}</td>
              <td>
                <button
                  type="button"
                  className="button"
                  disabled={busyKey === e.key}
                  aria-label={t('deliveries.retry_label', { what: describe(e) })}
                  onClick={() => void retry(e)}
                >
                  {t('deliveries.retry')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ActionListPage>
  );
}
