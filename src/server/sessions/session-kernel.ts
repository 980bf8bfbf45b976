/**
 * The one session kernel behind every sign-in (citizens, staff, observatory officers). The browser holds only
 * an opaque random token; the server keeps a row whose id is the token's SHA-256, so a database read does not
 * give anyone a usable cookie. A session ends at the first of: sign-out, its absolute expiry (since sign-in) and
 * its idle expiry (since the last request). Who the session belongs to, and where rows live, is the store's
 * business: identity keeps council-scoped rows in `sessions`, the observatory global ones in
 * `global_obs_sessions`. Never imports Fastify (see session-cookie.ts for the HTTP side).
 */
import { createHash, randomBytes } from 'node:crypto';

/** Lifetimes in ms: idle (since the last request) and absolute (since sign-in). */
export interface SessionTtl {
  idleMs: number;
  absoluteMs: number;
}

/** What the kernel needs of a live row; `record` is the store's own row (the account, the council...). */
export interface LiveSession<R> {
  id: string;
  expiresAt: Date;
  lastSeenAt: Date;
  /** This session's idle lifetime (sessions of one store may differ: a kiosk's is shorter). */
  idleMs: number;
  record: R;
}

/** Where a kind of session is kept. `now` is the kernel's clock, so a test that moves it moves every expiry. */
export interface SessionStore<F, R> {
  insert(s: { id: string; fields: F; idleMs: number; expiresAt: Date; idleExpiresAt: Date; now: Date }): Promise<void>;
  /** The row when not ended and neither expiry has passed at `now`. */
  findLive(id: string, now: Date): Promise<LiveSession<R> | undefined>;
  touch(id: string, idleExpiresAt: Date, now: Date): Promise<void>;
  end(id: string, now: Date): Promise<boolean>;
}

export interface StartedSession {
  /** Row id: the token's SHA-256 (base64url). Also what the CSRF token is bound to. */
  id: string;
  /** The cookie's value; never stored. */
  token: string;
  expiresAt: Date;
}

/** Idle expiry is pushed forward at most once a minute, so most requests cost one read, not a write. */
export const TOUCH_EVERY_MS = 60_000;
/** Tokens are 43 characters; anything much longer is not ours and is not even hashed. */
const MAX_TOKEN_LENGTH = 128;

/** The row id of a cookie token (undefined for an empty or absurdly long value). */
export function sessionIdOf(token: string): string | undefined {
  if (!token || token.length > MAX_TOKEN_LENGTH) return undefined;
  return createHash('sha256').update(token).digest('base64url');
}

export class SessionKernel<F, R> {
  private readonly now: () => Date;

  constructor(private readonly store: SessionStore<F, R>, opts: { now?: (() => Date) | undefined } = {}) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Opens a session: 32 random bytes for the cookie, their hash for the row. */
  async start(fields: F, ttl: SessionTtl): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const id = createHash('sha256').update(token).digest('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ttl.absoluteMs);
    const idleExpiresAt = new Date(Math.min(now.getTime() + ttl.idleMs, expiresAt.getTime()));
    await this.store.insert({ id, fields, idleMs: ttl.idleMs, expiresAt, idleExpiresAt, now });
    return { id, token, expiresAt };
  }

  /**
   * The live session behind a cookie token, or undefined. `touch: false` reads without extending the idle expiry
   * (a watcher re-checking an open socket on a timer is not the person doing anything).
   */
  async resolve(token: string, opts: { touch?: boolean } = {}): Promise<LiveSession<R> | undefined> {
    const id = sessionIdOf(token);
    if (!id) return undefined;
    const live = await this.store.findLive(id, this.now());
    if (!live) return undefined;
    if (opts.touch !== false) await this.touchIfDue(live);
    return live;
  }

  /**
   * Pushes the idle expiry forward (never past the absolute one), at most once every TOUCH_EVERY_MS. For a caller that
   * resolved with `touch: false` and then decided the session is in use (identity first checks the account is enabled).
   */
  async touchIfDue(live: LiveSession<R>): Promise<void> {
    const now = this.now();
    if (now.getTime() - live.lastSeenAt.getTime() < TOUCH_EVERY_MS) return;
    await this.store.touch(live.id, new Date(Math.min(now.getTime() + live.idleMs, live.expiresAt.getTime())), now);
  }

  /** Ends a session by row id (sign-out); false when it was not open. */
  end(id: string): Promise<boolean> {
    return this.store.end(id, this.now());
  }

  /** Ends the session behind a cookie token. */
  async endByToken(token: string): Promise<boolean> {
    const id = sessionIdOf(token);
    return id ? this.end(id) : false;
  }
}
