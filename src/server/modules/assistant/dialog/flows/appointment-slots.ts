/**
 * What booking and rescheduling share: the date step, the free times offered for that date (or the first day
 * with free times), and reading the citizen's pick among them by button, number or time of day.
 */
import { z } from 'zod';
import { formatWeekdayDate } from '../../../../../shared/format.ts';
import { localDateOf, localTimeOf } from '../../../../../shared/zoned-time.ts';
import type { FirstMessage, FlowRun, StepSpec } from '../slot-engine.ts';
import { MAX_SLOTS_OFFERED } from '../dialog.types.ts';

/** A free time offered: its start instant (the value), "HH:MM", the office and the label shown. */
export const ZOfferedSlot = z.object({ value: z.string(), label: z.string(), time: z.string(), officeId: z.string() });

/** The slots a search for free times needs and leaves behind. */
export const ZSlotSearch = z.object({
  serviceId: z.string().nullable().optional(),
  officeId: z.string().nullable().optional(),
  /** The day asked for (YYYY-MM-DD, the council's calendar). */
  date: z.string().nullable().optional(),
  /** The time asked for ("HH:MM"): the offered times are the nearest to it. */
  time: z.string().optional(),
  offered: z.array(ZOfferedSlot).optional(),
  startsAt: z.string().optional(),
  slotLabel: z.string().optional(),
});
export type SlotSearch = z.infer<typeof ZSlotSearch>;
export type OfferedSlot = z.infer<typeof ZOfferedSlot>;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Offers up to three free times on the slots' date (or the first day after it with any) and moves to 'slot'. */
export async function offerSlots(run: FlowRun<SlotSearch>): Promise<void> {
  const { serviceId, date } = run.slots;
  if (!serviceId || !date) {
    run.finish();
    run.say('error');
    return;
  }
  const appointments = run.ports.appointments;
  const tenantId = run.tenant.id;
  const officeId = run.slots.officeId ?? undefined;
  let days = await appointments.availability(tenantId, { serviceId, officeId, from: date, days: 1 });
  let free = days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => ({ ...s, officeId: d.officeId, date: d.date })));
  let note: string | undefined;
  if (free.length === 0) {
    days = await appointments.availability(tenantId, { serviceId, officeId, from: date, days: 21 });
    const firstDay = days.find((d) => d.slots.some((s) => s.free > 0));
    free = firstDay ? firstDay.slots.filter((s) => s.free > 0).map((s) => ({ ...s, officeId: firstDay.officeId, date: firstDay.date })) : [];
    if (firstDay) note = run.tr('no_slots_that_day', { date: formatWeekdayDate(date, run.lang), first: formatWeekdayDate(firstDay.date, run.lang) });
  }
  if (free.length === 0) {
    if (run.step !== 'date') run.goTo('date');
    run.say('no_slots');
    return;
  }
  // Nearest to the time the citizen asked for, else the earliest.
  const wanted = run.slots.time;
  const ordered = wanted
    ? [...free].sort((a, b) => Math.abs(minutes(a.time) - minutes(wanted)) - Math.abs(minutes(b.time) - minutes(wanted))).slice(0, MAX_SLOTS_OFFERED).sort((a, b) => a.startsAt.localeCompare(b.startsAt))
    : free.slice(0, MAX_SLOTS_OFFERED);
  const offered = ordered.map((s) => ({ value: s.startsAt, time: s.time, officeId: s.officeId, label: `${formatWeekdayDate(s.date, run.lang)}, ${s.time}` }));
  if (run.step !== 'slot') run.goTo('slot');
  run.slots.offered = offered;
  if (note) run.text(note);
  await run.prompt();
}

/** The date step: the day (and time, when said) asked for, then the free times. */
export function dateStep(): StepSpec<SlotSearch> {
  return {
    kind: 'date',
    async onAnswer(run, answer) {
      run.slots.date = answer.date;
      if (answer.time) run.slots.time = answer.time;
      await offerSlots(run);
    },
  };
}

/** The pick among the offered times; a new date instead searches again. `then` moves on with the chosen one. */
export function slotStep(then: (run: FlowRun<SlotSearch>, chosen: OfferedSlot | undefined, value: string) => Promise<void>): StepSpec<SlotSearch> {
  return {
    kind: 'choice',
    options: (run) => (run.slots.offered ?? []).map((o) => ({ value: o.value, labels: [o.label] })),
    match(run) {
      const time = run.turn.parse?.entities.find((x) => x.type === 'time' || x.type === 'datetime');
      if (!time || typeof time.value !== 'string') return undefined;
      const hhmm = time.type === 'time' ? time.value : localTimeOf(new Date(time.value), run.tenant.timeZone);
      return run.slots.offered?.find((o) => o.time === hhmm)?.value;
    },
    async onUnmatched(run) {
      const answer = run.dateAnswer();
      if (!answer) return false;
      run.slots.date = answer.date;
      if (answer.time) run.slots.time = answer.time;
      await offerSlots(run);
      return true;
    },
    async onAnswer(run, value) {
      await then(run, run.slots.offered?.find((o) => o.value === value), value);
    },
  };
}

/** The office, day and time a first message named ("cita en Benalúa el jueves a las 10"). */
export function searchFromFirstMessage(first: FirstMessage): Pick<SlotSearch, 'officeId' | 'date' | 'time'> {
  const out: Pick<SlotSearch, 'officeId' | 'date' | 'time'> = {};
  for (const e of first.parse?.entities ?? []) {
    if (typeof e.value !== 'string') continue;
    if (e.type === 'office') out.officeId = e.value;
    if (e.type === 'date') out.date = e.value;
    if (e.type === 'datetime') out.date = localDateOf(new Date(e.value), first.timeZone);
    if (e.type === 'time') out.time = e.value;
  }
  return out;
}
