import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { normalizePhone } from '../../../shared/api/payments.ts';
import { ApiError, client, ok } from '../../api.ts';
import { describedBy, ErrorAlert, Field, Loading } from '../../components/form-bits.tsx';
import { useGet } from '../../use-api.ts';

/** `.form fieldset input` stretches inputs to the full width; a checkbox keeps its own size. */
const CHECKBOX = { width: 'auto' } as const;

/**
 * "Remind me when a payment period opens and before it ends": e-mail and/or SMS (the phone only where the council's
 * server has an SMS provider). Shows the stored choice; the server validates again and names the field it refuses.
 */
export function PaymentReminders() {
  const { t } = useTranslation('web');
  const current = useGet('/api/v1/payments/reminders');
  const [isEmail, setIsEmail] = useState(false);
  const [isSms, setIsSms] = useState(false);
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; phone?: string }>({});
  const [saved, setSaved] = useState('');
  const [isBusy, setIsBusy] = useState(false);

  useEffect(() => {
    const d = current.data;
    if (!d) return;
    setIsEmail(d.isEmail);
    setIsSms(d.isSms);
    setEmail(d.email ?? '');
    setPhone(d.phone ?? '');
  }, [current.data]);

  if (current.isLoading) return <Loading />;
  const isSmsAvailable = current.data?.isSmsAvailable ?? false;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    setError(null);
    // The same checks as the server, to answer at once and beside the field.
    const errs: { email?: string; phone?: string } = {};
    if (isEmail && !email.trim()) errs.email = t('reminders.email_required');
    if (isSms && !phone.trim()) errs.phone = t('reminders.phone_required');
    else if (phone.trim() && !normalizePhone(phone)) errs.phone = t('reminders.phone_invalid');
    setFieldErrors(errs);
    if (errs.email || errs.phone) return;
    setIsBusy(true);
    try {
      const body = { isEmail, isSms: isSmsAvailable && isSms, ...(email.trim() ? { email: email.trim() } : {}), ...(isSmsAvailable ? { phone: phone.trim() || null } : {}) };
      const next = await ok(client.PUT('/api/v1/payments/reminders', { body }));
      setPhone(next.phone ?? '');
      setEmail(next.email ?? '');
      setSaved(next.isEmail || next.isSms ? t('reminders.saved_on') : t('reminders.saved_off'));
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = { email: err.fieldMessage('email'), phone: err.fieldMessage('phone') };
        setFieldErrors({ ...(fe.email ? { email: fe.email } : {}), ...(fe.phone ? { phone: fe.phone } : {}) });
      }
      setError(err);
    } finally {
      setIsBusy(false);
    }
  };

  const emailErr = fieldErrors.email;
  const phoneErr = fieldErrors.phone;
  return (
    <form className="form" aria-labelledby="reminders-title" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="reminders-title">{t('reminders.title')}</h2>
      <p>{t('reminders.intro')}</p>
      <ErrorAlert error={error ?? current.error} />
      <fieldset>
        <legend>{t('reminders.how')}</legend>
        <div className="field field--check">
          <input id="reminders-by-email" type="checkbox" checked={isEmail} onChange={(e) => setIsEmail(e.target.checked)} style={CHECKBOX} />{' '}
          <label htmlFor="reminders-by-email">{t('reminders.by_email')}</label>
        </div>
        {isSmsAvailable ? (
          <div className="field field--check">
            <input id="reminders-by-sms" type="checkbox" checked={isSms} onChange={(e) => setIsSms(e.target.checked)} style={CHECKBOX} />{' '}
            <label htmlFor="reminders-by-sms">{t('reminders.by_sms')}</label>
          </div>
        ) : null}
      </fieldset>
      <Field id="reminders-email" label={t('reminders.email')} error={emailErr}>
        <input
          id="reminders-email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          maxLength={254}
          aria-invalid={Boolean(emailErr) || undefined}
          aria-describedby={describedBy('reminders-email', { error: emailErr })}
        />
      </Field>
      {isSmsAvailable ? (
        <Field id="reminders-phone" label={t('reminders.phone')} hint={t('reminders.phone_hint')} error={phoneErr}>
          <input
            id="reminders-phone"
            type="tel"
            autoComplete="tel"
            inputMode="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            maxLength={32}
            aria-invalid={Boolean(phoneErr) || undefined}
            aria-describedby={describedBy('reminders-phone', { hint: true, error: phoneErr })}
          />
        </Field>
      ) : null}
      <button type="submit" className="button" disabled={isBusy}>
        {t('reminders.save')}
      </button>
      <p role="status">{saved}</p>
    </form>
  );
}
