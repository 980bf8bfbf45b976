/**
 * Officers' accounts: registration and verification, roles, sessions (the kernel's store), sign-in throttling
 * and each council's e-mail domain allow-list.
 */
import type { Queryable } from '../../db/db.ts';
import type { Language } from '../../../shared/languages.ts';
import type { SessionStore } from '../../sessions/index.ts';

export interface AccountRow {
  id: string;
  email: string;
  handle: string;
  display_name: string;
  password_hash: string;
  role: 'member' | 'editor' | 'moderator';
  ine5: string | null;
  organisation: string | null;
  language: Language;
  email_verified_at: Date | null;
  verify_expires_at: Date | null;
  wants_digest: boolean;
  created_at: Date;
}

export async function insertAccount(
  db: Queryable,
  a: { email: string; handle: string; displayName: string; passwordHash: string; ine5: string | null; organisation: string | null;
       language: Language; verifyTokenHash: string; verifyExpiresAt: Date },
): Promise<AccountRow> {
  const r = await db.query<AccountRow>(
    `INSERT INTO global_obs_accounts (email, handle, display_name, password_hash, ine5, organisation, language,
       verify_token_hash, verify_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [a.email, a.handle, a.displayName, a.passwordHash, a.ine5, a.organisation, a.language, a.verifyTokenHash, a.verifyExpiresAt],
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findAccountByEmail(db: Queryable, email: string): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>('SELECT * FROM global_obs_accounts WHERE lower(email) = lower($1)', [email]);
  return r.rows[0];
}

export async function findAccountById(db: Queryable, id: string): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>('SELECT * FROM global_obs_accounts WHERE id = $1', [id]);
  return r.rows[0];
}

export async function findAccountsByHandles(db: Queryable, handles: readonly string[]): Promise<AccountRow[]> {
  if (handles.length === 0) return [];
  const r = await db.query<AccountRow>(
    'SELECT * FROM global_obs_accounts WHERE lower(handle) = ANY($1::text[]) AND email_verified_at IS NOT NULL',
    [handles.map((h) => h.toLowerCase())],
  );
  return r.rows;
}

export async function handleTaken(db: Queryable, handle: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM global_obs_accounts WHERE lower(handle) = lower($1)', [handle]);
  return r.rows.length > 0;
}

/** Replaces an unverified account's verification token (only its hash is stored). */
export async function setVerifyToken(db: Queryable, id: string, tokenHash: string, expiresAt: Date): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>(
    `UPDATE global_obs_accounts SET verify_token_hash = $2, verify_expires_at = $3 WHERE id = $1 AND email_verified_at IS NULL RETURNING *`,
    [id, tokenHash, expiresAt],
  );
  return r.rows[0];
}

/** Marks the account with this (hashed) token verified; undefined when no live token matches. */
export async function consumeVerifyToken(db: Queryable, tokenHash: string, now: Date): Promise<AccountRow | undefined> {
  const r = await db.query<AccountRow>(
    `UPDATE global_obs_accounts SET email_verified_at = $2, verify_token_hash = NULL, verify_expires_at = NULL
     WHERE verify_token_hash = $1 AND verify_expires_at > $2 RETURNING *`,
    [tokenHash, now],
  );
  return r.rows[0];
}

export async function setAccountRole(db: Queryable, id: string, role: AccountRow['role']): Promise<void> {
  await db.query('UPDATE global_obs_accounts SET role = $2 WHERE id = $1', [id, role]);
}

/**
 * Officers' sessions as the session kernel's store (src/server/sessions/): a row per sign-in in global_obs_sessions,
 * keyed by the SHA-256 of the cookie's token. `idleMs` is the observatory's one idle lifetime.
 */
export function obsSessionStore(db: Queryable, idleMs: number): SessionStore<{ accountId: string }, { accountId: string }> {
  return {
    async insert(s) {
      await db.query(
        'INSERT INTO global_obs_sessions (token_hash, account_id, created_at, expires_at, idle_expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $3)',
        [s.id, s.fields.accountId, s.now, s.expiresAt, s.idleExpiresAt],
      );
    },
    async findLive(id, now) {
      const r = await db.query<{ account_id: string; expires_at: Date; last_seen_at: Date }>(
        `SELECT account_id, expires_at, last_seen_at FROM global_obs_sessions
         WHERE token_hash = $1 AND ended_at IS NULL AND expires_at > $2 AND (idle_expires_at IS NULL OR idle_expires_at > $2)`,
        [id, now],
      );
      const row = r.rows[0];
      return row ? { id, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, idleMs, record: { accountId: row.account_id } } : undefined;
    },
    async touch(id, idleExpiresAt, now) {
      await db.query('UPDATE global_obs_sessions SET last_seen_at = $3, idle_expires_at = $2 WHERE token_hash = $1 AND ended_at IS NULL', [id, idleExpiresAt, now]);
    },
    async end(id, now) {
      const r = await db.query('UPDATE global_obs_sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL', [id, now]);
      return r.rowCount > 0;
    },
  };
}

/** Ends every live session of an account; returns how many. Expired rows older than a day are dropped on the way. */
export async function endAccountSessions(db: Queryable, accountId: string, now: Date): Promise<number> {
  await db.query(`DELETE FROM global_obs_sessions WHERE expires_at < $1::timestamptz - interval '1 day'`, [now]);
  const r = await db.query('UPDATE global_obs_sessions SET ended_at = $2 WHERE account_id = $1 AND ended_at IS NULL AND expires_at > $2', [accountId, now]);
  return r.rowCount;
}

/**
 * Reserves one sign-in attempt for (e-mail hash, client address) before the password is checked, in one statement,
 * so parallel guesses cannot all be evaluated before the lock is written (the lesson of the card PIN burst).
 * The attempt that goes past `maxAttempts` starts the lock; a lock that has ended, or a count idle for `windowMs`,
 * starts again from one. Returns when the pair is locked until (null when this attempt may be checked).
 */
export async function reserveSignInAttempt(
  db: Queryable,
  key: { emailHash: string; ip: string },
  now: Date,
  limits: { maxAttempts: number; lockMs: number; windowMs: number },
): Promise<{ attempts: number; lockedUntil: Date | null }> {
  await db.query(`DELETE FROM global_obs_sign_in_failures WHERE last_attempt_at < $1::timestamptz - interval '1 day'`, [now]);
  const r = await db.query<{ attempts: number; locked_until: Date | null }>(
    `INSERT INTO global_obs_sign_in_failures AS f (email_hash, ip, attempts, locked_until, last_attempt_at)
     VALUES ($1, $2, 1, NULL, $3)
     ON CONFLICT (email_hash, ip) DO UPDATE SET
       attempts = CASE WHEN (f.locked_until IS NOT NULL AND f.locked_until <= $3)
                         OR (f.locked_until IS NULL AND f.last_attempt_at <= $3::timestamptz - $6 * interval '1 millisecond') THEN 1
                       ELSE f.attempts + 1 END,
       locked_until = CASE WHEN f.locked_until IS NOT NULL AND f.locked_until <= $3 THEN NULL
                           WHEN f.locked_until IS NULL AND f.last_attempt_at <= $3::timestamptz - $6 * interval '1 millisecond' THEN NULL
                           WHEN f.locked_until IS NULL AND f.attempts + 1 > $4 THEN $3::timestamptz + $5 * interval '1 millisecond'
                           ELSE f.locked_until END,
       last_attempt_at = $3
     RETURNING attempts, locked_until`,
    [key.emailHash, key.ip, now, limits.maxAttempts, limits.lockMs, limits.windowMs],
  );
  const row = r.rows[0];
  return { attempts: row?.attempts ?? 1, lockedUntil: row?.locked_until ?? null };
}

/** A right password clears the pair's count (like a staff sign-in resets its failures). */
export async function clearSignInAttempts(db: Queryable, key: { emailHash: string; ip: string }): Promise<void> {
  await db.query('DELETE FROM global_obs_sign_in_failures WHERE email_hash = $1 AND ip = $2', [key.emailHash, key.ip]);
}

export async function allowedDomains(db: Queryable, ine5: string): Promise<string[]> {
  const r = await db.query<{ domain: string }>('SELECT domain FROM global_obs_domain_allowlist WHERE ine5 = $1 ORDER BY domain', [ine5]);
  return r.rows.map((x) => x.domain);
}

export async function addAllowedDomain(db: Queryable, ine5: string, domain: string): Promise<void> {
  await db.query('INSERT INTO global_obs_domain_allowlist (ine5, domain) VALUES ($1, lower($2)) ON CONFLICT DO NOTHING', [ine5, domain]);
}

export async function removeAllowedDomain(db: Queryable, ine5: string, domain: string): Promise<boolean> {
  const r = await db.query('DELETE FROM global_obs_domain_allowlist WHERE ine5 = $1 AND domain = lower($2)', [ine5, domain]);
  return r.rowCount > 0;
}

export async function setWantsDigest(db: Queryable, accountId: string, wantsDigest: boolean): Promise<void> {
  await db.query('UPDATE global_obs_accounts SET wants_digest = $2 WHERE id = $1', [accountId, wantsDigest]);
}

/** A seed project's owner: verified, no digest, and no usable password ('!' is not an argon2 hash). Idempotent. */
export async function insertSeedOwner(db: Queryable, o: { email: string; handle: string; displayName: string; ine5: string | null }): Promise<void> {
  await db.query(
    `INSERT INTO global_obs_accounts (email, handle, display_name, password_hash, ine5, email_verified_at, wants_digest)
     VALUES ($1, $2, $3, '!', $4, now(), false) ON CONFLICT DO NOTHING`,
    [o.email, o.handle, o.displayName, o.ine5],
  );
}

/** A demo officer (DEMO_DATA only): created verified, or given its known password and role. */
export async function upsertDemoOfficer(
  db: Queryable,
  o: { existingId: string | undefined; email: string; handle: string; displayName: string; passwordHash: string; role: AccountRow['role'] },
): Promise<void> {
  if (o.existingId) {
    await db.query('UPDATE global_obs_accounts SET password_hash = $2, role = $3 WHERE id = $1', [o.existingId, o.passwordHash, o.role]);
    return;
  }
  await db.query(
    `INSERT INTO global_obs_accounts (email, handle, display_name, password_hash, role, email_verified_at, wants_digest)
     VALUES ($1, $2, $3, $4, $5, now(), false) ON CONFLICT DO NOTHING`,
    [o.email, o.handle, o.displayName, o.passwordHash, o.role],
  );
}
