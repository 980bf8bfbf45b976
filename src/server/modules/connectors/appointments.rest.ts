/**
 * A council's own appointment or queue system that speaks REST/JSON:
 *   POST {baseUrl}/appointments/events   (Idempotency-Key: <event id>)
 *        {tenant, id, appointmentId, kind, code, dni, serviceId, officeId, startsAt, endsAt, at, rescheduledFrom?}
 *        -> 2xx {externalRef?}            applied
 *        -> 409 {id?, externalRef?}       already applied (the same event id)
 * Another 4xx is the system refusing this event: permanent, never retried. A timeout, a 5xx, 408, 425, 429,
 * 401/403 (a token being rotated) or a malformed answer is temporary: the outbox retries it.
 */
import { z } from 'zod';
import type { AppointmentCalendarConnector, AppointmentCalendarEvent } from './connectors.types.ts';
import { createJsonClient, HttpJsonError } from './http-json.ts';

export interface RestAppointmentsConnectorOptions {
  baseUrl: string;
  token?: string | undefined;
  /** Per request, in ms: events are small, so a slow answer means the system is struggling. */
  timeoutMs?: number | undefined;
}

const ZAccepted = z.object({ externalRef: z.string().min(1).max(200).optional() });
const ZConflict = z.object({ id: z.string().optional(), externalRef: z.string().min(1).max(200).optional() });

export function createRestAppointmentsConnector(opts: RestAppointmentsConnectorOptions): AppointmentCalendarConnector {
  const http = createJsonClient({ baseUrl: opts.baseUrl, token: opts.token, timeoutMs: opts.timeoutMs ?? 10_000, label: 'appointments REST' });
  return {
    kind: 'rest',
    async deliver(e: AppointmentCalendarEvent) {
      const answer = await http.send('events', '/appointments/events', {
        method: 'POST',
        idempotencyKey: e.id,
        body: {
          tenant: e.tenantId,
          id: e.id,
          appointmentId: e.appointmentId,
          kind: e.kind,
          code: e.code,
          dni: e.dni,
          serviceId: e.serviceId,
          officeId: e.officeId,
          startsAt: e.startsAt,
          endsAt: e.endsAt,
          at: e.at,
          ...(e.rescheduledFrom ? { rescheduledFrom: e.rescheduledFrom } : {}),
        },
      });
      if (answer.ok) {
        // An empty 2xx body is fine: the system need not have a reference of its own.
        const accepted = http.parse('events', answer, ZAccepted, { isEmptyOk: true });
        return accepted.externalRef ? { externalRef: accepted.externalRef } : {};
      }
      if (answer.status === 409) {
        const conflict = http.tryParse(answer, ZConflict) ?? {};
        // A 409 about another event (the slot taken in their system, say) is a refusal, not "already delivered".
        if (conflict.id !== undefined && conflict.id !== e.id) throw new HttpJsonError(`appointments REST events: HTTP 409 for another event (${conflict.id.slice(0, 80)})`, 409, true);
        return conflict.externalRef ? { externalRef: conflict.externalRef } : {};
      }
      throw http.refusal('events', answer);
    },
  };
}
