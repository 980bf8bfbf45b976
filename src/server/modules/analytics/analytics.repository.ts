import type { Queryable } from '../../db/db.ts';

/** The event types that count as a completed procedure in the figures. */
export const PROCEDURE_EVENT_TYPES = ['certificate.issued', 'appointment.booked', 'payment.paid', 'filing.created'] as const;

export interface Range {
  tenantId: string;
  timeZone: string;
  /** Inclusive local dates, YYYY-MM-DD, in the council's time zone. */
  from: string;
  to: string;
}

// Local calendar day of an event; the range compares local dates so "today" means today in Madrid.
const LOCAL_DAY = `((at AT TIME ZONE $2)::date)`;
const IN_RANGE = `tenant_id = $1 AND ${LOCAL_DAY} BETWEEN $3::date AND $4::date`;

/** Aggregations over the events table; nothing else is read, so the figures are reproducible. */
export class AnalyticsRepository {
  constructor(private readonly db: Queryable) {}

  private params(r: Range): unknown[] {
    return [r.tenantId, r.timeZone, r.from, r.to];
  }

  async proceduresPerDay(r: Range): Promise<{ day: string; type: string; n: number }[]> {
    const res = await this.db.query<{ day: string; type: string; n: number }>(
      `SELECT ${LOCAL_DAY}::text AS day, type, count(*)::int AS n FROM events
       WHERE ${IN_RANGE} AND type = ANY($5::text[]) GROUP BY 1, 2 ORDER BY 1, 2`,
      [...this.params(r), [...PROCEDURE_EVENT_TYPES]],
    );
    return res.rows;
  }

  async queriesPerDay(r: Range): Promise<{ day: string; language: string; n: number; resolved: number }[]> {
    const res = await this.db.query<{ day: string; language: string; n: number; resolved: number }>(
      `SELECT ${LOCAL_DAY}::text AS day, coalesce(language, 'unknown') AS language, count(*)::int AS n,
              count(*) FILTER (WHERE (data->>'resolved')::boolean IS TRUE)::int AS resolved
       FROM events WHERE ${IN_RANGE} AND type = 'assistant.query' GROUP BY 1, 2 ORDER BY 1, 2`,
      this.params(r),
    );
    return res.rows;
  }

  async handoffsPerDay(r: Range): Promise<{ day: string; n: number }[]> {
    const res = await this.db.query<{ day: string; n: number }>(
      `SELECT ${LOCAL_DAY}::text AS day, count(*)::int AS n FROM events
       WHERE ${IN_RANGE} AND type = 'assistant.handoff' GROUP BY 1 ORDER BY 1`,
      this.params(r),
    );
    return res.rows;
  }

  /** Questions the assistant could not answer (already redacted when stored), most frequent first. */
  async topUnanswered(r: Range, limit: number): Promise<{ question: string; n: number }[]> {
    const res = await this.db.query<{ question: string; n: number }>(
      `SELECT lower(trim(data->>'question')) AS question, count(*)::int AS n FROM events
       WHERE ${IN_RANGE} AND type = 'assistant.query' AND (data->>'resolved')::boolean IS FALSE
         AND coalesce(data->>'question', '') <> ''
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5`,
      [...this.params(r), limit],
    );
    return res.rows;
  }

  async perKiosk(r: Range): Promise<{ kiosk_id: string; type: string; n: number }[]> {
    const res = await this.db.query<{ kiosk_id: string; type: string; n: number }>(
      `SELECT kiosk_id, type, count(*)::int AS n FROM events
       WHERE ${IN_RANGE} AND kiosk_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
      this.params(r),
    );
    return res.rows;
  }

  async totals(r: Range): Promise<{ certificates: number; paid_cents: number; payments: number; queries: number; resolved: number; handoffs: number; procedures: number }> {
    const res = await this.db.query<{ certificates: number; paid_cents: number; payments: number; queries: number; resolved: number; handoffs: number; procedures: number }>(
      `SELECT
         count(*) FILTER (WHERE type = 'certificate.issued')::int AS certificates,
         coalesce(sum(amount_cents) FILTER (WHERE type = 'payment.paid'), 0)::int8 AS paid_cents,
         count(*) FILTER (WHERE type = 'payment.paid')::int AS payments,
         count(*) FILTER (WHERE type = 'assistant.query')::int AS queries,
         count(*) FILTER (WHERE type = 'assistant.query' AND (data->>'resolved')::boolean IS TRUE)::int AS resolved,
         count(*) FILTER (WHERE type = 'assistant.handoff')::int AS handoffs,
         count(*) FILTER (WHERE type = ANY($5::text[]))::int AS procedures
       FROM events WHERE ${IN_RANGE}`,
      [...this.params(r), [...PROCEDURE_EVENT_TYPES]],
    );
    const row = res.rows[0];
    return row ?? { certificates: 0, paid_cents: 0, payments: 0, queries: 0, resolved: 0, handoffs: 0, procedures: 0 };
  }
}
