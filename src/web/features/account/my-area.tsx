import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError, client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { resolveUrl } from '../chat/card-view.tsx';
import type { Appointment } from '../procedures/appointment.tsx';
import { SlotPicker } from '../procedures/slot-picker.tsx';
import { FilingTable } from '../procedures/filing.tsx';
import { DebtList, PaymentHistory } from '../procedures/pay.tsx';
import { PaymentReminders } from './payment-reminders.tsx';
import { RequireCitizen } from './signin.tsx';

export function MyAreaPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('my.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('my.title')}</h1>
      <RequireCitizen>
        <MyArea />
      </RequireCitizen>
    </section>
  );
}

function MyArea() {
  const { t } = useTranslation('web');
  const { me, signOut } = useSession();
  return (
    <>
      {me?.kind === 'citizen' ? (
        <p className="lead">
          {t('my.hello', { name: me.givenName })}{' '}
          <button type="button" className="button button--ghost" onClick={() => void signOut()}>
            {t('my.signout')}
          </button>
        </p>
      ) : null}
      <nav aria-label={t('my.procedures')}>
        <ul className="card-list">
          <li className="card"><Link href="/procedures/padron">{t('procedures.certificate_padron')}</Link></li>
          <li className="card"><Link href="/procedures/appointment">{t('procedures.appointment_book')}</Link></li>
          <li className="card"><Link href="/procedures/pay">{t('procedures.tax_pay')}</Link></li>
          <li className="card"><Link href="/procedures/filing">{t('procedures.filing_generic')}</Link></li>
          <li className="card"><Link href="/procedures/filing-status">{t('procedures.filing_status')}</Link></li>
        </ul>
      </nav>
      <h2>{t('my.certificates')}</h2>
      <Certificates />
      <h2>{t('my.appointments')}</h2>
      <Appointments />
      <h2>{t('my.receipts')}</h2>
      <DebtList />
      <PaymentHistory />
      <PaymentReminders />
      <h2>{t('my.filings')}</h2>
      <Filings />
    </>
  );
}

function Certificates() {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const list = useGet('/api/v1/certificates/padron');
  if (list.isLoading) return <Loading />;
  if (list.error) return <ErrorAlert error={list.error} />;
  const items = list.data?.certificates ?? [];
  if (!items.length) return <p>{t('my.no_certificates')}</p>;
  return (
    <ul className="item-list">
      {items.map((c) => (
        <li key={c.code}>
          {t(c.kind === 'collective' ? 'padron.collective' : 'padron.individual')} · {formatDateTime(c.issuedAt, lang, timeZone)} ·{' '}
          <a href={resolveUrl(`/api/v1/certificates/padron/${encodeURIComponent(c.code)}/pdf`)} download>
            {t('doc.download')}
          </a>
        </li>
      ))}
    </ul>
  );
}

function Appointments() {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const list = useGet('/api/v1/appointments', { lang });
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const [moving, setMoving] = useState<Appointment | null>(null);
  if (list.isLoading) return <Loading />;
  const items = (list.data?.appointments ?? []).filter((a) => a.status === 'booked');
  const cancel = async (a: Appointment) => {
    if (!window.confirm(t('my.cancel_confirm', { when: formatDateTime(a.startsAt, lang, timeZone) }))) return;
    setError(null);
    try {
      await ok(client.POST('/api/v1/appointments/{id}/cancel', { params: { path: { id: a.id } } }));
      setMessage(t('my.cancelled'));
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <ErrorAlert error={error ?? list.error} />
      <p role="status">{message}</p>
      {items.length ? (
        <ul className="item-list">
          {items.map((a) => (
            <li key={a.id} className="card">
              <strong>{a.serviceName}</strong> — {formatDateTime(a.startsAt, lang, timeZone)}
              <br />
              {a.officeName}, {a.officeAddress} ({t('my.code', { code: a.code })})
              <br />
              <button type="button" className="button button--secondary" onClick={() => void cancel(a)}>
                {t('my.cancel')}
              </button>{' '}
              <button type="button" className="button button--secondary" aria-expanded={moving?.id === a.id} onClick={() => setMoving(moving?.id === a.id ? null : a)}>
                {t('my.reschedule')}
              </button>
              {moving?.id === a.id ? (
                <RescheduleForm
                  appointment={a}
                  onDone={() => {
                    setMoving(null);
                    setMessage(t('my.rescheduled'));
                    list.reload();
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>
          {t('my.no_appointments')} <Link href="/procedures/appointment">{t('procedures.appointment_book')}</Link>
        </p>
      )}
    </>
  );
}

/** Moves an appointment to another free slot of the same service and office; the old one is kept until the new one is taken. */
function RescheduleForm({ appointment, onDone }: { appointment: Appointment; onDone: () => void }) {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const availability = useGet('/api/v1/appointments/availability', {
    params: { query: { serviceId: appointment.serviceId, officeId: appointment.officeId, days: 14 } },
  });
  const [startsAt, setStartsAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!startsAt) {
      setError(new ApiError(400, 'web.pick_slot', t('appointment.pick_slot')));
      return;
    }
    try {
      await ok(client.POST('/api/v1/appointments/{id}/reschedule', { params: { path: { id: appointment.id } }, body: { startsAt } }));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  if (availability.isLoading) return <Loading />;
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <ErrorAlert error={error ?? availability.error} />
      {availability.data ? (
        <SlotPicker
          name={`move-${appointment.id}`}
          legend={t('my.reschedule_pick', { when: formatDateTime(appointment.startsAt, lang, timeZone) })}
          availability={availability.data}
          value={startsAt}
          onChange={setStartsAt}
          exclude={appointment.startsAt}
        />
      ) : null}
      <button type="submit" className="button">
        {t('my.reschedule_confirm')}
      </button>
    </form>
  );
}

function Filings() {
  const list = useGet('/api/v1/filings');
  if (list.isLoading) return <Loading />;
  if (list.error) return <ErrorAlert error={list.error} />;
  return <FilingTable filings={list.data?.filings ?? []} />;
}
