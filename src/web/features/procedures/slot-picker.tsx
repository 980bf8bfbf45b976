/** The free slots of the next days as radio buttons grouped by day: booking and rescheduling pick a slot the same way. */
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app-context.tsx';
import { describedBy } from '../../components/form-bits.tsx';
import { formatDate } from '../../format.ts';
import type { ApiResponse } from '../../../shared/api/contract.ts';

/** The free slots of the next days, as the server answers. */
export type Availability = ApiResponse<'/api/v1/appointments/availability'>;

/** At most this many days with a free slot are shown: enough choice without a wall of buttons. */
const MAX_DAYS = 5;

export function SlotPicker(props: {
  /** Distinguishes the radio group (one per form on the page). */
  name: string;
  legend: string;
  availability: Availability;
  value: string;
  onChange: (startsAt: string) => void;
  /** A slot not to offer (the appointment being moved). */
  exclude?: string | undefined;
  error?: string | undefined;
}) {
  const { t } = useTranslation('web');
  const { lang, timeZone } = useApp();
  const isOffered = (s: { startsAt: string; free: number }) => s.free > 0 && s.startsAt !== props.exclude;
  const days = props.availability.days.filter((d) => d.slots.some(isOffered)).slice(0, MAX_DAYS);
  if (!days.length) return <p className="notice">{t('appointment.no_slots')}</p>;
  const errorId = `${props.name}-error`;
  return (
    <fieldset aria-describedby={describedBy(props.name, { error: props.error })}>
      <legend>{props.legend}</legend>
      {props.error ? (
        <p className="field__error" id={errorId}>
          {props.error}
        </p>
      ) : null}
      {days.map((d) => (
        <div key={d.date} className="slot-day" role="group" aria-label={formatDate(d.date, lang, timeZone)}>
          <p className="slot-day__title" aria-hidden="true">
            {formatDate(d.date, lang, timeZone)}
          </p>
          <div className="slot-grid">
            {d.slots.filter(isOffered).map((s) => (
              <label key={s.startsAt} className="slot">
                <input type="radio" name={props.name} value={s.startsAt} checked={props.value === s.startsAt} onChange={() => props.onChange(s.startsAt)} />
                <span>{s.time}</span>
              </label>
            ))}
          </div>
        </div>
      ))}
    </fieldset>
  );
}
