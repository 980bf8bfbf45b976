/**
 * SMS through a provider's HTTP API: one JSON POST per message with a bearer token. Most Spanish and European
 * providers (and any small relay a council runs in front of its own) accept this shape; a provider with another
 * body is a small relay or a new adapter, not a change to the callers.
 */
import { createJsonClient } from '../modules/connectors/index.ts';
import type { SmsSender } from './mailer.ts';

export interface HttpSmsOptions {
  /** The provider's endpoint, e.g. https://sms.example.net/v1/messages. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string | undefined;
  /** The sender name or number the provider should show (alphanumeric senders: at most 11 characters). */
  from?: string | undefined;
  /** Per request, ms (default 10 s): a slow provider must not hold the reminder job. */
  timeoutMs?: number;
}

/**
 * Sends `{ to, text, from? }` as JSON; any 2xx is success. Errors name the HTTP status only, never the number or
 * the text, because they end up in logs.
 */
export function createHttpSmsSender(opts: HttpSmsOptions): SmsSender {
  const http = createJsonClient({ baseUrl: opts.url, token: opts.token, timeoutMs: opts.timeoutMs ?? 10_000, label: 'SMS provider' });
  return {
    async send(to, text) {
      const answer = await http.send('', '', { method: 'POST', body: { to, text, ...(opts.from ? { from: opts.from } : {}) } });
      // The provider's answer may quote the number or the text back: only the status goes into the error.
      if (!answer.ok) throw http.refusal('', answer, { isBodyShown: false });
    },
  };
}
