import type { Queryable } from '../../db/db.ts';

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

  async listForCitizen(q: Queryable, tenantId: string, dni: string, from: Date): Promise<AppointmentRow[]> {
    const res = await q.query<AppointmentRow>(
      `SELECT ${COLS} FROM appointments WHERE tenant_id = $1 AND dni = $2 AND ends_at >= $3 ORDER BY starts_at, created_at`,
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

  async contactEmail(q: Queryable, tenantId: string, dni: string): Promise<string | undefined> {
    const res = await q.query<{ email: string | null }>(`SELECT email FROM citizen_contacts WHERE tenant_id = $1 AND dni = $2`, [tenantId, dni]);
    return res.rows[0]?.email ?? undefined;
  },
};
