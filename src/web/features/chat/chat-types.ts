import type { ApiResponse } from '../../../shared/api/contract.ts';

/** One of the assistant's structured replies, as the server's contract describes a turn's answer. */
export type Reply = ApiResponse<'/api/v1/conversations/{id}/messages', 'post'>['replies'][number];
export type QuickReply = Extract<Reply, { type: 'quick_replies' }>['options'][number];
export type Card = Extract<Reply, { type: 'card' }>['card'];

export interface ChatMessage {
  id: string;
  from: 'user' | 'assistant';
  replies: Reply[];
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
