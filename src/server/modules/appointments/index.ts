/** Appointments: calendars per service and office, exactly-once booking, cancel, reschedule, e-mails, reminders. */
import type { Db } from '../../db/db.ts';
import type { Mailer } from '../../mail/index.ts';
import type { AppointmentCalendarConnector } from '../connectors/index.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { appointmentsRoutes } from './appointments.routes.ts';
import { createAppointmentsService } from './appointments.service.ts';

/** The service (availability, book, listMine, get, cancel, reschedule, sendReminders, deliverAppointmentExports, exportStatus): free of Fastify, for the assistant and jobs. */
export { createAppointmentsService, type AppointmentsService, type Appointment, type DayAvailability, type BookInput, type AvailabilityQuery } from './appointments.service.ts';
/** Local time <-> UTC in the council's time zone. */
export { localToUtc, toLocal } from './appointments.time.ts';
/** For operators: events the council's calendar refused for good, and sending one again. */
export { appointmentExportOperations } from './appointments.export.ts';

/** Builds the appointments module for the registry. */
export function createAppointmentsModule(deps: { db: Db; tenants: TenantRegistry; mailer?: Mailer | undefined; onMailError?: (err: unknown) => void; calendarFor?: (tenantId: string) => AppointmentCalendarConnector | undefined; onError?: (err: unknown, what: string) => void }) {
  const service = createAppointmentsService(deps);
  return { service, routes: appointmentsRoutes(service) };
}
