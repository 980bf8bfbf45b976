import type { Reply } from '../../../shared/api/chat.ts';

/** The assistant's structured replies, as the server defines them. */
export type { Reply, QuickReply, Card } from '../../../shared/api/chat.ts';

export interface ChatMessage {
  id: string;
  from: 'user' | 'assistant';
  replies: Reply[];
}

/** The server answers a turn with { replies } (older drafts: a bare array); accept both. */
export function readReplies(body: unknown): Reply[] {
  if (Array.isArray(body)) return body as Reply[];
  if (body && typeof body === 'object' && Array.isArray((body as { replies?: unknown }).replies)) return (body as { replies: Reply[] }).replies;
  return [];
}

/** The plain text of a message, for reading aloud. */
export function spokenText(replies: Reply[], isEasyRead: boolean): string {
  return replies
    .map((r) => {
      if (r.type === 'text') return isEasyRead && r.easyRead ? r.easyRead : r.text;
      if (r.type === 'card') return [r.card.title, r.card.text].filter(Boolean).join('. ');
      return r.options.map((o) => o.label).join(', ');
    })
    .filter(Boolean)
    .join('. ');
}
