import type { Queryable } from '../../db/db.ts';
import { outboxTable, type FailedOutboxRow, type OutboxBacklogRow, type OutboxOutcome } from '../../db/outbox.ts';

const appointmentExports = outboxTable('appointment_exports', 'event_id', {
  describe: ['appointment_id', 'kind'],
  claimColumns: ['appointment_id', 'payload'],
  // The other system hears of a booking before its cancellation: an event waits while an earlier one of its chain is
  // still pending (due later, or held by another sender).
  due: `NOT EXISTS (SELECT 1 FROM appointment_exports p WHERE p.chain_id = e.chain_id AND p.seq < e.seq AND p.status = 'pending')`,
  tiebreak: 'seq',
});

export interface SlotKey {
  tenantId: string;
  serviceId: string;
  officeId: string;
  startsAt: Date;
}

export interface AppointmentRow {
  id: string;
  tenant_id: string;
  code: string;
  dni: string;
  service_id: string;
  office_id: string;
  starts_at: Date;
  ends_at: Date;
  status: 'booked' | 'cancelled';
  email: string | null;
  language: string;
  channel: string;
  kiosk_id: string | null;
  rescheduled_from: string | null;
  created_at: Date;
  cancelled_at: Date | null;
  reminded_at: Date | null;
}

export type AppointmentExportKind = 'booked' | 'cancelled' | 'rescheduled';

export interface ClaimedAppointmentExport {
  event_id: string;
  tenant_id: string;
  appointment_id: string;
  attempts: number;
  payload: unknown;
}

export interface AppointmentExportRow {
  event_id: string;
  kind: AppointmentExportKind;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  external_ref: string | null;
}

export interface NewAppointment {
  id: string;
  tenantId: string;
  code: string;
  dni: string;
  serviceId: string;
  officeId: string;
  startsAt: Date;
  endsAt: Date;
  email: string | null;
  language: string;
  channel: string;
  kioskId: string | null;
  rescheduledFrom: string | null;
}

const COLS = `id, tenant_id, code, dni, service_id, office_id, starts_at, ends_at, status, email, language, channel, kiosk_id,
  rescheduled_from, created_at, cancelled_at, reminded_at`;

/** The only SQL for appointments. */
export const appointmentsRepository = {
  /** Booked places per slot between two instants, for availability. */
  async bookedCounts(q: Queryable, tenantId: string, serviceId: string, from: Date, to: Date): Promise<Map<string, number>> {
    const res = await q.query<{ office_id: string; starts_at: Date; booked: number }>(
      `SELECT office_id, starts_at, booked FROM appointment_slots
        WHERE tenant_id = $1 AND service_id = $2 AND starts_at >= $3 AND starts_at < $4`,
      [tenantId, serviceId, from, to],
    );
    return new Map(res.rows.map((r) => [`${r.office_id}|${new Date(r.starts_at).toISOString()}`, Number(r.booked)]));
  },

  /**
   * Takes one place in a slot, creating the slot row on first use. The conditional UPDATE is atomic: under
   * concurrency PostgreSQL re-checks `booked < capacity` after waiting for the row lock, so it never oversells.
   * Returns false when the slot is full.
   */
  async takePlace(q: Queryable, key: SlotKey, endsAt: Date, capacity: number): Promise<boolean> {
    await q.query(
      `INSERT INTO appointment_slots (tenant_id, service_id, office_id, starts_at, ends_at, capacity, booked)
       VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT DO NOTHING`,
      [key.tenantId, key.serviceId, key.officeId, key.startsAt, endsAt, capacity],
    );
    const res = await q.query(
      `UPDATE appointment_slots SET booked = booked + 1
        WHERE tenant_id = $1 AND service_id = $2 AND office_id = $3 AND starts_at = $4 AND booked < capacity
        RETURNING booked`,
      [key.tenantId, key.serviceId, key.officeId, key.startsAt],
    );
    return res.rows.length === 1;
  },

  async releasePlace(q: Queryable, key: SlotKey): Promise<void> {
    await q.query(
      `UPDATE appointment_slots SET booked = booked - 1
        WHERE tenant_id = $1 AND service_id = $2 AND office_id = $3 AND starts_at = $4 AND booked > 0`,
      [key.tenantId, key.serviceId, key.officeId, key.startsAt],
    );
  },

  async insert(q: Queryable, a: NewAppointment): Promise<AppointmentRow> {
    const res = await q.query<AppointmentRow>(
      `INSERT INTO appointments (id, tenant_id, code, dni, service_id, office_id, starts_at, ends_at, status, email, language, channel, kiosk_id, rescheduled_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $10, $11, $12, $13) RETURNING ${COLS}`,
      [a.id, a.tenantId, a.code, a.dni, a.serviceId, a.officeId, a.startsAt, a.endsAt, a.email, a.language, a.channel, a.kioskId, a.rescheduledFrom],
    );
    const row = res.rows[0];
    if (!row) throw new Error('insert returned no row');
    return row;
  },

  /** A citizen's appointment (never another citizen's). `forUpdate` locks it for the transaction. */
  async findForCitizen(q: Queryable, tenantId: string, dni: string, id: string, forUpdate = false): Promise<AppointmentRow | undefined> {
    const res = await q.query<AppointmentRow>(
      `SELECT ${COLS} FROM appointments WHERE tenant_id = $1 AND dni = $2 AND id = $3${forUpdate ? ' FOR UPDATE' : ''}`,
      [tenantId, dni, id],
    );
    return res.rows[0];
  },

  /** A citizen's appointments ending at or after `from`; with `from` null, every one (past ones too, for a data export). */
  async listForCitizen(q: Queryable, tenantId: string, dni: string, from: Date | null): Promise<AppointmentRow[]> {
    const res = await q.query<AppointmentRow>(
      `SELECT ${COLS} FROM appointments WHERE tenant_id = $1 AND dni = $2 AND ($3::timestamptz IS NULL OR ends_at >= $3) ORDER BY starts_at, created_at`,
      [tenantId, dni, from],
    );
    return res.rows;
  },

  /** Marks a booked appointment cancelled; false when it was not booked (already cancelled). */
  async cancel(q: Queryable, tenantId: string, id: string): Promise<boolean> {
    const res = await q.query(
      `UPDATE appointments SET status = 'cancelled', cancelled_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'booked' RETURNING id`,
      [tenantId, id],
    );
    return res.rows.length === 1;
  },

  /** Booked appointments starting in (from, to] and not yet reminded, every council. */
  async dueForReminder(q: Queryable, from: Date, to: Date, limit: number): Promise<AppointmentRow[]> {
    const res = await q.query<AppointmentRow>(
      `SELECT ${COLS} FROM appointments
        WHERE status = 'booked' AND reminded_at IS NULL AND starts_at > $1 AND starts_at <= $2
        ORDER BY starts_at LIMIT $3`,
      [from, to, limit],
    );
    return res.rows;
  },

  /** Claims the reminder: only one caller (process, retry) wins, so nobody is reminded twice. */
  async claimReminder(q: Queryable, tenantId: string, id: string): Promise<boolean> {
    const res = await q.query(
      `UPDATE appointments SET reminded_at = now() WHERE tenant_id = $1 AND id = $2 AND reminded_at IS NULL AND status = 'booked' RETURNING id`,
      [tenantId, id],
    );
    return res.rows.length === 1;
  },

  /**
   * The address the council holds for the citizen: the contact address they keep in their account, else the one in
   * the citizen record. Not one typed into a booking form.
   */
  async contactEmail(q: Queryable, tenantId: string, dni: string): Promise<string | undefined> {
    const res = await q.query<{ email: string | null }>(
      `SELECT COALESCE((SELECT email FROM citizen_contacts WHERE tenant_id = $1 AND dni = $2),
                       (SELECT email FROM citizens WHERE tenant_id = $1 AND dni = $2)) AS email`,
      [tenantId, dni],
    );
    return res.rows[0]?.email ?? undefined;
  },

  /**
   * Serialises one citizen's bookings until the transaction ends, so the per-citizen limits read below hold under
   * parallel requests (two bookings cannot both see "one open" and both insert). Other citizens do not wait.
   */
  async lockCitizen(q: Queryable, tenantId: string, dni: string): Promise<void> {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`appointments:${tenantId}:${dni}`]);
  },

  /** The citizen's booked appointments of one service that have not ended by `now`. */
  async countOpen(q: Queryable, tenantId: string, dni: string, serviceId: string, now: Date): Promise<number> {
    const res = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointments WHERE tenant_id = $1 AND dni = $2 AND service_id = $3 AND status = 'booked' AND ends_at > $4`,
      [tenantId, dni, serviceId, now],
    );
    return Number(res.rows[0]?.n ?? 0);
  },

  /**
   * The distinct addresses (lower case) that the citizen's bookings of the last `hours` hours were confirmed to,
   * cancelled ones included (cancelling must not give an address back). By the database clock, as created_at is.
   */
  async emailsUsedSince(q: Queryable, tenantId: string, dni: string, hours: number): Promise<string[]> {
    const res = await q.query<{ email: string }>(
      `SELECT DISTINCT lower(email) AS email FROM appointments
        WHERE tenant_id = $1 AND dni = $2 AND email IS NOT NULL AND created_at > now() - make_interval(hours => $3)`,
      [tenantId, dni, hours],
    );
    return res.rows.map((r) => r.email);
  },

  /** The reschedule chain an appointment belongs to: that of its first queued event, or the appointment itself. */
  async exportChainOf(q: Queryable, tenantId: string, appointmentId: string): Promise<string | undefined> {
    const res = await q.query<{ chain_id: string }>(`SELECT chain_id FROM appointment_exports WHERE tenant_id = $1 AND appointment_id = $2 ORDER BY seq LIMIT 1`, [tenantId, appointmentId]);
    return res.rows[0]?.chain_id;
  },

  /** Queues an event for the council's own calendar, in the transaction that made the change; due at `now`. */
  async queueExport(q: Queryable, e: { eventId: string; tenantId: string; appointmentId: string; chainId: string; kind: AppointmentExportKind; payload: unknown; now: Date }): Promise<void> {
    await q.query(
      `INSERT INTO appointment_exports (event_id, tenant_id, appointment_id, chain_id, kind, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7)`,
      [e.eventId, e.tenantId, e.appointmentId, e.chainId, e.kind, JSON.stringify(e.payload), e.now],
    );
  },

  /** Claims up to `limit` due events for `leaseSeconds`, in order within each reschedule chain (see appointmentExports). */
  claimExports: (q: Queryable, now: Date, limit: number, leaseSeconds: number): Promise<ClaimedAppointmentExport[]> =>
    appointmentExports.claim<ClaimedAppointmentExport>(q, now, limit, leaseSeconds),

  /** Records how one delivery of an event went. */
  finishExport: (q: Queryable, eventId: string, now: Date, outcome: OutboxOutcome): Promise<void> => appointmentExports.finish(q, eventId, now, outcome),

  /** The events the council's calendar refused for good (key: the event id; about: appointment and kind). */
  failedExports: (q: Queryable, tenantId: string): Promise<FailedOutboxRow[]> => appointmentExports.failed(q, tenantId),

  /** Deliveries still to make or refused, per council and status (for /metrics). */
  exportBacklog: (q: Queryable, now: Date): Promise<OutboxBacklogRow[]> => appointmentExports.backlog(q, now),

  /** Sends a refused event again; false when it is not a failed event of this council. */
  requeueExport: (q: Queryable, tenantId: string, eventId: string, now: Date): Promise<boolean> => appointmentExports.requeue(q, tenantId, eventId, now),

  /** The events queued for an appointment, oldest first; empty for embedded councils. */
  async exportsFor(q: Queryable, tenantId: string, appointmentId: string): Promise<AppointmentExportRow[]> {
    const res = await q.query<AppointmentExportRow>(
      `SELECT event_id, kind, status, attempts, last_error, external_ref FROM appointment_exports WHERE tenant_id = $1 AND appointment_id = $2 ORDER BY seq`,
      [tenantId, appointmentId],
    );
    return res.rows;
  },
};
