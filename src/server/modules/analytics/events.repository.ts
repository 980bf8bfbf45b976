/**
 * The writer of the analytics `events` table, which this module owns and reads (the staff figures are computed from
 * these rows). Procedures write their events through it, with their transaction's `tx`, so a step and its event commit
 * or roll back together.
 */
import type { Queryable } from '../../db/db.ts';

export interface NewEvent {
  tenantId: string;
  /** `certificate.issued`, `appointment.booked`...: PROCEDURE_EVENT_TYPES lists the procedures' ones. */
  type: string;
  language: string;
  channel: string;
  kioskId?: string | undefined;
  amountCents?: number | undefined;
  /** Never personal data: the figures are read by staff. */
  data?: Record<string, unknown> | undefined;
}

export async function insertEvent(q: Queryable, e: NewEvent): Promise<void> {
  await q.query(`INSERT INTO events (tenant_id, type, language, channel, kiosk_id, amount_cents, data) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`, [
    e.tenantId,
    e.type,
    e.language,
    e.channel,
    e.kioskId ?? null,
    e.amountCents ?? null,
    JSON.stringify(e.data ?? {}),
  ]);
}
