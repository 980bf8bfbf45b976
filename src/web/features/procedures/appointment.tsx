import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { ApiError, client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Field, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { RequireCitizen } from '../account/signin.tsx';
import { SlotPicker } from './slot-picker.tsx';

/** A citizen's appointment, as the server answers a booking or lists them. */
export type Appointment = ApiResponse<'/api/v1/appointments', 'post'>;

export function AppointmentPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('appointment.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('appointment.title')}</h1>
      <p className="lead">{t('appointment.intro')}</p>
      <RequireCitizen>
        <AppointmentForm />
      </RequireCitizen>
    </section>
  );
}

function AppointmentForm() {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const services = useGet('/api/v1/appointments/services', { lang });
  const [serviceId, setServiceId] = useState('');
  const [officeId, setOfficeId] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const [isBusy, setBusy] = useState(false);
  const service = services.data?.services.find((s) => s.id === serviceId);
  const hasSlots = Boolean(serviceId && officeId);
  const availability = useGet(hasSlots ? '/api/v1/appointments/availability' : null, { params: { query: { serviceId, officeId, days: 14 } } });
  useEffect(() => {
    const first = service?.offices[0];
    setOfficeId(service?.offices.length === 1 && first ? first.id : '');
    setStartsAt('');
  }, [service]);

  if (services.isLoading) return <Loading />;
  if (booked) {
    return (
      <div className="alert alert--success" role="status">
        <h2>{t('appointment.done')}</h2>
        <p>{t('appointment.done_detail', { service: booked.serviceName, office: booked.officeName, address: booked.officeAddress, when: formatDateTime(booked.startsAt, lang, timeZone), code: booked.code })}</p>
      </div>
    );
  }
  const slotErr = error instanceof ApiError ? error.fieldMessage('startsAt') : undefined;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!startsAt) {
      setError(new ApiError(400, 'web.pick_slot', t('appointment.pick_slot')));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setBooked(await ok(client.POST('/api/v1/appointments', { body: { serviceId, officeId, startsAt } })));
    } catch (err) {
      setError(err);
      availability.reload();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorAlert error={error ?? services.error} />
      <Field id="appt-service" label={t('appointment.service')}>
        <select id="appt-service" value={serviceId} onChange={(e) => setServiceId(e.target.value)} required>
          <option value="">{t('appointment.choose')}</option>
          {(services.data?.services ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      {service?.description ? <p>{service.description}</p> : null}
      {service ? (
        <Field id="appt-office" label={t('appointment.office')}>
          <select id="appt-office" value={officeId} onChange={(e) => setOfficeId(e.target.value)} required>
            <option value="">{t('appointment.choose')}</option>
            {service.offices.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} — {o.address}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {hasSlots && availability.isLoading ? <Loading /> : null}
      {hasSlots && !availability.isLoading && availability.data ? (
        <SlotPicker name="appt-slot" legend={t('appointment.slot')} availability={availability.data} value={startsAt} onChange={setStartsAt} error={slotErr} />
      ) : null}
      <button type="submit" className="button" disabled={isBusy || !officeId}>
        {t('appointment.submit')}
      </button>
    </form>
  );
}
