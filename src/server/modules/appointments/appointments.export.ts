/**
 * Mirrors bookings, cancellations and reschedules to the council's own appointment or queue system
 * (connectors.appointments: rest) from the appointment_exports outbox: at least once, in order per appointment, with
 * the event id as the idempotency key. A system that is down is retried 1, 2, 4… minutes later, at most every 6 hours;
 * one that refuses an event (a 4xx) marks it failed, audited, for a person to look at.
 */
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import type { AppointmentCalendarConnector, AppointmentCalendarEvent } from '../connectors/connectors.types.ts';
import { recordStep, systemActor, systemContext } from '../connectors/procedure-context.ts';
import { appointmentsRepository as repo, type ClaimedAppointmentExport } from './appointments.repository.ts';

/** How long one sender holds an event before another may retry it, in seconds: far longer than one small request. */
const EXPORT_LEASE_SECONDS = 120;
/** Retry delay after the n-th failed delivery, in seconds: 1, 2, 4… minutes, at most 6 hours. */
export const appointmentExportRetrySeconds = (attempts: number) => Math.min(60 * 2 ** Math.max(0, attempts - 1), 6 * 3600);

/** The event as queued (appointment_exports.payload); checked on the way out, since jsonb is only as good as its writer. */
export const ZAppointmentEventPayload = z.object({
  id: z.string(),
  appointmentId: z.string(),
  tenantId: z.string(),
  kind: z.enum(['booked', 'cancelled', 'rescheduled']),
  code: z.string(),
  dni: z.string(),
  serviceId: z.string(),
  officeId: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  at: z.string(),
  rescheduledFrom: z.string().optional(),
});

export interface AppointmentExportsDeps {
  db: Db;
  /** The council's own calendar, or undefined when our database is its calendar. */
  calendarFor?: ((tenantId: string) => AppointmentCalendarConnector | undefined) | undefined;
  now: () => Date;
  onError?: ((err: unknown, what: string) => void) | undefined;
}

const isPermanent = (err: unknown) => typeof err === 'object' && err !== null && 'isPermanent' in err && err.isPermanent === true;

/** Sends due appointment events; returns how many the councils' systems accepted in this run. */
export function createAppointmentExporter(deps: AppointmentExportsDeps): () => Promise<number> {
  const { db } = deps;

  async function deliverOne(e: ClaimedAppointmentExport): Promise<boolean> {
    const subject = { subjectType: 'appointment', subjectId: e.appointment_id };
    try {
      const connector = deps.calendarFor?.(e.tenant_id);
      if (!connector) throw new Error('no appointment calendar connector for this export');
      const parsed = ZAppointmentEventPayload.safeParse(e.payload);
      if (!parsed.success) throw Object.assign(new Error('appointment export payload does not match the event shape'), { isPermanent: true });
      const event: AppointmentCalendarEvent = parsed.data;
      const { externalRef } = await connector.deliver(event);
      await db.transaction(async (tx) => {
        await repo.finishExport(tx, e.event_id, deps.now(), { status: 'delivered', externalRef });
        await recordStep(tx, e.tenant_id, systemActor, systemContext(), {
          action: 'appointment.exported',
          ...subject,
          details: { eventId: e.event_id, kind: event.kind, attempts: e.attempts, ...(externalRef ? { externalRef } : {}) },
        });
      });
      return true;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (isPermanent(err)) {
        await db.transaction(async (tx) => {
          await repo.finishExport(tx, e.event_id, deps.now(), { status: 'failed', error });
          await recordStep(tx, e.tenant_id, systemActor, systemContext(), {
            action: 'appointment.export_failed',
            ...subject,
            details: { eventId: e.event_id, attempts: e.attempts, error: error.slice(0, 500) },
          });
        });
      } else {
        await repo.finishExport(db, e.event_id, deps.now(), { status: 'pending', error, retryInSeconds: appointmentExportRetrySeconds(e.attempts) });
      }
      deps.onError?.(err, `appointment export ${e.event_id} (attempt ${e.attempts})`);
      return false;
    }
  }

  return async function deliverAppointmentExports(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await repo.claimExports(db, deps.now(), 10, EXPORT_LEASE_SECONDS);
      if (!batch.length) return delivered;
      for (const e of batch) if (await deliverOne(e)) delivered++;
    }
  };
}
