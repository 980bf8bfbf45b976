/** In-app notifications (projects and the forum) and the e-mail digest of the unread ones. */
import type { Queryable } from '../../db/db.ts';
import * as repo from './notifications.repository.ts';
import { digestMail } from './observatory.mails.ts';
import { requireAccount, type ObsActor } from './observatory.policy.ts';
import { toNotification } from './observatory.presenters.ts';
import type { ObsNotification } from './observatory.schemas.ts';
import type { Mail, Mailer, ObsContext } from './observatory.types.ts';

export type NewNotification = { accountId: string; kind: string; subjectType: string; subjectId: string; data: Record<string, unknown> };

export class NotificationsService {
  constructor(private readonly ctx: ObsContext) {}

  /** Creates in-app notifications (used by the forum too); inside the caller's transaction when `tx` is given. */
  async notify(items: readonly NewNotification[], tx?: Queryable): Promise<void> {
    await repo.insertNotifications(tx ?? this.ctx.db, items);
  }

  async notifications(actor: ObsActor | undefined, opts: { onlyUnread?: boolean; limit?: number } = {}): Promise<ObsNotification[]> {
    const a = requireAccount(actor);
    if (a.kind !== 'account') return [];
    const rows = await repo.listNotifications(this.ctx.db, a.id, opts.onlyUnread ?? false, opts.limit ?? 50);
    return rows.map(toNotification);
  }

  async markNotificationsRead(actor: ObsActor | undefined, ids: number[] | 'all'): Promise<number> {
    const a = requireAccount(actor);
    if (a.kind !== 'account') return 0;
    return repo.markNotificationsRead(this.ctx.db, a.id, ids);
  }

  /**
   * Builds one digest e-mail per account from its unread notifications not yet e-mailed since `since`.
   * Pure with respect to sending: `sendDigests` mails them and marks them e-mailed.
   */
  async buildDigests(since: Date): Promise<{ accountId: string; notificationIds: number[]; mail: Mail }[]> {
    const rows = await repo.pendingDigestNotifications(this.ctx.db, since);
    const byAccount = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = byAccount.get(r.account_id) ?? [];
      list.push(r);
      byAccount.set(r.account_id, list);
    }
    const out: { accountId: string; notificationIds: number[]; mail: Mail }[] = [];
    for (const [acc, list] of byAccount) {
      const mail = digestMail(this.ctx.publicUrl, list);
      if (mail) out.push({ accountId: acc, notificationIds: list.map((n) => Number(n.id)), mail });
    }
    return out;
  }

  /**
   * Sends the digests through `mailer`; returns the number sent. Each account's notifications are claimed (marked
   * e-mailed in one UPDATE ... WHERE emailed_at IS NULL) before the mail goes out, so several instances running the
   * job at once never mail the same notification twice; a failed send releases the claim for the next run.
   */
  async sendDigests(mailer: Mailer, since: Date): Promise<number> {
    const { db } = this.ctx;
    const digests = await this.buildDigests(since);
    let sent = 0;
    for (const d of digests) {
      const claimed = new Set(await repo.claimNotificationsForEmail(db, d.notificationIds, this.ctx.now()));
      if (claimed.size === 0) continue;
      const rows = await repo.pendingDigestNotifications(db, since, { accountId: d.accountId, claimedIds: [...claimed] });
      const mail = digestMail(this.ctx.publicUrl, rows);
      if (!mail) continue;
      try {
        await mailer.send(mail);
      } catch (err) {
        await repo.releaseEmailClaim(db, [...claimed]);
        throw err;
      }
      sent++;
    }
    return sent;
  }
}
