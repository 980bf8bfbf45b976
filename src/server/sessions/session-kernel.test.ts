import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../testing/test-db.ts';
import { IdentityRepository, insertAccount, obsSessionStore, type CouncilSessionFields, type SessionRow } from '../testing/sessions.ts';
import { csrfTokens, hashPassword, SessionKernel, sessionIdOf, TOUCH_EVERY_MS, verifyPassword } from './index.ts';

const MINUTE = 60_000;
let t: TestDb;
let clock: Date;
let council: SessionKernel<CouncilSessionFields, SessionRow>;
let tenantId: string;
const fields = (subjectId: string): CouncilSessionFields => ({ tenantId, subjectType: 'citizen', subjectId, data: { givenName: 'Ana' }, kioskId: undefined });
const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

beforeAll(async () => {
  t = await createTestDb();
  tenantId = t.tenants[0]?.profile.id ?? 'alacant';
  clock = new Date('2026-12-04T10:00:00Z');
  council = new SessionKernel(new IdentityRepository(t.db).sessionStore(), { now: () => clock });
}, 120_000);
afterAll(async () => t.close());

describe('the session kernel', () => {
  it('stores only the SHA-256 of the cookie token as the row id, never the token', async () => {
    const s = await council.start(fields('12345678Z'), { idleMs: 20 * MINUTE, absoluteMs: 8 * 60 * MINUTE });
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.id).toBe(createHash('sha256').update(s.token).digest('base64url'));
    expect(sessionIdOf(s.token)).toBe(s.id);
    const rows = await t.db.query<{ id: string; data: Record<string, unknown> }>('SELECT id, data FROM sessions WHERE subject_id = $1', ['12345678Z']);
    expect(rows.rows.map((r) => r.id)).toEqual([s.id]);
    expect(JSON.stringify(rows.rows)).not.toContain(s.token);
    expect((await council.resolve(s.token))?.record).toMatchObject({ tenant_id: tenantId, subject_id: '12345678Z' });
    // The row id itself is not a cookie.
    expect(await council.resolve(s.id)).toBeUndefined();
    expect(await council.resolve('x'.repeat(129))).toBeUndefined();
    expect(await council.resolve('')).toBeUndefined();
  });

  it('ends a session after its idle time without requests, and extends it at most once a minute while in use', async () => {
    const s = await council.start(fields('00000001R'), { idleMs: 20 * MINUTE, absoluteMs: 8 * 60 * MINUTE });
    const lastSeen = async () => (await t.db.query<{ last_seen_at: Date }>('SELECT last_seen_at FROM sessions WHERE id = $1', [s.id])).rows[0]?.last_seen_at.getTime();
    const startedAt = clock.getTime();
    later(TOUCH_EVERY_MS / 2);
    expect(await council.resolve(s.token)).toBeDefined();
    expect(await lastSeen()).toBe(startedAt);
    later(15 * MINUTE);
    expect(await council.resolve(s.token, { touch: false })).toBeDefined();
    expect(await lastSeen()).toBe(startedAt);
    expect(await council.resolve(s.token)).toBeDefined();
    expect(await lastSeen()).toBe(clock.getTime());
    // 19 minutes after that request: still alive; 21: gone.
    later(19 * MINUTE);
    expect(await council.resolve(s.token, { touch: false })).toBeDefined();
    later(2 * MINUTE);
    expect(await council.resolve(s.token)).toBeUndefined();
  });

  it('ends a session at its absolute expiry however busy it is, and at sign-out', async () => {
    const s = await council.start(fields('00000002W'), { idleMs: 20 * MINUTE, absoluteMs: 60 * MINUTE });
    for (let i = 0; i < 5; i++) {
      later(10 * MINUTE);
      expect(await council.resolve(s.token), `after ${(i + 1) * 10} min`).toBeDefined();
    }
    later(11 * MINUTE);
    expect(await council.resolve(s.token)).toBeUndefined();

    const other = await council.start(fields('00000003A'), { idleMs: 20 * MINUTE, absoluteMs: 60 * MINUTE });
    expect(await council.end(other.id)).toBe(true);
    expect(await council.resolve(other.token)).toBeUndefined();
    expect(await council.end(other.id)).toBe(false);
  });

  it("serves the observatory's store the same way; a council session is no officer's session and the reverse", async () => {
    const account = await insertAccount(t.db, {
      email: 'kernel@ayto.example', handle: 'kernel', displayName: 'Kernel', passwordHash: '!', ine5: null, organisation: null,
      language: 'es', verifyTokenHash: 'x', verifyExpiresAt: clock,
    });
    const officers = new SessionKernel(obsSessionStore(t.db, 8 * 60 * MINUTE), { now: () => clock });
    const o = await officers.start({ accountId: account.id }, { idleMs: 8 * 60 * MINUTE, absoluteMs: 8 * 60 * MINUTE });
    expect((await officers.resolve(o.token))?.record).toEqual({ accountId: account.id });
    const c = await council.start(fields('00000004G'), { idleMs: 20 * MINUTE, absoluteMs: 60 * MINUTE });
    expect(await council.resolve(o.token)).toBeUndefined();
    expect(await officers.resolve(c.token)).toBeUndefined();
    later(8 * 60 * MINUTE);
    expect(await officers.resolve(o.token)).toBeUndefined();
  });

  it('re-encodes a hex SHA-256 (the observatory rows before migration 0620) to the same base64url id the kernel computes', async () => {
    const token = 'a-token-issued-before-the-kernel';
    const hex = createHash('sha256').update(token).digest('hex');
    const r = await t.db.query<{ id: string }>(`SELECT rtrim(translate(encode(decode($1, 'hex'), 'base64'), '+/', '-_'), '=') AS id`, [hex]);
    expect(r.rows[0]?.id).toBe(sessionIdOf(token));
  });
});

describe('CSRF tokens', () => {
  it('accept only the token of this session and this stack', () => {
    const council = csrfTokens('a'.repeat(32), 'csrf');
    const observatory = csrfTokens('a'.repeat(32), 'obs-csrf');
    const token = council.tokenFor('session-1');
    expect(council.isValid('session-1', token)).toBe(true);
    expect(council.isValid('session-2', token)).toBe(false);
    expect(observatory.isValid('session-1', token)).toBe(false);
    expect(council.isValid('session-1', undefined)).toBe(false);
    expect(council.isValid('session-1', `${token}x`)).toBe(false);
    expect(csrfTokens('b'.repeat(32), 'csrf').isValid('session-1', token)).toBe(false);
  });
});

describe('passwords', () => {
  it('verify the right secret only, and answer false (never throw) for an unknown account or a malformed hash', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'wrong')).toBe(false);
    expect(await verifyPassword(undefined, 'correct horse battery')).toBe(false);
    expect(await verifyPassword('!', 'anything')).toBe(false);
  });
});
