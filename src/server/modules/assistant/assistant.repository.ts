/** The only SQL of the assistant: conversations, turns, hand-off requests and its analytics events. */
import { isUniqueViolation, type Queryable } from '../../db/db.ts';
import type { Language } from '../../../shared/languages.ts';
import type { HandoffPort, HandoffRequest, Reply } from './assistant.ports.ts';

export type ConversationChannel = 'web' | 'widget' | 'kiosk';
export type ConversationStatus = 'active' | 'waiting_human' | 'with_human' | 'closed';
export type TurnRole = 'citizen' | 'assistant' | 'staff' | 'system';

export interface ConversationRow {
  id: string;
  tenant_id: string;
  channel: ConversationChannel;
  kiosk_id: string | null;
  language: Language;
  state: unknown;
  status: ConversationStatus;
  owner_token_sha256: string;
  citizen_dni: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TurnRow {
  id: number;
  conversation_id: string;
  seq: number;
  role: TurnRole;
  text: string;
  replies: Reply[] | null;
  language: string | null;
  intent: string | null;
  confidence: number | null;
  alternatives: { name: string; confidence: number }[] | null;
  entity_types: string[] | null;
  is_misunderstood: boolean;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  label_intent: string | null;
  created_at: Date;
}

export interface NewTurn {
  role: TurnRole;
  text: string;
  replies?: Reply[] | undefined;
  language?: string | undefined;
  intent?: string | undefined;
  confidence?: number | undefined;
  alternatives?: { name: string; confidence: number }[] | undefined;
  entityTypes?: string[] | undefined;
  isMisunderstood?: boolean | undefined;
}

export class AssistantRepository {
  constructor(private readonly q: Queryable) {}

  /** The same repository on a transaction. */
  with(q: Queryable): AssistantRepository {
    return new AssistantRepository(q);
  }

  async createConversation(c: { id: string; tenantId: string; channel: ConversationChannel; kioskId: string | null; language: Language; state: unknown; ownerTokenSha256: string; citizenDni: string | null }): Promise<void> {
    await this.q.query(
      `INSERT INTO conversations (id, tenant_id, channel, kiosk_id, language, state, owner_token_sha256, citizen_dni)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
      [c.id, c.tenantId, c.channel, c.kioskId, c.language, JSON.stringify(c.state), c.ownerTokenSha256, c.citizenDni],
    );
  }

  /** The conversation, locked for update when called inside a transaction (one message at a time). */
  async findConversation(tenantId: string, id: string, opts: { isForUpdate?: boolean } = {}): Promise<ConversationRow | undefined> {
    const res = await this.q.query<ConversationRow>(
      `SELECT * FROM conversations WHERE tenant_id = $1 AND id = $2${opts.isForUpdate ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return res.rows[0];
  }

  /**
   * Claims the conversation for one turn, for `leaseMs` at most, and returns it as it is now (state included);
   * undefined while another turn holds it. A lease rather than a row lock: a turn runs procedures that open their
   * own transactions, and PGlite has a single connection.
   */
  async claimTurn(tenantId: string, id: string, leaseMs: number): Promise<ConversationRow | undefined> {
    const res = await this.q.query<ConversationRow>(
      `UPDATE conversations SET turn_lock_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE tenant_id = $1 AND id = $2 AND (turn_lock_until IS NULL OR turn_lock_until < now())
        RETURNING *`,
      [tenantId, id, leaseMs],
    );
    return res.rows[0];
  }

  /**
   * Saves a turn's outcome and releases the claim. The status moves only from the one the turn started with, so a
   * hand-off accepted by staff meanwhile is never undone by the turn.
   */
  async finishTurn(tenantId: string, id: string, u: { language: Language; state: unknown; fromStatus: ConversationStatus; toStatus: ConversationStatus; citizenDni: string | null }): Promise<void> {
    await this.q.query(
      `UPDATE conversations SET language = $3, state = $4::jsonb, status = CASE WHEN status = $5 THEN $6 ELSE status END,
              citizen_dni = COALESCE($7, citizen_dni), turn_lock_until = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, u.language, JSON.stringify(u.state), u.fromStatus, u.toStatus, u.citizenDni],
    );
  }

  async releaseTurn(tenantId: string, id: string): Promise<void> {
    await this.q.query(`UPDATE conversations SET turn_lock_until = NULL WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  }

  async setStatus(tenantId: string, id: string, status: ConversationStatus): Promise<void> {
    await this.q.query(`UPDATE conversations SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, status]);
  }

  /** Appends a turn with the next number; a staff message and a citizen turn may race for it, so a clash retries. */
  async addTurn(tenantId: string, conversationId: string, t: NewTurn): Promise<TurnRow> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insertTurn(tenantId, conversationId, t);
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
  }

  private async insertTurn(tenantId: string, conversationId: string, t: NewTurn): Promise<TurnRow> {
    const res = await this.q.query<TurnRow>(
      `INSERT INTO conversation_turns (tenant_id, conversation_id, seq, role, text, replies, language, intent, confidence, alternatives, entity_types, is_misunderstood)
       VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM conversation_turns WHERE conversation_id = $2), $3, $4, $5::jsonb, $6, $7, $8, $9::jsonb, $10, $11)
       RETURNING *`,
      [
        tenantId,
        conversationId,
        t.role,
        t.text,
        t.replies ? JSON.stringify(t.replies) : null,
        t.language ?? null,
        t.intent ?? null,
        t.confidence ?? null,
        t.alternatives ? JSON.stringify(t.alternatives) : null,
        t.entityTypes ?? null,
        t.isMisunderstood ?? false,
      ],
    );
    const row = res.rows[0];
    if (!row) throw new Error('turn not inserted');
    return row;
  }

  async listTurns(tenantId: string, conversationId: string): Promise<TurnRow[]> {
    const res = await this.q.query<TurnRow>(`SELECT * FROM conversation_turns WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq`, [tenantId, conversationId]);
    return res.rows;
  }

  /** Citizen turns to review: not yet reviewed, and under the confidence bound or marked misunderstood. */
  async listForReview(tenantId: string, f: { maxConfidence: number; isMisunderstoodOnly: boolean; limit: number }): Promise<TurnRow[]> {
    const res = await this.q.query<TurnRow>(
      `SELECT * FROM conversation_turns
        WHERE tenant_id = $1 AND role = 'citizen' AND reviewed_at IS NULL
          AND (is_misunderstood OR (NOT $3 AND confidence IS NOT NULL AND confidence <= $2))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [tenantId, f.maxConfidence, f.isMisunderstoodOnly, f.limit],
    );
    return res.rows;
  }

  async findTurn(tenantId: string, id: number): Promise<TurnRow | undefined> {
    const res = await this.q.query<TurnRow>(`SELECT * FROM conversation_turns WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return res.rows[0];
  }

  async markReviewed(tenantId: string, id: number, intent: string, by: string): Promise<void> {
    await this.q.query(`UPDATE conversation_turns SET reviewed_at = now(), reviewed_by = $3, label_intent = $4 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, by, intent]);
  }
}

/** The default hand-off port: one queued row per conversation until staff close it. */
export function createDbHandoffPort(q: Queryable): HandoffPort {
  return {
    async request(r: HandoffRequest) {
      const open = await q.query<{ id: number }>(`SELECT id FROM handoff_requests WHERE tenant_id = $1 AND conversation_id = $2 AND status <> 'closed'`, [r.tenantId, r.conversationId]);
      const existing = open.rows[0];
      if (existing) return { id: existing.id, isNew: false };
      const res = await q.query<{ id: number }>(
        `INSERT INTO handoff_requests (tenant_id, conversation_id, reason, channel, kiosk_id, language)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (conversation_id) WHERE status <> 'closed' DO NOTHING RETURNING id`,
        [r.tenantId, r.conversationId, r.reason, r.channel, r.kioskId, r.language],
      );
      const row = res.rows[0];
      if (row) return { id: row.id, isNew: true };
      const again = await q.query<{ id: number }>(`SELECT id FROM handoff_requests WHERE tenant_id = $1 AND conversation_id = $2 AND status <> 'closed'`, [r.tenantId, r.conversationId]);
      return { id: again.rows[0]?.id ?? 0, isNew: false };
    },
  };
}
