/**
 * CSRF tokens bound to a session: an HMAC of the session's row id under SESSION_SECRET, so they need no storage
 * and die with the session. `label` keeps the tokens of different stacks apart: an officer may hold a council
 * session and an observatory one in the same browser, and neither token works for the other.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface CsrfTokens {
  tokenFor(sessionId: string): string;
  /** Constant-time comparison; a missing token is never valid. */
  isValid(sessionId: string, given: string | undefined): boolean;
}

export function csrfTokens(secret: string, label: string): CsrfTokens {
  const tokenFor = (sessionId: string) => createHmac('sha256', secret).update(`${label}:${sessionId}`).digest('base64url');
  return {
    tokenFor,
    isValid(sessionId, given) {
      if (!given) return false;
      const expected = Buffer.from(tokenFor(sessionId));
      const got = Buffer.from(given);
      return got.length === expected.length && timingSafeEqual(got, expected);
    },
  };
}
