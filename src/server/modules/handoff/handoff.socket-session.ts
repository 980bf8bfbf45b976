/**
 * Keeps a staff inbox socket tied to the session that opened it (MEDIUM-4). A socket outlives the HTTP request that
 * upgraded it, so the session checked then can end (sign-out, expiry, a kiosk wipe) and the account can be disabled,
 * demoted or moved while the tab stays open. The session is read again, through identity, before every message the
 * agent sends, before events are forwarded (at most every EVENT_RECHECK_MS), and on a timer; when it is gone the
 * socket is closed with SESSION_ENDED_CLOSE_CODE and nothing more is sent or accepted.
 */
import type { Auth, StaffAuth, StaffRole } from '../../http-types.ts';

/** What the inbox needs from identity: the session behind a cookie value, read fresh (roles, disabled flag). */
export interface SessionResolver {
  /** `touch: false`: a check that is not the person's activity (timer, forwarded events) leaves the idle expiry alone. */
  resolveSession(token: string, opts?: { touch?: boolean }): Promise<Auth | undefined>;
}

/** Close code when the session has ended or no longer allows the inbox (4000-4999 are the application's; 4401 echoes HTTP 401). */
export const SESSION_ENDED_CLOSE_CODE = 4401;
/** A silent socket (no agent messages) still re-checks its session this often (ms). */
export const SESSION_RECHECK_MS = 30_000;
/** Events to the agent may reuse a successful check this recent (ms): a burst of turns costs one read, not one each. */
export const EVENT_RECHECK_MS = 2_000;

/** The roles that may use the inbox (admin passes every role check, as in requireStaff). */
const INBOX_ROLES: readonly StaffRole[] = ['agent', 'admin'];

/**
 * The staff member still allowed on this socket: the same session token resolves to the same person, in the same
 * council, still enabled (resolveSession drops disabled accounts) and still holding an inbox role.
 */
export function stillAllowed(auth: Auth | undefined, opened: Pick<StaffAuth, 'tenantId' | 'staffId'>): StaffAuth | undefined {
  if (!auth || auth.kind !== 'staff') return undefined;
  if (auth.tenantId !== opened.tenantId || auth.staffId !== opened.staffId) return undefined;
  return auth.roles.some((r) => INBOX_ROLES.includes(r)) ? auth : undefined;
}

export interface SocketSessionGuard {
  /**
   * True while the session allows the inbox. `maxAgeMs` lets a check this recent stand (0: always read again).
   * `isActivity`: the agent did something (a message), which extends the session's idle expiry like any request.
   * The first failure calls `onEnded` once; every later call answers false at once.
   */
  isLive(maxAgeMs?: number, isActivity?: boolean): Promise<boolean>;
  /** The staff member as last read (name and roles may have changed since the socket opened). */
  current(): StaffAuth;
  /** Stops the timer (call on close). */
  stop(): void;
}

/**
 * Starts watching. `token` is the signed-in cookie's value (undefined closes at the first check). The timer is
 * unref'd: an open socket must not keep a stopping process alive.
 */
export function guardSocketSession(opts: {
  sessions: SessionResolver;
  token: string | undefined;
  opened: StaffAuth;
  onEnded: (reason: 'session_ended' | 'check_failed') => void;
  recheckMs?: number;
  now?: () => number;
}): SocketSessionGuard {
  const now = opts.now ?? Date.now;
  let staff = opts.opened;
  let checkedAt = now();
  let hasEnded = false;
  let inFlight: Promise<boolean> | undefined;

  const end = (reason: 'session_ended' | 'check_failed') => {
    if (hasEnded) return;
    hasEnded = true;
    clearInterval(timer);
    opts.onEnded(reason);
  };

  const check = async (isActivity: boolean): Promise<boolean> => {
    if (!opts.token) {
      end('session_ended');
      return false;
    }
    try {
      const fresh = stillAllowed(await opts.sessions.resolveSession(opts.token, { touch: isActivity }), opts.opened);
      if (!fresh) {
        end('session_ended');
        return false;
      }
      staff = fresh;
      checkedAt = now();
      return !hasEnded;
    } catch {
      // Fail closed: a socket whose session cannot be read is not trusted with a citizen's conversation.
      end('check_failed');
      return false;
    }
  };

  const isLive = (maxAgeMs = 0, isActivity = false): Promise<boolean> => {
    if (hasEnded) return Promise.resolve(false);
    // A strict check (an agent's message) reads again itself: a read that began before a sign-out must not vouch for it.
    if (maxAgeMs <= 0) return check(isActivity);
    if (now() - checkedAt < maxAgeMs) return Promise.resolve(true);
    // Events arriving together share one read.
    inFlight ??= check(false).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  // Declared last, used by end() only from checks, which run after this line.
  const timer = setInterval(() => void isLive(0), opts.recheckMs ?? SESSION_RECHECK_MS);
  timer.unref();

  return {
    isLive,
    current: () => staff,
    stop: () => clearInterval(timer),
  };
}
