/** The only file with SQL for identity: citizens, cards, staff, sessions, OIDC state, audit log. */
import type { Queryable } from '../../db/db.ts';
import type { Channel, StaffRole } from '../../http-types.ts';
import type { SessionStore } from '../../sessions/index.ts';

export interface CitizenRow {
  tenant_id: string;
  dni: string;
  given_name: string;
  surname: string;
  email: string | null;
  language: string | null;
}

export interface CardRow {
  tenant_id: string;
  card_number: string;
  dni: string;
  pin_hash: string;
  failed_attempts: number;
  locked_at: Date | null;
}

export interface StaffRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  password_hash: string;
  roles: StaffRole[];
  disabled_at: Date | null;
}

export interface SessionRow {
  id: string;
  tenant_id: string;
  subject_type: 'citizen' | 'staff' | 'anonymous';
  subject_id: string | null;
  data: Record<string, unknown>;
  kiosk_id: string | null;
  created_at: Date;
  expires_at: Date;
  idle_expires_at: Date | null;
  last_seen_at: Date;
  ended_at: Date | null;
}

/** What identity keeps beside the kernel's fields: whose session it is, where it started, what it shows. */
export interface CouncilSessionFields {
  tenantId: string;
  subjectType: 'citizen' | 'staff';
  subjectId: string;
  data: Record<string, unknown>;
  kioskId: string | undefined;
}

/** Rows written before the idle lifetime was stored in `data` idle as a citizen's (20 min). */
const DEFAULT_IDLE_MS = 20 * 60_000;

export interface OidcStateRow {
  state: string;
  tenant_id: string;
  nonce: string;
  code_verifier: string;
  return_to: string | null;
  kiosk_id: string | null;
  expires_at: Date;
}

export interface AuditEntry {
  tenantId: string;
  actorType: 'citizen' | 'staff' | 'system' | 'anonymous';
  actorId?: string | undefined;
  action: string;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  channel?: Channel | undefined;
  kioskId?: string | undefined;
  requestId?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export class IdentityRepository {
  constructor(private readonly db: Queryable) {}

  // ---- citizens ----

  /** Inserts or refreshes the names (a certificate is the better source); returns the row. */
  async upsertCitizen(q: Queryable, c: { tenantId: string; dni: string; givenName: string; surname: string; email?: string | undefined; language?: string | undefined }): Promise<CitizenRow> {
    const r = await q.query<CitizenRow>(
      `INSERT INTO citizens (tenant_id, dni, given_name, surname, email, language)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, dni) DO UPDATE SET
         given_name = CASE WHEN EXCLUDED.given_name <> '' THEN EXCLUDED.given_name ELSE citizens.given_name END,
         surname = CASE WHEN EXCLUDED.surname <> '' THEN EXCLUDED.surname ELSE citizens.surname END,
         email = COALESCE(EXCLUDED.email, citizens.email),
         language = COALESCE(EXCLUDED.language, citizens.language)
       RETURNING tenant_id, dni, given_name, surname, email, language`,
      [c.tenantId, c.dni, c.givenName, c.surname, c.email ?? null, c.language ?? null],
    );
    const row = r.rows[0];
    if (!row) throw new Error('upsert citizen returned no row');
    return row;
  }

  /**
   * Adds a citizen first seen through an identity provider. A known citizen keeps the names the council
   * holds (the padrón); the provider's names only fill names that are empty. Returns the stored row.
   */
  async insertCitizenKeepingNames(q: Queryable, c: { tenantId: string; dni: string; givenName: string; surname: string }): Promise<CitizenRow> {
    const r = await q.query<CitizenRow>(
      `INSERT INTO citizens (tenant_id, dni, given_name, surname) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, dni) DO UPDATE SET
         given_name = CASE WHEN citizens.given_name = '' THEN EXCLUDED.given_name ELSE citizens.given_name END,
         surname = CASE WHEN citizens.surname = '' THEN EXCLUDED.surname ELSE citizens.surname END
       RETURNING tenant_id, dni, given_name, surname, email, language`,
      [c.tenantId, c.dni, c.givenName, c.surname],
    );
    const row = r.rows[0];
    if (!row) throw new Error('insert citizen returned no row');
    return row;
  }

  async findCitizen(tenantId: string, dni: string): Promise<CitizenRow | undefined> {
    const r = await this.db.query<CitizenRow>(
      'SELECT tenant_id, dni, given_name, surname, email, language FROM citizens WHERE tenant_id = $1 AND dni = $2',
      [tenantId, dni],
    );
    return r.rows[0];
  }

  async touchCitizenSignIn(tenantId: string, dni: string): Promise<void> {
    await this.db.query('UPDATE citizens SET last_sign_in_at = now() WHERE tenant_id = $1 AND dni = $2', [tenantId, dni]);
  }

  async countCitizens(tenantId: string): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM citizens WHERE tenant_id = $1', [tenantId]);
    return r.rows[0]?.n ?? 0;
  }

  // ---- cards ----

  async insertCard(q: Queryable, c: { tenantId: string; cardNumber: string; dni: string; pinHash: string }): Promise<void> {
    await q.query(
      `INSERT INTO citizen_cards (tenant_id, card_number, dni, pin_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, card_number) DO NOTHING`,
      [c.tenantId, c.cardNumber, c.dni, c.pinHash],
    );
  }

  async findCard(tenantId: string, cardNumber: string): Promise<CardRow | undefined> {
    const r = await this.db.query<CardRow>(
      'SELECT tenant_id, card_number, dni, pin_hash, failed_attempts, locked_at FROM citizen_cards WHERE tenant_id = $1 AND card_number = $2',
      [tenantId, cardNumber],
    );
    return r.rows[0];
  }

  /**
   * Takes one of the card's `maxAttempts` tries, in one statement, before the PIN is checked: parallel
   * guesses queue on the row, so no more than `maxAttempts` PINs are ever checked per lock. Undefined when
   * the card is unknown, locked or out of tries. `attempt` is this try's number (1-based).
   */
  async reserveCardAttempt(tenantId: string, cardNumber: string, maxAttempts: number): Promise<{ dni: string; pinHash: string; attempt: number } | undefined> {
    const r = await this.db.query<{ dni: string; pin_hash: string; failed_attempts: number }>(
      `UPDATE citizen_cards SET failed_attempts = failed_attempts + 1
       WHERE tenant_id = $1 AND card_number = $2 AND locked_at IS NULL AND failed_attempts < $3
       RETURNING dni, pin_hash, failed_attempts`,
      [tenantId, cardNumber, maxAttempts],
    );
    const row = r.rows[0];
    return row ? { dni: row.dni, pinHash: row.pin_hash, attempt: row.failed_attempts } : undefined;
  }

  /** Locks the card (a wrong PIN used its last try); a lock already in place keeps its time. */
  async lockCard(tenantId: string, cardNumber: string): Promise<void> {
    await this.db.query(
      'UPDATE citizen_cards SET locked_at = COALESCE(locked_at, now()) WHERE tenant_id = $1 AND card_number = $2',
      [tenantId, cardNumber],
    );
  }

  /** Resets the tries after a correct PIN, unless the card got locked meanwhile (then false). */
  async resetCardFailures(tenantId: string, cardNumber: string): Promise<boolean> {
    const r = await this.db.query(
      'UPDATE citizen_cards SET failed_attempts = 0 WHERE tenant_id = $1 AND card_number = $2 AND locked_at IS NULL',
      [tenantId, cardNumber],
    );
    return r.rowCount > 0;
  }

  async unlockCard(tenantId: string, cardNumber: string): Promise<boolean> {
    const r = await this.db.query(
      'UPDATE citizen_cards SET failed_attempts = 0, locked_at = NULL WHERE tenant_id = $1 AND card_number = $2',
      [tenantId, cardNumber],
    );
    return r.rowCount > 0;
  }

  async listCards(tenantId: string): Promise<CardRow[]> {
    const r = await this.db.query<CardRow>(
      'SELECT tenant_id, card_number, dni, pin_hash, failed_attempts, locked_at FROM citizen_cards WHERE tenant_id = $1 ORDER BY card_number',
      [tenantId],
    );
    return r.rows;
  }

  // ---- staff ----

  async insertStaff(q: Queryable, s: { id: string; tenantId: string; email: string; name: string; passwordHash: string; roles: StaffRole[] }): Promise<boolean> {
    const r = await q.query(
      `INSERT INTO staff_accounts (id, tenant_id, email, name, password_hash, roles) VALUES ($1, $2, $3, $4, $5, $6::text[])
       ON CONFLICT (tenant_id, email) DO NOTHING`,
      [s.id, s.tenantId, s.email, s.name, s.passwordHash, s.roles],
    );
    return r.rowCount > 0;
  }

  async findStaffByEmail(tenantId: string, email: string): Promise<StaffRow | undefined> {
    const r = await this.db.query<StaffRow>(
      'SELECT id, tenant_id, email, name, password_hash, roles, disabled_at FROM staff_accounts WHERE tenant_id = $1 AND email = $2',
      [tenantId, email],
    );
    return r.rows[0];
  }

  async findStaffById(tenantId: string, id: string): Promise<StaffRow | undefined> {
    const r = await this.db.query<StaffRow>(
      'SELECT id, tenant_id, email, name, password_hash, roles, disabled_at FROM staff_accounts WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    return r.rows[0];
  }

  async countStaff(tenantId: string): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM staff_accounts WHERE tenant_id = $1', [tenantId]);
    return r.rows[0]?.n ?? 0;
  }

  async touchStaffSignIn(tenantId: string, id: string): Promise<void> {
    await this.db.query('UPDATE staff_accounts SET last_sign_in_at = now() WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  }

  /**
   * Counts one sign-in attempt for an address from one client (`clientIp`, or '*' for the address from
   * anywhere), unless `maxAttempts` were already counted within `waitMs` of the last one. Returns the new
   * count, or undefined when the limit is reached (nothing counted). Counts older than `waitMs` start again.
   * One statement, so parallel attempts queue on the row and cannot pass the limit together.
   */
  async reserveStaffAttempt(q: Queryable, k: { tenantId: string; email: string; clientIp: string }, maxAttempts: number, waitMs: number): Promise<number | undefined> {
    const r = await q.query<{ attempts: number }>(
      `INSERT INTO staff_sign_in_attempts AS a (tenant_id, email, client_ip, attempts, last_attempt_at)
       VALUES ($1, $2, $3, 1, now())
       ON CONFLICT (tenant_id, email, client_ip) DO UPDATE SET
         attempts = CASE WHEN a.last_attempt_at <= now() - $5::double precision * interval '1 millisecond' THEN 1 ELSE a.attempts + 1 END,
         last_attempt_at = now()
       WHERE a.attempts < $4 OR a.last_attempt_at <= now() - $5::double precision * interval '1 millisecond'
       RETURNING attempts`,
      [k.tenantId, k.email, k.clientIp, maxAttempts, waitMs],
    );
    return r.rows[0]?.attempts;
  }

  /** When an address (from `clientIp`, or '*' for anywhere) may try again: its last attempt plus `waitMs`. */
  async staffAttemptsWaitUntil(q: Queryable, k: { tenantId: string; email: string; clientIp: string }, waitMs: number): Promise<Date | undefined> {
    const r = await q.query<{ until: Date }>(
      `SELECT last_attempt_at + $4::double precision * interval '1 millisecond' AS until
       FROM staff_sign_in_attempts WHERE tenant_id = $1 AND email = $2 AND client_ip = $3`,
      [k.tenantId, k.email, k.clientIp, waitMs],
    );
    return r.rows[0]?.until;
  }

  /** A correct password: the address starts afresh, from this client and from anywhere. */
  async clearStaffAttempts(tenantId: string, email: string): Promise<void> {
    await this.db.query('DELETE FROM staff_sign_in_attempts WHERE tenant_id = $1 AND email = $2', [tenantId, email]);
  }

  /** Forgets counts idle for longer than `waitMs` (they would start again anyway), so guessed addresses do not pile up. */
  async purgeStaffAttempts(waitMs: number): Promise<void> {
    await this.db.query(
      `DELETE FROM staff_sign_in_attempts WHERE last_attempt_at <= now() - $1::double precision * interval '1 millisecond'`,
      [waitMs],
    );
  }

  // ---- sessions ----

  /**
   * Council sessions as the session kernel's store (src/server/sessions/). A row belongs to one council; the idle
   * lifetime (citizen, kiosk or staff) rides in `data.idleMs`, so the kernel can push the idle expiry forward.
   */
  sessionStore(): SessionStore<CouncilSessionFields, SessionRow> {
    const db = this.db;
    return {
      async insert(s) {
        await db.query(
          `INSERT INTO sessions (id, tenant_id, subject_type, subject_id, data, kiosk_id, created_at, expires_at, idle_expires_at, last_seen_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $7)`,
          [s.id, s.fields.tenantId, s.fields.subjectType, s.fields.subjectId, JSON.stringify({ ...s.fields.data, idleMs: s.idleMs }),
           s.fields.kioskId ?? null, s.now, s.expiresAt, s.idleExpiresAt],
        );
      },
      async findLive(id, now) {
        // Live: not ended, neither expiry passed.
        const r = await db.query<SessionRow>(
          `SELECT id, tenant_id, subject_type, subject_id, data, kiosk_id, created_at, expires_at, idle_expires_at, last_seen_at, ended_at
           FROM sessions
           WHERE id = $1 AND ended_at IS NULL AND expires_at > $2 AND (idle_expires_at IS NULL OR idle_expires_at > $2)`,
          [id, now],
        );
        const row = r.rows[0];
        if (!row) return undefined;
        const idleMs = typeof row.data.idleMs === 'number' ? row.data.idleMs : DEFAULT_IDLE_MS;
        return { id: row.id, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, idleMs, record: row };
      },
      async touch(id, idleExpiresAt, now) {
        await db.query('UPDATE sessions SET last_seen_at = $3, idle_expires_at = $2 WHERE id = $1 AND ended_at IS NULL', [id, idleExpiresAt, now]);
      },
      async end(id, now) {
        const r = await db.query('UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [id, now]);
        return r.rowCount > 0;
      },
    };
  }

  async endSessionsForKiosk(tenantId: string, kioskId: string): Promise<number> {
    const r = await this.db.query('UPDATE sessions SET ended_at = now() WHERE tenant_id = $1 AND kiosk_id = $2 AND ended_at IS NULL', [tenantId, kioskId]);
    return r.rowCount;
  }

  async endSessionsForSubject(tenantId: string, subjectType: 'citizen' | 'staff', subjectId: string): Promise<number> {
    const r = await this.db.query(
      'UPDATE sessions SET ended_at = now() WHERE tenant_id = $1 AND subject_type = $2 AND subject_id = $3 AND ended_at IS NULL',
      [tenantId, subjectType, subjectId],
    );
    return r.rowCount;
  }

  // ---- OIDC ----

  async insertOidcState(s: { state: string; tenantId: string; nonce: string; codeVerifier: string; returnTo: string | undefined; kioskId: string | undefined; expiresAt: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO oidc_states (state, tenant_id, nonce, code_verifier, return_to, kiosk_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.state, s.tenantId, s.nonce, s.codeVerifier, s.returnTo ?? null, s.kioskId ?? null, s.expiresAt],
    );
  }

  /** Takes the state once (deleted as it is read, so a replayed callback finds nothing). */
  async takeOidcState(tenantId: string, state: string): Promise<OidcStateRow | undefined> {
    const r = await this.db.query<OidcStateRow>(
      `DELETE FROM oidc_states WHERE tenant_id = $1 AND state = $2 AND expires_at > now()
       RETURNING state, tenant_id, nonce, code_verifier, return_to, kiosk_id, expires_at`,
      [tenantId, state],
    );
    return r.rows[0];
  }

  // ---- audit ----

  async insertAudit(e: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (tenant_id, actor_type, actor_id, action, subject_type, subject_id, channel, kiosk_id, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [
        e.tenantId,
        e.actorType,
        e.actorId ?? null,
        e.action,
        e.subjectType ?? null,
        e.subjectId ?? null,
        e.channel ?? 'web',
        e.kioskId ?? null,
        e.requestId ?? null,
        JSON.stringify(e.details ?? {}),
      ],
    );
  }
}
