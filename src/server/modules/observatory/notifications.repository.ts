/**
 * In-app notifications, review reminders and the e-mail digest's claims.
 */
import type { Queryable } from '../../db/db.ts';
import type { Language } from '../../../shared/languages.ts';

export interface NotificationRow {
  id: number;
  account_id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
  emailed_at: Date | null;
}

export async function insertNotifications(
  db: Queryable,
  items: readonly { accountId: string; kind: string; subjectType: string; subjectId: string; data: Record<string, unknown> }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO global_obs_notifications (account_id, kind, subject_type, subject_id, data)
     SELECT r."accountId", r.kind, r."subjectType", r."subjectId", r.data
     FROM jsonb_to_recordset($1::jsonb) AS r("accountId" text, kind text, "subjectType" text, "subjectId" text, data jsonb)`,
    [JSON.stringify(items)],
  );
}

/**
 * Inserts a notification unless one of the same kind about the same subject exists since `since` (created at `at`,
 * the job's clock); true when inserted.
 */
export async function insertReminderOnce(
  db: Queryable,
  n: { accountId: string; kind: string; subjectType: string; subjectId: string; data: Record<string, unknown>; since: Date; at: Date },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO global_obs_notifications (account_id, kind, subject_type, subject_id, data, created_at)
     SELECT $1, $2, $3, $4, $5::jsonb, $7
     WHERE NOT EXISTS (SELECT 1 FROM global_obs_notifications WHERE kind = $2 AND subject_type = $3 AND subject_id = $4 AND created_at >= $6)
     RETURNING id`,
    [n.accountId, n.kind, n.subjectType, n.subjectId, JSON.stringify(n.data), n.since, n.at],
  );
  return r.rows.length > 0;
}

export async function listNotifications(db: Queryable, accountId: string, onlyUnread: boolean, limit: number): Promise<NotificationRow[]> {
  const r = await db.query<NotificationRow>(
    `SELECT * FROM global_obs_notifications WHERE account_id = $1 ${onlyUnread ? 'AND read_at IS NULL' : ''}
     ORDER BY created_at DESC, id DESC LIMIT $2`,
    [accountId, limit],
  );
  return r.rows;
}

export async function markNotificationsRead(db: Queryable, accountId: string, ids: readonly number[] | 'all'): Promise<number> {
  const r =
    ids === 'all'
      ? await db.query('UPDATE global_obs_notifications SET read_at = now() WHERE account_id = $1 AND read_at IS NULL', [accountId])
      : await db.query('UPDATE global_obs_notifications SET read_at = now() WHERE account_id = $1 AND id = ANY($2::int8[]) AND read_at IS NULL', [accountId, ids]);
  return r.rowCount;
}

export type DigestRow = NotificationRow & { email: string; display_name: string; language: Language };

/**
 * Unread, not yet e-mailed notifications of accounts that want digests, grouped later per account; with `claimedIds`,
 * exactly those (already claimed by this run) of one account.
 */
export async function pendingDigestNotifications(db: Queryable, since: Date, only?: { accountId: string; claimedIds: readonly number[] }): Promise<DigestRow[]> {
  const r = await db.query<DigestRow>(
    `SELECT n.*, a.email, a.display_name, a.language FROM global_obs_notifications n JOIN global_obs_accounts a ON a.id = n.account_id
     WHERE n.read_at IS NULL AND n.created_at >= $1 AND a.wants_digest AND a.email_verified_at IS NOT NULL
       AND ${only ? 'n.account_id = $2 AND n.id = ANY($3::int8[])' : 'n.emailed_at IS NULL'}
     ORDER BY n.account_id, n.created_at, n.id`,
    only ? [since, only.accountId, only.claimedIds] : [since],
  );
  return r.rows;
}

/** Marks notifications e-mailed unless another run already did; returns the ids this call claimed. */
export async function claimNotificationsForEmail(db: Queryable, ids: readonly number[], at: Date): Promise<number[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ id: number }>(
    'UPDATE global_obs_notifications SET emailed_at = $2 WHERE id = ANY($1::int8[]) AND emailed_at IS NULL RETURNING id',
    [ids, at],
  );
  return r.rows.map((x) => Number(x.id));
}

/** Undoes a claim whose e-mail could not be sent, so the next run tries again. */
export async function releaseEmailClaim(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('UPDATE global_obs_notifications SET emailed_at = NULL WHERE id = ANY($1::int8[])', [ids]);
}
