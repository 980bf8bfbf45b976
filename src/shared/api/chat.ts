/**
 * The assistant's structured replies, as the API sends them and the web app and widget render them. Written once
 * here so the server's output and the browser's input cannot drift apart.
 */

/** One structured reply. Every string comes from the assistant catalogue (or from the service that answered). */
export type Reply =
  | { type: 'text'; text: string; easyRead?: string }
  | { type: 'quick_replies'; options: QuickReply[] }
  | { type: 'card'; card: Card };

export interface QuickReply {
  label: string;
  /** Sent back as `{ action: payload }`. */
  payload: string;
}

export type CardKind = 'link' | 'form' | 'document' | 'payment' | 'signin' | 'sources';

export interface Card {
  kind: CardKind;
  title: string;
  url?: string;
  text?: string;
  /** Payment cards: the form the browser posts to the gateway. */
  method?: 'GET' | 'POST';
  fields?: Record<string, string>;
  /** Document cards: the secure verification code to show. */
  code?: string;
  /** Extra links (sources, .ics, verification page). */
  links?: { title: string; url: string }[];
}
