/**
 * Data protection for conversations (issue 7 item 7), added by the staff-console work: the SQL that the
 * retention job and a citizen's export/erasure need. Deleting a conversation cascades to its turns and
 * hand-off requests. Conversations being answered by a person right now are never deleted by retention.
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

/** A citizen's conversations (those held while signed in) with their redacted turns. */
export async function exportConversationsForDni(q: Queryable, tenantId: string, dni: string): Promise<ConversationExport[]> {
  const convs = await q.query<{ id: string; channel: string; language: string; status: string; created_at: Date }>(
    `SELECT id, channel, language, status, created_at FROM conversations WHERE tenant_id = $1 AND citizen_dni = $2 ORDER BY created_at`,
    [tenantId, dni],
  );
  const out: ConversationExport[] = [];
  for (const c of convs.rows) {
    const turns = await q.query<{ seq: number; role: string; text: string; created_at: Date }>(
      `SELECT seq, role, text, created_at FROM conversation_turns WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq`,
      [tenantId, c.id],
    );
    out.push({ id: c.id, channel: c.channel, language: c.language, status: c.status, createdAt: new Date(c.created_at).toISOString(), turns: turns.rows.map((t) => ({ seq: t.seq, role: t.role, text: t.text, at: new Date(t.created_at).toISOString() })) });
  }
  return out;
}

/** Deletes a citizen's conversations (turns and hand-off requests cascade); returns how many. */
export async function eraseConversationsForDni(q: Queryable, tenantId: string, dni: string): Promise<number> {
  const res = await q.query(`DELETE FROM conversations WHERE tenant_id = $1 AND citizen_dni = $2`, [tenantId, dni]);
  return res.rowCount;
}
