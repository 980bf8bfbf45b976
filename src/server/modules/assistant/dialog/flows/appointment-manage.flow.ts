/** Seeing one's appointments and cancelling one or moving it to another day and time. */
import { z } from 'zod';
import { formatWeekdayDate } from '../../../../../shared/format.ts';
import { MAX_LIST } from '../dialog.types.ts';
import { defineFlow } from '../slot-engine.ts';
import { ZSlotSearch, dateStep, searchFromFirstMessage, slotStep } from './appointment-slots.ts';

const ZManageSlots = ZSlotSearch.extend({
  /** The citizen's booked appointments offered to pick from, with what rescheduling one needs. */
  appointments: z.array(z.object({ value: z.string(), label: z.string(), serviceId: z.string(), officeId: z.string() })).optional(),
  appointmentId: z.string().optional(),
  appointmentLabel: z.string().optional(),
  manageAction: z.enum(['cancel', 'reschedule']).optional(),
});
type ManageSlots = z.infer<typeof ZManageSlots>;

export const appointmentManageFlow = defineFlow<ManageSlots>({
  intent: 'appointment.manage',
  slots: ZManageSlots,
  // The appointment picked brings its own office and day; a time said at the start still orders the new times.
  start: (first) => {
    const { time } = searchFromFirstMessage(first);
    return time ? { time } : {};
  },
  async begin(run) {
    const citizen = run.turn.ctx.citizen;
    if (!citizen) return;
    const mine = (await run.ports.appointments.listMine(run.tenant.id, citizen.dni, run.lang)).filter((a) => a.status === 'booked').slice(0, MAX_LIST);
    if (mine.length === 0) {
      run.finish();
      run.say('no_appointments');
      run.quick([{ label: run.tr('intent.appointment.book'), payload: 'intent:appointment.book' }]);
      return;
    }
    const appointments = mine.map((a) => ({ value: a.id, label: `${a.serviceName} — ${formatWeekdayDate(a.localDate, run.lang)}, ${a.localTime}`, serviceId: a.serviceId, officeId: a.officeId }));
    run.goTo('pick', { appointments });
    await run.prompt();
  },
  steps: {
    pick: {
      kind: 'choice',
      options: (run) => (run.slots.appointments ?? []).map((a) => ({ value: a.value, labels: [a.label] })),
      async onAnswer(run, value) {
        const a = run.slots.appointments?.find((x) => x.value === value);
        run.goTo('manage_action', { appointmentId: value, appointmentLabel: a?.label ?? '', serviceId: a?.serviceId ?? null, officeId: a?.officeId ?? null, date: null });
        await run.prompt();
      },
    },
    manage_action: {
      kind: 'choice',
      options: (run) => [
        { value: 'cancel', labels: [run.tr('manage.cancel'), 'anular', 'anul·lar', 'borrar', 'quitar'] },
        { value: 'reschedule', labels: [run.tr('manage.reschedule'), 'cambiar', 'canviar', 'change', 'mover', 'moure', 'otro dia', 'altre dia', 'another day'] },
      ],
      async onAnswer(run, value) {
        if (value === 'cancel') run.goTo('confirm', { manageAction: 'cancel' });
        else run.goTo('date', { manageAction: 'reschedule' });
        await run.prompt();
      },
    },
    date: dateStep(),
    slot: slotStep(async (run, chosen, value) => {
      run.goTo('confirm', { startsAt: value, slotLabel: chosen?.label ?? value, officeId: chosen?.officeId ?? run.slots.officeId ?? null });
      await run.prompt();
    }),
  },
  confirm(run) {
    const key = run.slots.manageAction === 'cancel' ? 'confirm.appointment_cancel' : 'confirm.appointment_reschedule';
    return { key, params: { appointment: run.slots.appointmentLabel ?? '', when: run.slots.slotLabel ?? '' } };
  },
  async perform(run, dni) {
    const { appointmentId, startsAt } = run.slots;
    if (!appointmentId) return false;
    const appointments = run.ports.appointments;
    if (run.slots.manageAction === 'cancel') {
      const a = await appointments.cancel(run.tenant.id, dni, appointmentId, run.procCtx());
      run.finish();
      run.say('done.appointment_cancelled', { code: a.code });
      return true;
    }
    if (!startsAt) return false;
    const a = await appointments.reschedule(run.tenant.id, dni, appointmentId, { startsAt, officeId: run.slots.officeId ?? undefined }, run.procCtx());
    const ics = `/api/v1/appointments/${a.id}/ics`;
    run.finish();
    run.say('done.appointment_rescheduled', { date: formatWeekdayDate(a.localDate, run.lang), time: a.localTime, code: a.code });
    run.card({ kind: 'document', title: run.tr('card.appointment'), url: ics, code: a.code, links: [{ title: run.tr('card.add_to_calendar'), url: ics }] });
    return true;
  },
});
