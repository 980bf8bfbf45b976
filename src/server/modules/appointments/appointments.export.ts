/**
 * Mirrors bookings, cancellations and reschedules to the council's own appointment or queue system
 * (connectors.appointments: rest) from the appointment_exports outbox: at least once, in order per appointment, with
 * the event id as the idempotency key. A system that is down is retried 1, 2, 4… minutes later, at most every 6 hours;
 * one that refuses an event (a 4xx) marks it failed, audited, for a person to look at.
 */
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import type { AppointmentCalendarConnector, AppointmentCalendarEvent } from '../connectors/index.ts';
import { createOutboxSender, outboxOperations, type OutboxOperations } from '../../procedures/index.ts';
import { appointmentsRepository as repo, type ClaimedAppointmentExport } from './appointments.repository.ts';

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

/** Sends due appointment events; returns how many the councils' systems accepted in this run. */
export function createAppointmentExporter(deps: AppointmentExportsDeps): () => Promise<number> {
  return createOutboxSender<ClaimedAppointmentExport, { kind: AppointmentCalendarEvent['kind']; externalRef: string | undefined }>({
    db: deps.db,
    now: deps.now,
    onError: deps.onError,
    batchSize: 10,
    // Far longer than one small request.
    leaseSeconds: 120,
    claim: (q, now, limit, leaseSeconds) => repo.claimExports(q, now, limit, leaseSeconds),
    async deliver(e) {
      const connector = deps.calendarFor?.(e.tenant_id);
      if (!connector) throw new Error('no appointment calendar connector for this export');
      const parsed = ZAppointmentEventPayload.safeParse(e.payload);
      if (!parsed.success) throw Object.assign(new Error('appointment export payload does not match the event shape'), { isPermanent: true });
      const event: AppointmentCalendarEvent = parsed.data;
      const { externalRef } = await connector.deliver(event);
      return { kind: event.kind, externalRef };
    },
    markDelivered: (q, e, r, now) => repo.finishExport(q, e.event_id, now, { status: 'delivered', externalRef: r.externalRef }),
    markFailed: (q, e, error, now) => repo.finishExport(q, e.event_id, now, { status: 'failed', error }),
    markRetry: (q, e, error, retryInSeconds, now) => repo.finishExport(q, e.event_id, now, { status: 'pending', error, retryInSeconds }),
    audit: {
      prefix: 'appointment',
      subject: (e) => ({ subjectType: 'appointment', subjectId: e.appointment_id }),
      details: (e, r) => ({ eventId: e.event_id, ...(r ? { kind: r.kind } : {}), attempts: e.attempts, ...(r?.externalRef ? { externalRef: r.externalRef } : {}) }),
    },
  });
}

/** For operators: the events the council's calendar refused for good, and sending one again (`ventanilla exports`). */
export const appointmentExportOperations = (db: Db, now: () => Date = () => new Date()): OutboxOperations =>
  outboxOperations({ db, now, failed: repo.failedExports, backlog: repo.exportBacklog, requeue: repo.requeueExport, audit: { prefix: 'appointment', subjectType: 'appointment_event' } });
