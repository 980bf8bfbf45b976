/**
 * Officers' accounts: registration (with each council's e-mail domain allow-list), e-mail verification, sign-in
 * with throttling, sessions on the shared session kernel, roles and own settings. Passwords go through the one
 * password helper (src/server/sessions/passwords.ts), as staff passwords and card PINs do.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { hashPassword, SessionKernel, verifyPassword, type StartedSession } from '../../sessions/index.ts';
import * as repo from './accounts.repository.ts';
import { requireMunicipality } from './gazetteer.service.ts';
import { registrationAttemptMail, verificationMail } from './observatory.mails.ts';
import { toAccount } from './observatory.presenters.ts';
import { actorFor, requireAccount, requireSystem, type ObsActor } from './observatory.policy.ts';
import type { Account, ObsRole, RegisterInput } from './observatory.schemas.ts';
import type { Mail, ObsContext } from './observatory.types.ts';

/**
 * What registering gives the caller: a new account and its verification token, or, when the address already has an
 * account, a made-up view to answer with (the same shape) and the real account to warn by e-mail.
 */
export type Registration =
  | { account: Account; verificationToken: string; existing?: undefined }
  | { account: Account; existing: Account; verificationToken?: undefined };

/** Sign-in attempts per (e-mail, client address) before that pair waits, and for how long (ms): as staff sign-in. */
export const SIGN_IN_MAX_ATTEMPTS = 5;
/** Attempts per e-mail from any address in the same window (guessing spread over many clients). */
export const SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS = 50;
export const SIGN_IN_LOCK_MS = 15 * 60_000;
/** The client address under which attempts from anywhere are counted. */
const ANY_CLIENT = '*';

/** An officer's session: eight hours of work, not cut short by a pause (idle = absolute). */
export const OBS_SESSION_TTL = { idleMs: 8 * 3600 * 1000, absoluteMs: 8 * 3600 * 1000 } as const;

/** E-mail verification links live this long (ms). */
const VERIFY_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;
/** At most one fresh verification e-mail per account this often (ms). */
const RESEND_COOLDOWN_MS = 60_000;

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

/** "@Elche.ES" -> "elche.es"; refuses what cannot be an e-mail domain. */
function normaliseDomain(domain: string): string {
  const d = domain.trim().replace(/^@/, '').toLowerCase();
  if (!/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d)) {
    throw new AppError('observatory.invalid_domain', { params: { domain } });
  }
  return d;
}

export class AccountsService {
  private readonly sessions: SessionKernel<{ accountId: string }, { accountId: string }>;

  constructor(private readonly ctx: ObsContext) {
    this.sessions = new SessionKernel(repo.obsSessionStore(ctx.db, OBS_SESSION_TTL.idleMs), { now: ctx.now });
  }

  /**
   * Registers an officer. Returns the account and the e-mail verification token (to mail as a link;
   * only its hash is stored). When the council has an allow-list, the e-mail domain must be on it.
   */
  async register(input: RegisterInput): Promise<{ account: Account; verificationToken: string }> {
    const r = await this.registerOrWarn(input);
    // Seeds, the CLI and tests want the token; the HTTP route uses registerOrWarn and never says "taken".
    if (r.existing) throw new AppError('observatory.email_taken');
    return r;
  }

  /**
   * Registration as the public route does it: a taken address is not refused (that would tell anyone which
   * addresses have accounts, MEDIUM-5's minor note); the result says so, for the caller to warn the owner.
   */
  async registerOrWarn(input: RegisterInput): Promise<Registration> {
    const { db } = this.ctx;
    const email = input.email.trim().toLowerCase();
    const domain = email.split('@')[1] ?? '';
    if (input.ine5) {
      await requireMunicipality(db, input.ine5);
      const allowed = await repo.allowedDomains(db, input.ine5);
      if (allowed.length > 0 && !allowed.some((d) => domain === d || domain.endsWith(`.${d}`))) {
        throw new AppError('observatory.domain_not_allowed', { params: { domain } });
      }
    }
    let handle = input.handle ?? (email.split('@')[0] ?? 'user').replace(/[^a-zA-Z0-9_.-]/g, '').slice(0, 30);
    if (handle.length < 2) handle = `user${handle}`;
    // Handles are public (shown on every post), so refusing a taken one tells nothing; checked before the e-mail.
    if (input.handle && (await repo.handleTaken(db, handle))) throw new AppError('observatory.handle_taken');
    for (let i = 2; await repo.handleTaken(db, handle); i++) handle = `${handle.replace(/\d+$/, '')}${i}`;
    const token = randomBytes(24).toString('base64url');
    // Hashed for a taken address too, so both answers take the same time.
    const passwordHash = await hashPassword(input.password);
    const existing = await repo.findAccountByEmail(db, email);
    if (existing) {
      // No "e-mail taken" (it would tell anyone which addresses have accounts): the caller answers as for a new
      // account and tells the address's owner instead. The view below is made up; nothing is stored.
      const lookalike: Account = {
        id: randomUUID(), email, handle, displayName: input.displayName, role: 'member', ine5: input.ine5 ?? null,
        organisation: input.organisation ?? null, language: input.language, isVerified: false, wantsDigest: true,
      };
      return { account: lookalike, existing: toAccount(existing) };
    }
    const row = await repo.insertAccount(db, {
      email, handle, displayName: input.displayName, passwordHash, ine5: input.ine5 ?? null, organisation: input.organisation ?? null,
      language: input.language, verifyTokenHash: sha256(token), verifyExpiresAt: new Date(this.ctx.now().getTime() + VERIFY_TOKEN_TTL_MS),
    });
    return { account: toAccount(row), verificationToken: token };
  }

  /** The e-mail to an existing account when someone registers its address again (the caller sends it, not awaited). */
  registrationAttemptMail(account: Account): Mail {
    return registrationAttemptMail(this.ctx.publicUrl, account);
  }

  /** The verification e-mail for a new account (the caller sends it through a Mailer). */
  verificationMail(account: Account, token: string): Mail {
    return verificationMail(this.ctx.publicUrl, account, token);
  }

  /**
   * A fresh verification token for an unverified account (the old link stops working), or undefined for an unknown or
   * already verified address, or when one was issued less than RESEND_COOLDOWN_MS ago: the caller answers the same in
   * every case, so nobody learns which addresses have accounts, and nobody can flood an inbox.
   */
  async reissueVerification(email: string): Promise<{ account: Account; verificationToken: string } | undefined> {
    const { db } = this.ctx;
    const row = await repo.findAccountByEmail(db, email.trim().toLowerCase());
    if (!row || row.email_verified_at) return undefined;
    const now = this.ctx.now().getTime();
    const issuedAt = row.verify_expires_at ? row.verify_expires_at.getTime() - VERIFY_TOKEN_TTL_MS : 0;
    if (now - issuedAt < RESEND_COOLDOWN_MS) return undefined;
    const token = randomBytes(24).toString('base64url');
    const updated = await repo.setVerifyToken(db, row.id, sha256(token), new Date(now + VERIFY_TOKEN_TTL_MS));
    return updated ? { account: toAccount(updated), verificationToken: token } : undefined;
  }

  async verifyEmail(token: string): Promise<Account> {
    const row = await repo.consumeVerifyToken(this.ctx.db, sha256(token), this.ctx.now());
    if (!row) throw new AppError('observatory.invalid_token');
    return toAccount(row);
  }

  /**
   * Checks e-mail and password, the same way for an unknown e-mail and a known one (MEDIUM-5): the attempt is counted
   * per (address typed, client IP) and per address typed from anywhere before anything is checked, the password always
   * goes through argon2 (against a throw-away hash when there is no account), and both answer `bad_credentials`, then
   * `sign_in_locked` (429) after SIGN_IN_MAX_ATTEMPTS from one client or SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS in all. The
   * low limit is per client, so a stranger's few guesses cannot lock an officer out from their own network.
   * `clientIp` is the request's address; callers without one (CLI, tests) share one bucket.
   */
  async authenticate(email: string, password: string, clientIp = 'local'): Promise<{ account: Account; actor: ObsActor }> {
    const { db } = this.ctx;
    const normalized = email.trim().toLowerCase();
    const emailHash = sha256(normalized);
    const now = this.ctx.now();
    // From this client (a low limit), then from anywhere (a high one, against guessing spread over many addresses);
    // an attempt refused by the first is not counted by the second, so one client cannot lock the address everywhere.
    const keys = [
      { key: { emailHash, ip: clientIp }, maxAttempts: SIGN_IN_MAX_ATTEMPTS },
      { key: { emailHash, ip: ANY_CLIENT }, maxAttempts: SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS },
    ];
    for (const { key, maxAttempts } of keys) {
      const attempt = await repo.reserveSignInAttempt(db, key, now, { maxAttempts, lockMs: SIGN_IN_LOCK_MS, windowMs: SIGN_IN_LOCK_MS });
      if (attempt.lockedUntil && attempt.lockedUntil > now) {
        // Not even checked: while the address waits, guessing teaches nothing.
        throw new AppError('observatory.sign_in_locked', { params: { minutes: Math.max(1, Math.ceil((attempt.lockedUntil.getTime() - now.getTime()) / 60_000)) } });
      }
    }
    const row = await repo.findAccountByEmail(db, normalized);
    const ok = await verifyPassword(row?.password_hash, password);
    if (!row || !ok) throw new AppError('observatory.bad_credentials');
    for (const { key } of keys) await repo.clearSignInAttempts(db, key);
    if (!row.email_verified_at) throw new AppError('observatory.email_not_verified');
    return { account: toAccount(row), actor: actorFor(row) };
  }

  async account(id: string): Promise<Account | undefined> {
    const row = await repo.findAccountById(this.ctx.db, id);
    return row ? toAccount(row) : undefined;
  }

  /** Opens a server-side session for a signed-in account; the token is for the cookie (only its hash is stored). */
  startSession(accountId: string): Promise<StartedSession> {
    return this.sessions.start({ accountId }, OBS_SESSION_TTL);
  }

  /** The actor of a live session token (undefined when ended, expired or the account is gone). */
  async actorForSession(token: string): Promise<ObsActor | undefined> {
    const live = await this.sessions.resolve(token);
    if (!live) return undefined;
    // The account is re-read on every request, so a role change takes effect at once.
    const row = await repo.findAccountById(this.ctx.db, live.record.accountId);
    return row ? actorFor(row) : undefined;
  }

  async endSession(token: string): Promise<void> {
    await this.sessions.endByToken(token);
  }

  /** Signs an officer out everywhere (CLI: a lost laptop, a person who left); returns how many sessions ended. */
  async endSessionsByEmail(actor: ObsActor, email: string): Promise<number> {
    requireSystem(actor);
    const row = await repo.findAccountByEmail(this.ctx.db, email);
    if (!row) throw new AppError('observatory.account_not_found');
    return repo.endAccountSessions(this.ctx.db, row.id, this.ctx.now());
  }

  /** Gives a role; only the system (CLI, seeds) may, so no officer can promote themselves. */
  async setRole(actor: ObsActor, accountIdToChange: string, role: ObsRole): Promise<void> {
    requireSystem(actor);
    await repo.setAccountRole(this.ctx.db, accountIdToChange, role);
  }

  /** Gives a role by e-mail (CLI); throws observatory.account_not_found for an unknown address. */
  async setRoleByEmail(actor: ObsActor, email: string, role: ObsRole): Promise<void> {
    const row = await repo.findAccountByEmail(this.ctx.db, email);
    if (!row) throw new AppError('observatory.account_not_found');
    await this.setRole(actor, row.id, role);
  }

  /** The signed-in officer's own settings (for now: whether they get the daily e-mail digest). */
  async updateOwnAccount(actor: ObsActor | undefined, patch: { wantsDigest?: boolean | undefined }): Promise<Account> {
    const a = requireAccount(actor);
    if (a.kind !== 'account') throw new AppError('observatory.forbidden');
    if (patch.wantsDigest !== undefined) await repo.setWantsDigest(this.ctx.db, a.id, patch.wantsDigest);
    const row = await repo.findAccountById(this.ctx.db, a.id);
    if (!row) throw new AppError('observatory.account_not_found');
    return toAccount(row);
  }

  /**
   * Restricts registration for a council to e-mail domains (system only): once a council has one, an address of any
   * other domain registering for it is refused (`observatory.domain_not_allowed`); subdomains of an allowed domain pass.
   */
  async allowDomain(actor: ObsActor, ine5: string, domain: string): Promise<{ ine5: string; domains: string[] }> {
    requireSystem(actor);
    await requireMunicipality(this.ctx.db, ine5);
    await repo.addAllowedDomain(this.ctx.db, ine5, normaliseDomain(domain));
    return { ine5, domains: await repo.allowedDomains(this.ctx.db, ine5) };
  }

  /** The e-mail domains a council allows (empty: any address may register for it). */
  async allowedDomains(actor: ObsActor, ine5: string): Promise<{ ine5: string; domains: string[] }> {
    requireSystem(actor);
    await requireMunicipality(this.ctx.db, ine5);
    return { ine5, domains: await repo.allowedDomains(this.ctx.db, ine5) };
  }

  /** Takes a domain off a council's allow-list (system only); removing the last one opens registration again. */
  async disallowDomain(actor: ObsActor, ine5: string, domain: string): Promise<{ ine5: string; domains: string[]; removed: boolean }> {
    requireSystem(actor);
    await requireMunicipality(this.ctx.db, ine5);
    const removed = await repo.removeAllowedDomain(this.ctx.db, ine5, normaliseDomain(domain));
    return { ine5, domains: await repo.allowedDomains(this.ctx.db, ine5), removed };
  }
}
