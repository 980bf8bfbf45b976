/**
 * Appointments: availability, booking exactly once under contention, cancel, reschedule (atomic),
 * confirmation e-mail with an .ics file, and the reminder job. Free of Fastify: the assistant and the
 * kiosk call the same methods with (tenant, citizen DNI, input, context).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isUniqueViolation, type Db, type Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import type { Mailer } from '../../mail/index.ts';
import type { Language } from '../../../shared/languages.ts';
import { citizenActor, recordEvent, recordStep, systemActor, systemContext, type ProcedureContext } from '../../procedures/index.ts';
import { localize, type AppointmentService, type Office, type TenantProfile, type TenantRegistry } from '../tenants/index.ts';
import { slotsForDay, type SlotSpec } from './appointments.calendar.ts';
import { appointmentIcs } from './appointments.ics.ts';
import type { AppointmentCalendarConnector } from '../connectors/index.ts';
import { createAppointmentExporter } from './appointments.export.ts';
import { appointmentsRepository as repo, type AppointmentExportKind, type AppointmentRow } from './appointments.repository.ts';
import { addDays, toLocal } from './appointments.time.ts';

export interface AvailabilityQuery {
  serviceId: string;
  officeId?: string | undefined;
  /** First local date to show (YYYY-MM-DD); today by default. */
  from?: string | undefined;
  /** How many days to show; 14 by default, never past the booking window. */
  days?: number | undefined;
}

export interface SlotAvailability {
  startsAt: string;
  endsAt: string;
  /** Local time HH:MM in the council's time zone. */
  time: string;
  capacity: number;
  free: number;
}

export interface DayAvailability {
  officeId: string;
  date: string;
  slots: SlotAvailability[];
}

export interface BookInput {
  serviceId: string;
  officeId: string;
  /** ISO instant of the slot start, as listed by availability. */
  startsAt: string;
  /**
   * Where to send the confirmation; the citizen's registered e-mail otherwise. An address the council does not hold
   * for the citizen is used for at most NEW_ADDRESSES_PER_DAY distinct addresses a day (see confirmationAddress).
   */
  email?: string | undefined;
}

export interface Appointment {
  id: string;
  code: string;
  serviceId: string;
  serviceName: string;
  kind: 'individual' | 'group';
  officeId: string;
  officeName: string;
  officeAddress: string;
  startsAt: string;
  endsAt: string;
  /** Local date and time in the council's time zone. */
  localDate: string;
  localTime: string;
  status: 'booked' | 'cancelled';
  rescheduledFrom: string | null;
}

export interface AppointmentsDeps {
  db: Db;
  tenants: TenantRegistry;
  mailer?: Mailer | undefined;
  /** The clock; tests pin it. */
  now?: () => Date;
  /** Called when an e-mail could not be sent (the booking stands; the log says why). */
  onMailError?: (err: unknown) => void;
  /** The council's own appointment or queue system (connectors.appointments: rest), or undefined when our database is its calendar. */
  calendarFor?: ((tenantId: string) => AppointmentCalendarConnector | undefined) | undefined;
  /** Called when an event could not be mirrored to a council's system (it stays in the outbox; the log says why). */
  onError?: ((err: unknown, what: string) => void) | undefined;
}

/** Distinct addresses, other than the one the council holds, that one citizen's confirmations may go to in a day. */
export const NEW_ADDRESSES_PER_DAY = 3;
const NEW_ADDRESSES_WINDOW_HOURS = 24;

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newCode(): string {
  const bytes = randomBytes(8);
  let s = '';
  for (const b of bytes) s += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return `CITA-${s}`;
}

export type AppointmentsService = ReturnType<typeof createAppointmentsService>;

export function createAppointmentsService(deps: AppointmentsDeps) {
  const { db, tenants } = deps;
  const now = deps.now ?? (() => new Date());
  const deliverAppointmentExports = createAppointmentExporter({ db, calendarFor: deps.calendarFor, now, onError: deps.onError });

  /**
   * Queues the event for the council's own calendar inside the transaction that made the change, so no change is
   * made here and forgotten there. Nothing for embedded councils: our database is their calendar.
   */
  async function queueExport(tx: Queryable, row: AppointmentRow, kind: AppointmentExportKind, chainOf: string): Promise<boolean> {
    if (!deps.calendarFor?.(row.tenant_id)) return false;
    const chainId = (await repo.exportChainOf(tx, row.tenant_id, chainOf)) ?? chainOf;
    const id = randomUUID();
    const at = now();
    await repo.queueExport(tx, {
      eventId: id,
      tenantId: row.tenant_id,
      appointmentId: row.id,
      chainId,
      kind,
      now: at,
      payload: {
        id,
        appointmentId: row.id,
        tenantId: row.tenant_id,
        kind,
        code: row.code,
        dni: row.dni,
        serviceId: row.service_id,
        officeId: row.office_id,
        startsAt: new Date(row.starts_at).toISOString(),
        endsAt: new Date(row.ends_at).toISOString(),
        at: at.toISOString(),
        ...(kind === 'rescheduled' && row.rescheduled_from ? { rescheduledFrom: row.rescheduled_from } : {}),
      },
    });
    return true;
  }
  /** Sends what was just queued, after the commit; the citizen does not wait, and the job retries whatever fails. */
  function kickExports(isQueued: boolean): void {
    if (isQueued) void deliverAppointmentExports().catch((err: unknown) => deps.onError?.(err, 'appointment export'));
  }

  function serviceOf(tenant: TenantProfile, serviceId: string): AppointmentService {
    const s = tenant.appointmentServices.find((x) => x.id === serviceId);
    if (!s) throw new AppError('appointments.service_not_found');
    return s;
  }
  function officeOf(tenant: TenantProfile, service: AppointmentService, officeId: string): Office {
    const o = service.offices.includes(officeId) ? tenant.offices.find((x) => x.id === officeId) : undefined;
    if (!o) throw new AppError('appointments.office_not_found');
    return o;
  }

  /** The slot a citizen asks for, checked against the calendar, the booking window and the clock. */
  function resolveSlot(tenant: TenantProfile, service: AppointmentService, office: Office, startsAtIso: string): SlotSpec {
    const startsAt = new Date(startsAtIso);
    if (Number.isNaN(startsAt.getTime())) throw new AppError('appointments.invalid_slot');
    const local = toLocal(startsAt, tenant.timeZone);
    const today = toLocal(now(), tenant.timeZone).date;
    if (local.date > addDays(today, service.bookingWindowDays)) throw new AppError('appointments.outside_window');
    const slot = slotsForDay(tenant, service, office, local.date).find((s) => s.startsAt.getTime() === startsAt.getTime());
    if (!slot) throw new AppError('appointments.invalid_slot');
    if (slot.startsAt.getTime() <= now().getTime()) throw new AppError('appointments.slot_past');
    return slot;
  }

  /**
   * Where a new booking's confirmation (and later its reminder) goes, inside the booking's transaction, after
   * lockCitizen. There is no verification round-trip for addresses (no table, no link to click), and refusing a
   * booking over an e-mail address would punish a citizen for a typo; so the booking always stands, and:
   * - the address the council holds for the citizen is always used;
   * - an address typed into the booking is used if it is one of the last NEW_ADDRESSES_PER_DAY distinct new
   *   addresses of the last 24 hours, so a signed-in citizen cannot turn the council's mail server into a relay
   *   (MEDIUM-8: 40 bookings, 40 strangers' inboxes). Past that, the held address is used, or none: the booking
   *   is still in "my appointments" with its .ics.
   * The chosen address is stored on the appointment, so reminders and reschedules follow the same rule.
   */
  async function confirmationAddress(tx: Queryable, tenantId: string, dni: string, requested: string | undefined): Promise<string | null> {
    const held = (await repo.contactEmail(tx, tenantId, dni)) ?? null;
    const wanted = requested?.trim();
    if (!wanted) return held;
    const key = wanted.toLowerCase();
    if (held && held.toLowerCase() === key) return held;
    const used = new Set(await repo.emailsUsedSince(tx, tenantId, dni, NEW_ADDRESSES_WINDOW_HOURS));
    if (held) used.delete(held.toLowerCase());
    return used.has(key) || used.size < NEW_ADDRESSES_PER_DAY ? wanted : held;
  }

  /**
   * Takes one place in the slot and inserts the appointment, inside the caller's transaction. The conditional
   * UPDATE on the slot's capacity row is what makes booking exactly-once under contention.
   */
  async function claimPlace(
    tx: Queryable,
    c: { tenantId: string; dni: string; service: AppointmentService; office: Office; slot: SlotSpec; email: string | null; ctx: ProcedureContext; rescheduledFrom: string | null },
  ): Promise<AppointmentRow> {
    const key = { tenantId: c.tenantId, serviceId: c.service.id, officeId: c.office.id, startsAt: c.slot.startsAt };
    if (!(await repo.takePlace(tx, key, c.slot.endsAt, c.slot.capacity))) throw new AppError('appointments.slot_full');
    try {
      return await repo.insert(tx, {
        id: randomUUID(),
        tenantId: c.tenantId,
        code: newCode(),
        dni: c.dni,
        serviceId: c.service.id,
        officeId: c.office.id,
        startsAt: c.slot.startsAt,
        endsAt: c.slot.endsAt,
        email: c.email,
        language: c.ctx.lang,
        channel: c.ctx.channel,
        kioskId: c.ctx.kioskId ?? null,
        rescheduledFrom: c.rescheduledFrom,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('appointments.already_booked');
      throw err;
    }
  }

  function present(tenant: TenantProfile, row: AppointmentRow, lang: Language): Appointment {
    const service = tenant.appointmentServices.find((s) => s.id === row.service_id);
    const office = tenant.offices.find((o) => o.id === row.office_id);
    const startsAt = new Date(row.starts_at);
    const local = toLocal(startsAt, tenant.timeZone);
    return {
      id: row.id,
      code: row.code,
      serviceId: row.service_id,
      serviceName: localize(service?.names, lang, tenant),
      kind: service?.kind ?? 'individual',
      officeId: row.office_id,
      officeName: localize(office?.names, lang, tenant),
      officeAddress: office?.address ?? '',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(row.ends_at).toISOString(),
      localDate: local.date,
      localTime: local.time,
      status: row.status,
      rescheduledFrom: row.rescheduled_from,
    };
  }

  function formatWhen(tenant: TenantProfile, d: Date, lang: Language): string {
    return new Intl.DateTimeFormat(lang === 'ca' ? 'ca-ES' : lang === 'en' ? 'en-GB' : 'es-ES', {
      timeZone: tenant.timeZone,
      dateStyle: 'full',
      timeStyle: 'short',
    }).format(d);
  }

  function mailParams(tenant: TenantProfile, a: Appointment, lang: Language) {
    return {
      council: localize(tenant.names, lang, tenant),
      service: a.serviceName,
      office: a.officeName,
      address: a.officeAddress,
      when: formatWhen(tenant, new Date(a.startsAt), lang),
      code: a.code,
    };
  }

  /** The calendar event for an appointment (the same one the e-mail attaches and "add to my calendar" serves). */
  function icsFor(tenant: TenantProfile, a: Appointment, lang: Language): string {
    const params = mailParams(tenant, a, lang);
    return appointmentIcs({
      uid: `${a.id}@ventanilla`,
      title: t(lang, 'appointments:mail.event_title', params),
      description: t(lang, 'appointments:mail.event_description', params),
      location: `${a.officeName}, ${a.officeAddress}`,
      startsAt: new Date(a.startsAt),
      endsAt: new Date(a.endsAt),
      organizerName: params.council,
      organizerEmail: tenant.contact.email,
    });
  }

  async function sendMail(tenant: TenantProfile, a: Appointment, to: string, lang: Language, kind: 'confirm' | 'reminder'): Promise<void> {
    if (!deps.mailer) return;
    const params = mailParams(tenant, a, lang);
    const ics = icsFor(tenant, a, lang);
    try {
      await deps.mailer.send({
        to,
        subject: t(lang, `appointments:mail.${kind}_subject`, params),
        text: t(lang, `appointments:mail.${kind}_body`, params),
        attachments: [{ filename: 'cita.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }],
      });
    } catch (err) {
      deps.onMailError?.(err);
    }
  }

  return {
    /** Days and slots with free places for a service (optionally one office), in the council's time zone. */
    async availability(tenantId: string, query: AvailabilityQuery): Promise<DayAvailability[]> {
      const tenant = tenants.get(tenantId);
      const service = serviceOf(tenant, query.serviceId);
      const offices = query.officeId ? [officeOf(tenant, service, query.officeId)] : service.offices.map((id) => officeOf(tenant, service, id));
      const today = toLocal(now(), tenant.timeZone).date;
      const first = query.from && query.from > today ? query.from : today;
      const last = addDays(today, service.bookingWindowDays);
      const days = Math.min(Math.max(query.days ?? 14, 1), 62);
      const specs: SlotSpec[][] = [];
      for (let i = 0; i < days; i++) {
        const date = addDays(first, i);
        if (date > last) break;
        for (const office of offices) specs.push(slotsForDay(tenant, service, office, date));
      }
      const all = specs.flat();
      if (all.length === 0) return [];
      const from = all.reduce((m, s) => (s.startsAt < m ? s.startsAt : m), all[0]?.startsAt ?? now());
      const to = new Date(all.reduce((m, s) => Math.max(m, s.startsAt.getTime()), 0) + 1);
      const booked = await repo.bookedCounts(db, tenantId, service.id, from, to);
      const nowMs = now().getTime();
      const out: DayAvailability[] = [];
      for (const daySlots of specs) {
        const open = daySlots.filter((s) => s.startsAt.getTime() > nowMs);
        const first = open[0];
        if (!first) continue;
        out.push({
          officeId: first.officeId,
          date: first.date,
          slots: open.map((s) => {
            const taken = booked.get(`${s.officeId}|${s.startsAt.toISOString()}`) ?? 0;
            return { startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), time: s.time, capacity: s.capacity, free: Math.max(0, s.capacity - taken) };
          }),
        });
      }
      return out;
    },

    /**
     * Books one place. Exactly once: the place is taken with a conditional UPDATE inside the transaction that also
     * inserts the appointment; a full slot is `appointments.slot_full` (409), a second place for the same citizen
     * in the same slot is `appointments.already_booked` (409), and a citizen who already holds the council's
     * `appointments.maxOpenPerService` open appointments of this service gets `appointments.too_many_open` (409).
     */
    async book(tenantId: string, dni: string, input: BookInput, ctx: ProcedureContext): Promise<Appointment> {
      const tenant = tenants.get(tenantId);
      const service = serviceOf(tenant, input.serviceId);
      const office = officeOf(tenant, service, input.officeId);
      const slot = resolveSlot(tenant, service, office, input.startsAt);
      const booked = await db.transaction(async (tx) => {
        // The count and the insert under one per-citizen lock: parallel bookings cannot all pass the limit.
        await repo.lockCitizen(tx, tenantId, dni);
        const limit = tenant.appointments.maxOpenPerService;
        if ((await repo.countOpen(tx, tenantId, dni, service.id, now())) >= limit) {
          throw new AppError('appointments.too_many_open', { params: { limit } });
        }
        const email = await confirmationAddress(tx, tenantId, dni, input.email);
        const inserted = await claimPlace(tx, { tenantId, dni, service, office, slot, email, ctx, rescheduledFrom: null });
        await recordStep(tx, tenantId, citizenActor(dni), ctx, {
          action: 'appointment.booked',
          subjectType: 'appointment',
          subjectId: inserted.id,
          details: { serviceId: service.id, officeId: office.id, startsAt: slot.startsAt.toISOString() },
        });
        await recordEvent(tx, tenantId, ctx, 'appointment.booked', { data: { serviceId: service.id, officeId: office.id, kind: service.kind } });
        return { row: inserted, isQueued: await queueExport(tx, inserted, 'booked', inserted.id) };
      });
      kickExports(booked.isQueued);
      const appointment = present(tenant, booked.row, ctx.lang);
      if (booked.row.email) await sendMail(tenant, appointment, booked.row.email, ctx.lang, 'confirm');
      return appointment;
    },

    /** Sends due events to the councils' own calendars (the procedures job); returns how many were accepted. */
    deliverAppointmentExports,

    /** The events queued for an appointment and where each stands with the council's own calendar; empty for embedded councils. */
    async exportStatus(tenantId: string, appointmentId: string): Promise<{ eventId: string; kind: AppointmentExportKind; status: 'pending' | 'delivered' | 'failed'; attempts: number; lastError: string | null; externalRef: string | null }[]> {
      const rows = await repo.exportsFor(db, tenantId, appointmentId);
      return rows.map((r) => ({ eventId: r.event_id, kind: r.kind, status: r.status, attempts: r.attempts, lastError: r.last_error, externalRef: r.external_ref }));
    },

    /** The citizen's appointments that have not ended yet (booked and cancelled), soonest first. */
    async listMine(tenantId: string, dni: string, lang: Language): Promise<Appointment[]> {
      const tenant = tenants.get(tenantId);
      const rows = await repo.listForCitizen(db, tenantId, dni, now());
      return rows.map((r) => present(tenant, r, lang));
    },

    /** Every appointment of a citizen, past ones included: the data-protection export (RGPD art. 15). */
    async listAllForExport(tenantId: string, dni: string, lang: Language): Promise<Appointment[]> {
      const tenant = tenants.get(tenantId);
      const rows = await repo.listForCitizen(db, tenantId, dni, null);
      return rows.map((r) => present(tenant, r, lang));
    },

    /** One of the citizen's appointments; another citizen's id is `appointments.not_found` (404). */
    async get(tenantId: string, dni: string, id: string, lang: Language): Promise<Appointment> {
      const tenant = tenants.get(tenantId);
      const row = await repo.findForCitizen(db, tenantId, dni, id);
      if (!row) throw new AppError('appointments.not_found');
      return present(tenant, row, lang);
    },

    /** One of the citizen's appointments as an iCalendar file; another citizen's id is 404 as for `get`. */
    async calendar(tenantId: string, dni: string, id: string, lang: Language): Promise<{ fileName: string; ics: string }> {
      const tenant = tenants.get(tenantId);
      const row = await repo.findForCitizen(db, tenantId, dni, id);
      if (!row) throw new AppError('appointments.not_found');
      const a = present(tenant, row, lang);
      return { fileName: `${a.code}.ics`, ics: icsFor(tenant, a, lang) };
    },

    /** Cancels and frees the place, in one transaction. */
    async cancel(tenantId: string, dni: string, id: string, ctx: ProcedureContext): Promise<Appointment> {
      const tenant = tenants.get(tenantId);
      const cancelled = await db.transaction(async (tx) => {
        const found = await repo.findForCitizen(tx, tenantId, dni, id, true);
        if (!found) throw new AppError('appointments.not_found');
        if (!(await repo.cancel(tx, tenantId, id))) throw new AppError('appointments.already_cancelled');
        await repo.releasePlace(tx, { tenantId, serviceId: found.service_id, officeId: found.office_id, startsAt: new Date(found.starts_at) });
        await recordStep(tx, tenantId, citizenActor(dni), ctx, { action: 'appointment.cancelled', subjectType: 'appointment', subjectId: id });
        await recordEvent(tx, tenantId, ctx, 'appointment.cancelled', { data: { serviceId: found.service_id } });
        const cancelled = { ...found, status: 'cancelled' as const, cancelled_at: now() };
        return { row: cancelled, isQueued: await queueExport(tx, cancelled, 'cancelled', found.id) };
      });
      kickExports(cancelled.isQueued);
      return present(tenant, cancelled.row, ctx.lang);
    },

    /**
     * Moves an appointment to another slot atomically: the new place is taken, the new appointment inserted and the
     * old one cancelled and freed in one transaction. When the new slot is full, nothing changes.
     */
    async reschedule(tenantId: string, dni: string, id: string, input: { startsAt: string; officeId?: string | undefined }, ctx: ProcedureContext): Promise<Appointment> {
      const tenant = tenants.get(tenantId);
      const current = await repo.findForCitizen(db, tenantId, dni, id);
      if (!current) throw new AppError('appointments.not_found');
      const service = serviceOf(tenant, current.service_id);
      const office = officeOf(tenant, service, input.officeId ?? current.office_id);
      const slot = resolveSlot(tenant, service, office, input.startsAt);
      const moved = await db.transaction(async (tx) => {
        const old = await repo.findForCitizen(tx, tenantId, dni, id, true);
        if (!old) throw new AppError('appointments.not_found');
        if (old.status !== 'booked') throw new AppError('appointments.already_cancelled');
        const oldKey = { tenantId, serviceId: old.service_id, officeId: old.office_id, startsAt: new Date(old.starts_at) };
        if (oldKey.officeId === office.id && oldKey.startsAt.getTime() === slot.startsAt.getTime()) {
          throw new AppError('appointments.same_slot');
        }
        // In one transaction: if the new slot is full, the old appointment is still booked when it rolls back.
        await repo.cancel(tx, tenantId, old.id);
        await repo.releasePlace(tx, oldKey);
        const inserted = await claimPlace(tx, { tenantId, dni, service, office, slot, email: old.email, ctx, rescheduledFrom: old.id });
        await recordStep(tx, tenantId, citizenActor(dni), ctx, {
          action: 'appointment.rescheduled',
          subjectType: 'appointment',
          subjectId: inserted.id,
          details: { from: old.id, startsAt: slot.startsAt.toISOString(), officeId: office.id },
        });
        await recordEvent(tx, tenantId, ctx, 'appointment.rescheduled', { data: { serviceId: service.id } });
        // In the old appointment's chain: the other system hears of the old booking before the move.
        return { row: inserted, isQueued: await queueExport(tx, inserted, 'rescheduled', old.id) };
      });
      kickExports(moved.isQueued);
      const appointment = present(tenant, moved.row, ctx.lang);
      if (moved.row.email) await sendMail(tenant, appointment, moved.row.email, ctx.lang, 'confirm');
      return appointment;
    },

    /**
     * The reminder job: e-mails every booked appointment starting within `hoursBefore` hours (24 by default) once.
     * Idempotent: each reminder is claimed (reminded_at) before sending, so reruns and parallel runs skip it.
     * Returns how many were sent.
     */
    async sendReminders(opts: { hoursBefore?: number; limit?: number } = {}): Promise<number> {
      const from = now();
      const to = new Date(from.getTime() + (opts.hoursBefore ?? 24) * 3_600_000);
      const due = await repo.dueForReminder(db, from, to, opts.limit ?? 500);
      let sent = 0;
      for (const row of due) {
        const tenant = tenants.find(row.tenant_id);
        if (!tenant || !row.email) continue;
        const claimed = await db.transaction(async (tx) => {
          if (!(await repo.claimReminder(tx, row.tenant_id, row.id))) return false;
          await recordStep(tx, row.tenant_id, systemActor, systemContext(), { action: 'appointment.reminded', subjectType: 'appointment', subjectId: row.id });
          return true;
        });
        if (!claimed) continue;
        const lang = tenant.languages.includes(row.language as Language) ? (row.language as Language) : tenant.defaultLanguage;
        await sendMail(tenant, present(tenant, row, lang), row.email, lang, 'reminder');
        sent++;
      }
      return sent;
    },
  };
}
