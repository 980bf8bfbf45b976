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

export interface RestAppointmentsConnectorOptions {
  baseUrl: string;
  token?: string | undefined;
  /** Per request, in ms: events are small, so a slow answer means the system is struggling. */
  timeoutMs?: number | undefined;
}

/** A failed delivery; `isPermanent` tells the outbox to stop retrying. */
export class AppointmentCalendarError extends Error {
  constructor(
    message: string,
    readonly isPermanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppointmentCalendarError';
  }
}

const ZAccepted = z.object({ externalRef: z.string().min(1).max(200).optional() });
const ZConflict = z.object({ id: z.string().optional(), externalRef: z.string().min(1).max(200).optional() });

/** 4xx answers that say nothing about the event itself: worth trying again later. */
const RETRYABLE_4XX = new Set([401, 403, 408, 425, 429]);

export function createRestAppointmentsConnector(opts: RestAppointmentsConnectorOptions): AppointmentCalendarConnector {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/appointments/events`;
  return {
    kind: 'rest',
    async deliver(e: AppointmentCalendarEvent) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': e.id, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
          body: JSON.stringify({
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
          }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new AppointmentCalendarError('appointments REST events: request failed', false, { cause: err });
      }
      if (res.ok) {
        // An empty 2xx body is fine: the system need not have a reference of its own.
        const text = await res.text().catch(() => '');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : {};
        } catch (err) {
          throw new AppointmentCalendarError(`appointments REST events: invalid JSON (HTTP ${res.status})`, false, { cause: err });
        }
        const parsed = ZAccepted.safeParse(body);
        if (!parsed.success) throw new AppointmentCalendarError('appointments REST events: body does not match the contract', false);
        return parsed.data.externalRef ? { externalRef: parsed.data.externalRef } : {};
      }
      if (res.status === 409) {
        const parsed = ZConflict.safeParse(await res.json().catch(() => ({})));
        const conflict = parsed.success ? parsed.data : {};
        // A 409 about another event (the slot taken in their system, say) is a refusal, not "already delivered".
        if (conflict.id !== undefined && conflict.id !== e.id) throw new AppointmentCalendarError(`appointments REST events: HTTP 409 for another event (${conflict.id.slice(0, 80)})`, true);
        return conflict.externalRef ? { externalRef: conflict.externalRef } : {};
      }
      const detail = await res.text().catch(() => '');
      throw new AppointmentCalendarError(
        `appointments REST events: HTTP ${res.status}${detail ? ` ${detail.slice(0, 300)}` : ''}`,
        res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status),
      );
    },
  };
}
