import type { Queryable } from '../../db/db.ts';

export interface KioskStatusRow {
  kiosk_id: string;
  last_seen_at: Date;
  last_activity_at: Date | null;
  info: Record<string, unknown>;
}

/** Heartbeats and today's usage; the only SQL of the kiosks domain. */
export class KiosksRepository {
  constructor(private readonly db: Queryable) {}

  async recordHeartbeat(tenantId: string, kioskId: string, at: Date, lastActivityAt: Date | null, info: Record<string, unknown>): Promise<void> {
    await this.db.query(
      `INSERT INTO kiosk_status (tenant_id, kiosk_id, last_seen_at, last_activity_at, info)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (tenant_id, kiosk_id) DO UPDATE SET
         last_seen_at = EXCLUDED.last_seen_at,
         last_activity_at = GREATEST(kiosk_status.last_activity_at, EXCLUDED.last_activity_at),
         info = EXCLUDED.info`,
      [tenantId, kioskId, at, lastActivityAt, JSON.stringify(info)],
    );
  }

  async statuses(tenantId: string): Promise<KioskStatusRow[]> {
    const r = await this.db.query<KioskStatusRow>(
      'SELECT kiosk_id, last_seen_at, last_activity_at, info FROM kiosk_status WHERE tenant_id = $1',
      [tenantId],
    );
    return r.rows;
  }

  /** Events recorded at each kiosk since `from` (the start of today in the council's time zone). */
  async usageSince(tenantId: string, from: Date): Promise<Map<string, { events: number; lastAt: Date | null }>> {
    const r = await this.db.query<{ kiosk_id: string; n: number; last_at: Date | null }>(
      `SELECT kiosk_id, count(*)::int AS n, max(at) AS last_at FROM events
       WHERE tenant_id = $1 AND kiosk_id IS NOT NULL AND at >= $2 GROUP BY kiosk_id`,
      [tenantId, from],
    );
    return new Map(r.rows.map((x) => [x.kiosk_id, { events: x.n, lastAt: x.last_at }]));
  }
}
