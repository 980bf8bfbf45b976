/** The only SQL of the staff inbox: hand-off requests (queue, atomic accept, close) and callback requests. */
import type { Queryable } from '../../db/db.ts';

export type HandoffStatus = 'queued' | 'accepted' | 'closed';

export interface HandoffRow {
  id: number;
  tenant_id: string;
  conversation_id: string;
  reason: string;
  channel: string;
  kiosk_id: string | null;
  language: string | null;
  status: HandoffStatus;
  accepted_by: string | null;
  accepted_at: Date | null;
  created_at: Date;
}

export interface CallbackRow {
  id: number;
  tenant_id: string;
  conversation_id: string | null;
  name: string;
  phone: string;
  preferred_time: string | null;
  language: string;
  status: 'pending' | 'done';
  created_at: Date;
}

export class HandoffRepository {
  constructor(private readonly q: Queryable) {}

  with(q: Queryable): HandoffRepository {
    return new HandoffRepository(q);
  }

  /** Open requests (queued first, oldest first), with the staff member's name once accepted. */
  async listOpen(tenantId: string): Promise<(HandoffRow & { accepted_by_name: string | null })[]> {
    const res = await this.q.query<HandoffRow & { accepted_by_name: string | null }>(
      `SELECT h.id, h.tenant_id, h.conversation_id, h.reason, h.channel, h.kiosk_id, h.language, h.status, h.accepted_by, h.accepted_at, h.created_at,
              s.name AS accepted_by_name
         FROM handoff_requests h
         LEFT JOIN staff_accounts s ON s.tenant_id = h.tenant_id AND s.id = h.accepted_by
        WHERE h.tenant_id = $1 AND h.status <> 'closed'
        ORDER BY CASE h.status WHEN 'queued' THEN 0 ELSE 1 END, h.created_at, h.id`,
      [tenantId],
    );
    return res.rows;
  }

  async find(tenantId: string, id: number): Promise<HandoffRow | undefined> {
    const res = await this.q.query<HandoffRow>(
      `SELECT id, tenant_id, conversation_id, reason, channel, kiosk_id, language, status, accepted_by, accepted_at, created_at
         FROM handoff_requests WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return res.rows[0];
  }

  /**
   * Takes a queued request for one staff member. The status test in the WHERE clause makes this atomic:
   * of two concurrent accepts, only one UPDATE finds the row still queued.
   */
  async accept(tenantId: string, id: number, staffId: string): Promise<HandoffRow | undefined> {
    const res = await this.q.query<HandoffRow>(
      `UPDATE handoff_requests SET status = 'accepted', accepted_by = $3, accepted_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'queued'
        RETURNING id, tenant_id, conversation_id, reason, channel, kiosk_id, language, status, accepted_by, accepted_at, created_at`,
      [tenantId, id, staffId],
    );
    return res.rows[0];
  }

  async close(tenantId: string, id: number): Promise<HandoffRow | undefined> {
    const res = await this.q.query<HandoffRow>(
      `UPDATE handoff_requests SET status = 'closed', closed_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status <> 'closed'
        RETURNING id, tenant_id, conversation_id, reason, channel, kiosk_id, language, status, accepted_by, accepted_at, created_at`,
      [tenantId, id],
    );
    return res.rows[0];
  }

  /** Whether the conversation exists in this council (a callback may only point at one of its own). */
  async hasConversation(tenantId: string, conversationId: string): Promise<boolean> {
    const res = await this.q.query(`SELECT 1 FROM conversations WHERE tenant_id = $1 AND id = $2`, [tenantId, conversationId]);
    return res.rows.length === 1;
  }

  async addCallback(c: {
    tenantId: string;
    conversationId: string | null;
    name: string;
    phone: string;
    citizenDni: string | null;
    preferredTime: string | null;
    language: string;
  }): Promise<number> {
    const res = await this.q.query<{ id: number }>(
      `INSERT INTO handoff_callbacks (tenant_id, conversation_id, name, phone, citizen_dni, preferred_time, language)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [c.tenantId, c.conversationId, c.name, c.phone, c.citizenDni, c.preferredTime, c.language],
    );
    const row = res.rows[0];
    if (!row) throw new Error('callback not inserted');
    return row.id;
  }

  async listCallbacks(tenantId: string, status: 'pending' | 'done'): Promise<CallbackRow[]> {
    const res = await this.q.query<CallbackRow>(
      `SELECT id, tenant_id, conversation_id, name, phone, preferred_time, language, status, created_at
         FROM handoff_callbacks WHERE tenant_id = $1 AND status = $2 ORDER BY created_at, id LIMIT 200`,
      [tenantId, status],
    );
    return res.rows;
  }

  async markCallbackDone(tenantId: string, id: number, staffId: string): Promise<boolean> {
    const res = await this.q.query(
      `UPDATE handoff_callbacks SET status = 'done', done_by = $3 WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
      [tenantId, id, staffId],
    );
    return res.rowCount > 0;
  }

  /** A citizen's callback requests (data-protection export). */
  async callbacksForDni(tenantId: string, dni: string): Promise<CallbackRow[]> {
    const res = await this.q.query<CallbackRow>(
      `SELECT id, tenant_id, conversation_id, name, phone, preferred_time, language, status, created_at
         FROM handoff_callbacks WHERE tenant_id = $1 AND citizen_dni = $2 ORDER BY id`,
      [tenantId, dni],
    );
    return res.rows;
  }

  /** Deletes a citizen's callback requests (data-protection erasure); returns how many. */
  async eraseCallbacksForDni(tenantId: string, dni: string): Promise<number> {
    const res = await this.q.query(`DELETE FROM handoff_callbacks WHERE tenant_id = $1 AND citizen_dni = $2`, [tenantId, dni]);
    return res.rowCount;
  }
}
