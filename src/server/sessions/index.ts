/** The session kernel shared by identity (citizens, staff) and the observatory (officers): only their stores differ. */
/** Tokens, row ids, idle and absolute expiry over a store. */
export { SessionKernel, sessionIdOf, TOUCH_EVERY_MS, type LiveSession, type SessionStore, type SessionTtl, type StartedSession } from './session-kernel.ts';
/** HMAC CSRF tokens bound to the session's row id. */
export { csrfTokens, type CsrfTokens } from './csrf.ts';
/** The signed, httpOnly cookie and the CSRF check on unsafe methods. */
export { sessionCookie, requireCsrf, UNSAFE_METHODS, type SessionCookie } from './session-cookie.ts';
/** argon2id hash and verify, with the constant-time dummy verify for unknown accounts. */
export { hashPassword, verifyPassword } from './passwords.ts';
