/** Booking an appointment: service, office (when there is a choice), day, a free time, confirmation. */
import { formatWeekdayDate } from '../../../../../shared/format.ts';
import { defineFlow, type FlowRun } from '../slot-engine.ts';
import { ZSlotSearch, dateStep, offerSlots, searchFromFirstMessage, slotStep, type SlotSearch } from './appointment-slots.ts';

const ZBookSlots = ZSlotSearch;
type BookSlots = SlotSearch;

/**
 * The next question the slots still need. `isAfterAnswer`: the answer's step was remembered already, so "go back"
 * returns to it and not to the step before.
 */
async function nextStep(run: FlowRun<BookSlots>, isAfterAnswer = false): Promise<void> {
  const { tenant, slots } = run;
  if (!slots.serviceId) {
    const officeId = slots.officeId;
    const candidates = tenant.appointmentServices.filter((s) => !officeId || s.offices.includes(officeId));
    if (tenant.appointmentServices.length === 1 && candidates[0]) {
      slots.serviceId = candidates[0].id;
    } else {
      if (!isAfterAnswer) run.remember();
      run.moveTo('service');
      await run.prompt();
      return;
    }
  }
  const service = tenant.appointmentServices.find((s) => s.id === slots.serviceId);
  if (!service) {
    run.finish();
    run.say('error');
    return;
  }
  if (!slots.officeId || !service.offices.includes(slots.officeId)) {
    if (service.offices.length === 1) {
      slots.officeId = service.offices[0] ?? null;
    } else {
      slots.officeId = null;
      if (run.step !== 'service' || !isAfterAnswer) run.remember();
      run.moveTo('office');
      await run.prompt();
      return;
    }
  }
  if (!slots.date) {
    if (!isAfterAnswer) run.remember();
    run.moveTo('date');
    await run.prompt();
    run.quick([{ label: run.tr('soonest'), payload: 'val:soonest' }]);
    return;
  }
  await offerSlots(run);
}

export const appointmentBookFlow = defineFlow<BookSlots>({
  intent: 'appointment.book',
  slots: ZBookSlots,
  start: (first) => searchFromFirstMessage(first),
  begin: (run) => nextStep(run),
  steps: {
    service: {
      kind: 'choice',
      options: (run) => run.tenant.appointmentServices.map((s) => ({ value: s.id, labels: run.labelsOf(s.names) })),
      async onAnswer(run, value) {
        run.remember();
        run.slots.serviceId = value;
        await nextStep(run, true);
      },
    },
    office: {
      kind: 'choice',
      options(run) {
        const service = run.tenant.appointmentServices.find((s) => s.id === run.slots.serviceId);
        return (service?.offices ?? []).map((id) => {
          const office = run.tenant.offices.find((o) => o.id === id);
          return { value: id, labels: [...run.labelsOf(office?.names), ...(office?.aliases ?? [])] };
        });
      },
      async onAnswer(run, value) {
        run.remember();
        run.slots.officeId = value;
        await nextStep(run, true);
      },
    },
    date: dateStep(),
    slot: slotStep(async (run, chosen, value) => {
      run.goTo('confirm', { startsAt: value, slotLabel: chosen?.label ?? value, officeId: chosen?.officeId ?? run.slots.officeId ?? null });
      await run.prompt();
    }),
  },
  confirm(run) {
    const service = run.tenant.appointmentServices.find((x) => x.id === run.slots.serviceId);
    const office = run.tenant.offices.find((o) => o.id === run.slots.officeId);
    return { key: 'confirm.appointment.book', params: { service: run.localize(service?.names), office: run.localize(office?.names), when: run.slots.slotLabel ?? '' } };
  },
  async perform(run, dni) {
    const { serviceId, officeId, startsAt } = run.slots;
    if (!serviceId || !officeId || !startsAt) return false;
    const a = await run.ports.appointments.book(run.tenant.id, dni, { serviceId, officeId, startsAt }, run.procCtx());
    const date = formatWeekdayDate(a.localDate, run.lang);
    const ics = `/api/v1/appointments/${a.id}/ics`;
    run.finish();
    run.say('done.appointment_booked', { service: a.serviceName, office: a.officeName, address: a.officeAddress, date, time: a.localTime, code: a.code });
    run.card({ kind: 'document', title: run.tr('card.appointment'), url: ics, code: a.code, text: `${a.serviceName} — ${a.officeName}, ${date} ${a.localTime}`, links: [{ title: run.tr('card.add_to_calendar'), url: ics }] });
    return true;
  },
});
