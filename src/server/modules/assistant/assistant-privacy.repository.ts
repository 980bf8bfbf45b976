/**
 * Data protection for conversations: the SQL that the retention job and a citizen's export/erasure need.
 * Deleting a conversation cascades to its turns and hand-off requests. Conversations being answered by a
 * person right now are never deleted by retention.
 */
import type { Queryable } from '../../db/db.ts';

export interface ConversationExport {
  id: string;
  channel: string;
  language: string;
  status: string;
  createdAt: string;
  turns: { seq: number; role: string; text: string; at: string }[];
}

/** Deletes the council's conversations untouched since `cutoff`; returns how many. */
export async function deleteConversationsBefore(q: Queryable, tenantId: string, cutoff: Date): Promise<number> {
  const res = await q.query(`DELETE FROM conversations WHERE tenant_id = $1 AND updated_at < $2 AND status <> 'with_human'`, [tenantId, cutoff.toISOString()]);
  return res.rowCount;
}

/** A citizen's conversations (those held while signed in) with their redacted turns, in one query. */
export async function exportConversationsForDni(q: Queryable, tenantId: string, dni: string): Promise<ConversationExport[]> {
  const res = await q.query<{ id: string; channel: string; language: string; status: string; created_at: Date; seq: number | null; role: string | null; text: string | null; turn_at: Date | null }>(
    `SELECT c.id, c.channel, c.language, c.status, c.created_at, t.seq, t.role, t.text, t.created_at AS turn_at
       FROM conversations c
       LEFT JOIN conversation_turns t ON t.tenant_id = c.tenant_id AND t.conversation_id = c.id
      WHERE c.tenant_id = $1 AND c.citizen_dni = $2
      ORDER BY c.created_at, c.id, t.seq`,
    [tenantId, dni],
  );
  const byId = new Map<string, ConversationExport>();
  for (const r of res.rows) {
    let conv = byId.get(r.id);
    if (!conv) {
      conv = { id: r.id, channel: r.channel, language: r.language, status: r.status, createdAt: new Date(r.created_at).toISOString(), turns: [] };
      byId.set(r.id, conv);
    }
    if (r.seq !== null && r.role !== null && r.text !== null && r.turn_at !== null) conv.turns.push({ seq: r.seq, role: r.role, text: r.text, at: new Date(r.turn_at).toISOString() });
  }
  return [...byId.values()];
}

/** Deletes a citizen's conversations (turns and hand-off requests cascade); returns how many. */
export async function eraseConversationsForDni(q: Queryable, tenantId: string, dni: string): Promise<number> {
  const res = await q.query(`DELETE FROM conversations WHERE tenant_id = $1 AND citizen_dni = $2`, [tenantId, dni]);
  return res.rowCount;
}
