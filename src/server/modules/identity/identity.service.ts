/**
 * Identity: sign-in by card + PIN, citizen certificate, OpenID Connect and staff password; server-side
 * sessions; CSRF tokens bound to the session. Never imports Fastify: the kiosk, the CLI and jobs use it too.
 */
import { randomUUID, type X509Certificate } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db, Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import type { Auth, AuthMethod, Channel, CitizenAuth, StaffAuth, StaffRole } from '../../http-types.ts';
import { isValidDniOrNie, normalizeDocumentId } from '../../../shared/validators.ts';
import { csrfTokens, hashPassword, SessionKernel, verifyPassword, type CsrfTokens, type SessionTtl } from '../../sessions/index.ts';
import { IdentityRepository, type AuditEntry, type CouncilSessionFields, type SessionRow } from './identity.repository.ts';
import { CertificateError, verifyCitizenCertificate, type TrustStore } from './x509.ts';

/** Consecutive wrong PINs that lock a card (issue 5: locked after 3 failures). */
export const MAX_PIN_ATTEMPTS = 3;

/** Session lifetimes in milliseconds: idle (since the last request) and absolute (since sign-in). */
export const SESSION_TTL = {
  citizen: { idleMs: 20 * 60_000, absoluteMs: 8 * 3600_000 },
  /** At a kiosk the next person may walk up: a short idle time, beside the kiosk's own wipe. */
  kiosk: { idleMs: 5 * 60_000, absoluteMs: 60 * 60_000 },
  staff: { idleMs: 60 * 60_000, absoluteMs: 12 * 3600_000 },
} as const;

/**
 * Staff sign-in attempts for one address from one client (IP) before that client waits, attempts for one
 * address from all clients together before it waits everywhere (high: many clients are needed to lock a
 * member out), and the wait in ms; counts idle for that long start again, and a correct password clears them.
 */
export const STAFF_MAX_FAILURES = 5;
export const STAFF_MAX_FAILURES_PER_ADDRESS = 50;
export const STAFF_LOCK_MS = 15 * 60_000;
/** The client_ip of the row counting an address's attempts from all clients (never a real address). */
const ANY_CLIENT = '*';

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'agent', 'editor', 'analyst'];

/** Where a sign-in happens; goes into the session and the audit log. */
export interface SignInContext {
  tenantId: string;
  channel: Channel;
  kioskId?: string | undefined;
  requestId?: string | undefined;
  /** The client's address as the server sees it (behind TRUSTED_PROXIES, the forwarded one); staff throttling. */
  clientIp?: string | undefined;
}

export interface SignedIn {
  /** The opaque cookie value (only its SHA-256 is stored). */
  token: string;
  auth: Auth;
  csrfToken: string;
  expiresAt: Date;
}

export interface CitizenIdentity {
  dni: string;
  givenName: string;
  surname: string;
}

interface CitizenSessionData {
  dni: string;
  givenName: string;
  surname: string;
  method: AuthMethod;
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class IdentityService {
  readonly repo: IdentityRepository;
  /** Tokens, row ids, idle and absolute expiry: the kernel shared with the observatory (src/server/sessions/). */
  private readonly sessions: SessionKernel<CouncilSessionFields, SessionRow>;
  private readonly csrf: CsrfTokens;

  constructor(
    private readonly deps: {
      db: Db;
      config: Pick<Config, 'SESSION_SECRET'>;
      /** Trust store for citizen certificates; undefined turns certificate sign-in off. */
      trustStore?: () => TrustStore | undefined;
    },
  ) {
    this.repo = new IdentityRepository(deps.db);
    this.sessions = new SessionKernel(this.repo.sessionStore());
    this.csrf = csrfTokens(deps.config.SESSION_SECRET, 'csrf');
  }

  /** Password/PIN hash (argon2id, library defaults: 19 MiB, t=2, p=1 — OWASP's minimum). */
  hashSecret(secret: string): Promise<string> {
    return hashPassword(secret);
  }

  /** Verifying against a fixed hash when the account is unknown keeps the timing the same (no enumeration). */
  private verifyOrBurn(hash: string | undefined, secret: string): Promise<boolean> {
    return verifyPassword(hash, secret);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.repo.insertAudit(entry);
  }

  // ---- citizens ----

  /**
   * Card + PIN (kiosks). Unknown card and wrong PIN give the same error; the third wrong PIN locks the card.
   * A try is taken from the card before the PIN is checked (and the tries reset on the right PIN), so a
   * burst of parallel guesses gets no more than MAX_PIN_ATTEMPTS PINs checked per lock.
   */
  async signInWithCard(ctx: SignInContext, cardNumber: string, pin: string): Promise<SignedIn> {
    const card = cardNumber.replace(/[\s-]/g, '');
    const base = { tenantId: ctx.tenantId, channel: ctx.channel, kioskId: ctx.kioskId, requestId: ctx.requestId, subjectType: 'card', subjectId: card } as const;
    const taken = await this.repo.reserveCardAttempt(ctx.tenantId, card, MAX_PIN_ATTEMPTS);
    if (!taken) {
      if (await this.repo.findCard(ctx.tenantId, card)) {
        // Locked, or out of tries while the last ones are still being checked: no PIN is checked.
        await this.audit({ ...base, actorType: 'anonymous', action: 'identity.card_sign_in_failed', details: { reason: 'locked' } });
        throw new AppError('identity.card_locked');
      }
      await this.verifyOrBurn(undefined, pin);
      await this.audit({ ...base, actorType: 'anonymous', action: 'identity.card_sign_in_failed', details: { reason: 'unknown_card' } });
      throw new AppError('identity.invalid_card_or_pin');
    }
    if (!(await this.verifyOrBurn(taken.pinHash, pin))) {
      const isLocked = taken.attempt >= MAX_PIN_ATTEMPTS;
      if (isLocked) await this.repo.lockCard(ctx.tenantId, card);
      await this.audit({ ...base, actorType: 'anonymous', action: isLocked ? 'identity.card_locked' : 'identity.card_sign_in_failed', details: { reason: 'wrong_pin', attempts: taken.attempt } });
      if (isLocked) throw new AppError('identity.card_locked');
      throw new AppError('identity.invalid_card_or_pin');
    }
    // A parallel wrong guess may have used the last try and locked the card while this PIN was checked.
    if (!(await this.repo.resetCardFailures(ctx.tenantId, card))) {
      await this.audit({ ...base, actorType: 'anonymous', action: 'identity.card_sign_in_failed', details: { reason: 'locked_during_check' } });
      throw new AppError('identity.card_locked');
    }
    const citizen = await this.repo.findCitizen(ctx.tenantId, taken.dni);
    return this.startCitizenSession(ctx, { dni: taken.dni, givenName: citizen?.given_name ?? '', surname: citizen?.surname ?? '' }, 'card');
  }

  /** A verified client certificate (TLS endpoint or trusted proxy header). */
  async signInWithCertificate(ctx: SignInContext, leaf: X509Certificate, presentedChain: X509Certificate[] = []): Promise<SignedIn> {
    const store = this.deps.trustStore?.();
    if (!store) throw new AppError('identity.certificate_unavailable');
    let who: CitizenIdentity;
    try {
      who = verifyCitizenCertificate(leaf, store, { presentedChain });
    } catch (err) {
      const problem = err instanceof CertificateError ? err.problem : 'unreadable';
      await this.audit({ tenantId: ctx.tenantId, actorType: 'anonymous', action: 'identity.certificate_refused', channel: ctx.channel, kioskId: ctx.kioskId, requestId: ctx.requestId, details: { problem } });
      throw new AppError(problem === 'expired' ? 'identity.certificate_expired' : 'identity.certificate_invalid', { status: 401, log: err instanceof Error ? err.message : undefined });
    }
    await this.repo.upsertCitizen(this.deps.db, { tenantId: ctx.tenantId, ...who });
    return this.startCitizenSession(ctx, who, 'x509');
  }

  /**
   * A citizen asserted by the council's OpenID Connect provider (the caller checked the tokens). The
   * provider's names only fill a citizen the council does not know yet: the names held by the council
   * (padrón) are kept, and the session greets the citizen by them.
   */
  async signInWithOidc(ctx: SignInContext, who: CitizenIdentity): Promise<SignedIn> {
    const dni = normalizeDocumentId(who.dni);
    if (!isValidDniOrNie(dni)) throw new AppError('identity.oidc_failed', { log: 'the provider gave no valid DNI/NIE' });
    const stored = await this.repo.insertCitizenKeepingNames(this.deps.db, { tenantId: ctx.tenantId, dni, givenName: who.givenName, surname: who.surname });
    return this.startCitizenSession(ctx, { dni, givenName: stored.given_name, surname: stored.surname }, 'oidc');
  }

  private async startCitizenSession(ctx: SignInContext, who: CitizenIdentity, method: AuthMethod): Promise<SignedIn> {
    const ttl = ctx.kioskId ? SESSION_TTL.kiosk : SESSION_TTL.citizen;
    const data: CitizenSessionData = { dni: who.dni, givenName: who.givenName, surname: who.surname, method };
    const s = await this.createSession(ctx, 'citizen', who.dni, { ...data }, ttl);
    await this.repo.touchCitizenSignIn(ctx.tenantId, who.dni);
    await this.audit({ tenantId: ctx.tenantId, actorType: 'citizen', actorId: who.dni, action: 'identity.sign_in', channel: ctx.channel, kioskId: ctx.kioskId, requestId: ctx.requestId, details: { method } });
    const auth: CitizenAuth = { kind: 'citizen', sessionId: s.id, tenantId: ctx.tenantId, ...data };
    return { token: s.token, auth, csrfToken: this.csrfTokenFor(s.id), expiresAt: s.expiresAt };
  }

  // ---- staff ----

  /**
   * Staff e-mail + password. Attempts are counted per address from this client (STAFF_MAX_FAILURES) and per
   * address from anywhere (STAFF_MAX_FAILURES_PER_ADDRESS), before the password is checked, for unknown
   * addresses exactly as for known ones: a stranger can neither lock a member out from elsewhere nor tell
   * which addresses exist (same status, same code, an argon2 check either way).
   */
  async signInStaff(ctx: SignInContext, email: string, password: string): Promise<SignedIn> {
    const address = normalizeEmail(email);
    const base = { tenantId: ctx.tenantId, channel: ctx.channel, kioskId: ctx.kioskId, requestId: ctx.requestId } as const;
    const row = await this.repo.findStaffByEmail(ctx.tenantId, address);
    const taken = await this.takeStaffAttempt(ctx.tenantId, address, ctx.clientIp ?? 'unknown');
    if (taken.waitUntil) {
      // Not even checked: while the address waits, guessing teaches nothing.
      await this.audit({ ...base, actorType: 'anonymous', action: 'identity.staff_sign_in_refused_locked', subjectType: 'staff', subjectId: row?.id });
      throw new AppError('identity.staff_locked', { params: { minutes: Math.max(1, Math.ceil((taken.waitUntil.getTime() - Date.now()) / 60_000)) } });
    }
    const isRight = await this.verifyOrBurn(row?.password_hash, password);
    if (!row || !isRight || row.disabled_at) {
      await this.audit({ ...base, actorType: 'anonymous', action: taken.isLast ? 'identity.staff_locked' : 'identity.staff_sign_in_failed', subjectType: 'staff', subjectId: row?.id });
      await this.repo.purgeStaffAttempts(STAFF_LOCK_MS);
      throw new AppError('identity.invalid_credentials');
    }
    await this.repo.clearStaffAttempts(ctx.tenantId, address);
    const s = await this.createSession(ctx, 'staff', row.id, {}, SESSION_TTL.staff);
    await this.repo.touchStaffSignIn(ctx.tenantId, row.id);
    await this.audit({ tenantId: ctx.tenantId, actorType: 'staff', actorId: row.id, action: 'identity.sign_in', channel: ctx.channel, kioskId: ctx.kioskId, requestId: ctx.requestId, details: { method: 'password' } });
    const auth: StaffAuth = { kind: 'staff', sessionId: s.id, tenantId: ctx.tenantId, staffId: row.id, name: row.name, roles: row.roles };
    return { token: s.token, auth, csrfToken: this.csrfTokenFor(s.id), expiresAt: s.expiresAt };
  }

  /**
   * Counts an attempt for the address from this client and from anywhere, both or neither (one
   * transaction). `waitUntil` when either limit is reached; `isLast` when this attempt used a last try.
   */
  private async takeStaffAttempt(tenantId: string, email: string, clientIp: string): Promise<{ waitUntil?: Date; isLast: boolean }> {
    const refused = new Error('staff sign-in attempts used up');
    let waitUntil: Date | undefined;
    try {
      return await this.deps.db.transaction(async (tx) => {
        const repo = new IdentityRepository(tx);
        let isLast = false;
        for (const [ip, max] of [[clientIp, STAFF_MAX_FAILURES], [ANY_CLIENT, STAFF_MAX_FAILURES_PER_ADDRESS]] as const) {
          const key = { tenantId, email, clientIp: ip };
          const n = await repo.reserveStaffAttempt(tx, key, max, STAFF_LOCK_MS);
          if (n === undefined) {
            waitUntil = (await repo.staffAttemptsWaitUntil(tx, key, STAFF_LOCK_MS)) ?? new Date(Date.now() + STAFF_LOCK_MS);
            // Rolls back the count already taken from the other row.
            throw refused;
          }
          isLast ||= n >= max;
        }
        return { isLast };
      });
    } catch (err) {
      if (err === refused && waitUntil) return { waitUntil, isLast: false };
      throw err;
    }
  }

  /** Creates a staff account (CLI, admin console). */
  async createStaff(input: { tenantId: string; email: string; name: string; password: string; roles: StaffRole[] }): Promise<{ id: string }> {
    if (input.password.length < 12) throw new AppError('identity.password_too_short', { params: { min: 12 } });
    const roles = [...new Set(input.roles)];
    if (roles.length === 0 || roles.some((r) => !STAFF_ROLES.includes(r))) throw new AppError('identity.invalid_role');
    const id = randomUUID();
    const isNew = await this.repo.insertStaff(this.deps.db, {
      id,
      tenantId: input.tenantId,
      email: normalizeEmail(input.email),
      name: input.name.trim(),
      passwordHash: await this.hashSecret(input.password),
      roles,
    });
    if (!isNew) throw new AppError('identity.staff_exists');
    return { id };
  }

  /** Unlocks a card after the citizen proved who they are at a counter. */
  /** Unlocks a card and audits who did it, in one transaction (nothing is recorded for an unknown card). */
  async unlockCard(tenantId: string, cardNumber: string, by: Omit<AuditEntry, 'tenantId' | 'action' | 'subjectType' | 'subjectId'>): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const repo = new IdentityRepository(tx);
      if (!(await repo.unlockCard(tenantId, cardNumber))) throw new AppError('identity.card_not_found');
      await repo.insertAudit({ ...by, tenantId, action: 'identity.card_unlocked', subjectType: 'card', subjectId: cardNumber });
    });
  }

  // ---- sessions ----

  private async createSession(
    ctx: SignInContext,
    subjectType: 'citizen' | 'staff',
    subjectId: string,
    data: Record<string, unknown>,
    ttl: SessionTtl,
  ): Promise<{ id: string; token: string; expiresAt: Date }> {
    return this.sessions.start({ tenantId: ctx.tenantId, subjectType, subjectId, data, kioskId: ctx.kioskId }, ttl);
  }

  /**
   * The signed-in person behind a cookie value, or undefined when the session is unknown, ended or expired.
   * `touch: false` reads without extending the idle expiry: a watcher re-checking an open staff socket on a timer is
   * not the person doing anything, and must not keep an unattended tab signed in for ever.
   */
  async resolveSession(token: string, opts: { touch?: boolean } = {}): Promise<Auth | undefined> {
    // Who it is is checked before the idle expiry moves: a disabled account's session is not kept alive.
    const live = await this.sessions.resolve(token, { touch: false });
    if (!live) return undefined;
    const auth = await this.authFromRow(live.record);
    if (!auth) return undefined;
    if (opts.touch !== false) await this.sessions.touchIfDue(live);
    return auth;
  }

  private async authFromRow(row: SessionRow): Promise<Auth | undefined> {
    if (row.subject_type === 'citizen' && row.subject_id) {
      const d = row.data as Partial<CitizenSessionData>;
      return {
        kind: 'citizen',
        sessionId: row.id,
        tenantId: row.tenant_id,
        dni: row.subject_id,
        givenName: d.givenName ?? '',
        surname: d.surname ?? '',
        method: d.method ?? 'card',
      };
    }
    if (row.subject_type === 'staff' && row.subject_id) {
      // Roles and the disabled flag are read fresh: a demoted or disabled account loses access at once.
      const staff = await this.repo.findStaffById(row.tenant_id, row.subject_id);
      if (!staff || staff.disabled_at) return undefined;
      return { kind: 'staff', sessionId: row.id, tenantId: row.tenant_id, staffId: staff.id, name: staff.name, roles: staff.roles };
    }
    return undefined;
  }

  /** Ends one session (sign-out; `id` is `auth.sessionId`). */
  async endSession(sessionId: string): Promise<boolean> {
    return this.sessions.end(sessionId);
  }

  /** Sign-out: ends the session and, when it was still open, audits it. */
  async signOut(sessionId: string, entry: Omit<AuditEntry, 'action'>): Promise<void> {
    if (await this.sessions.end(sessionId)) await this.audit({ ...entry, action: 'identity.signed_out' });
  }

  /**
   * Ends every open session started at a kiosk (the kiosk's wipe between citizens). Returns how many. With `q`, inside
   * the caller's transaction, so the wipe and its audit row commit together.
   */
  async endSessionsForKiosk(tenantId: string, kioskId: string, q?: Queryable): Promise<number> {
    return (q ? new IdentityRepository(q) : this.repo).endSessionsForKiosk(tenantId, kioskId);
  }

  // ---- CSRF ----

  /** The CSRF token of a session: an HMAC of its id, so it needs no storage and dies with the session. */
  csrfTokenFor(sessionId: string): string {
    return this.csrf.tokenFor(sessionId);
  }

  isCsrfTokenValid(sessionId: string, token: string | undefined): boolean {
    return this.csrf.isValid(sessionId, token);
  }
}
