/** The observatory's daily work: yearly review reminders for stale records, then the e-mail digests. */
import { transactionWithLock } from '../../db/locks.ts';
import { startJob, type JobRecorder } from '../../jobs/index.ts';
import { insertReminderOnce } from './notifications.repository.ts';
import type { NotificationsService } from './notifications.service.ts';
import type { Mailer, ObsContext } from './observatory.types.ts';
import { projectsReviewedBefore } from './projects.repository.ts';

/** A published record should be confirmed by its owner or an editor at least this often. */
export const REVIEW_INTERVAL_DAYS = 365;
/** The observatory's jobs (digests, review reminders) run this often (ms): daily. */
export const DAILY_JOB_INTERVAL_MS = 24 * 3600 * 1000;
/** A digest covers unread notifications up to this old (ms). */
const DIGEST_LOOKBACK_MS = 7 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export class ObservatoryJobs {
  constructor(private readonly ctx: ObsContext, private readonly notifications: NotificationsService) {}

  /** Published records not reviewed for REVIEW_INTERVAL_DAYS (the reminder job's input). */
  async listStaleProjects(now = this.ctx.now(), days = REVIEW_INTERVAL_DAYS): Promise<{ id: string; slug: string; ownerAccountId: string | null; lastReviewedAt: string }[]> {
    const rows = await projectsReviewedBefore(this.ctx.db, new Date(now.getTime() - days * DAY_MS));
    return rows.map((p) => ({
      id: p.id, slug: p.slug, ownerAccountId: p.owner_account_id,
      lastReviewedAt: (p.reviewed_at ?? p.published_at ?? p.updated_at).toISOString(),
    }));
  }

  /**
   * Notifies each stale record's owner (in-app, so it reaches the digest). At most one reminder per record a year,
   * and none again until the record is reviewed or a year has passed since the last one. The check and the insert
   * are one statement, under a lock held by the whole transaction, so instances running the job at the same time
   * cannot both remind. Returns how many reminders were created.
   */
  async remindStaleProjects(now = this.ctx.now()): Promise<number> {
    const stale = await this.listStaleProjects(now);
    const yearAgo = now.getTime() - REVIEW_INTERVAL_DAYS * DAY_MS;
    return transactionWithLock(this.ctx.db, 'observatory.review_reminders', async (tx) => {
      let created = 0;
      for (const s of stale) {
        if (!s.ownerAccountId) continue;
        const since = new Date(Math.max(new Date(s.lastReviewedAt).getTime(), yearAgo));
        const isNew = await insertReminderOnce(tx, {
          accountId: s.ownerAccountId, kind: 'review_reminder', subjectType: 'project', subjectId: s.id,
          data: { slug: s.slug, lastReviewedAt: s.lastReviewedAt }, since, at: now,
        });
        if (isNew) created++;
      }
      return created;
    });
  }

  /**
   * E-mail digests of what officers have not read, then the yearly review reminders. Both are idempotent (claims and
   * guards in the database), so every instance may run it.
   */
  async runDailyJobs(mailer: Mailer): Promise<{ digests: number; reminders: number }> {
    // Each part runs even if the other fails (a mail server down must not stop the reminders, nor the reverse).
    const [reminders, digests] = [
      await this.remindStaleProjects().then((n) => ({ n }), (err: unknown) => ({ err })),
      // A week back: a notification missed by a failed run is retried, and older news is stale for an e-mail.
      await this.notifications.sendDigests(mailer, new Date(this.ctx.now().getTime() - DIGEST_LOOKBACK_MS)).then((n) => ({ n }), (err: unknown) => ({ err })),
    ];
    if ('err' in reminders) throw reminders.err;
    if ('err' in digests) throw digests.err;
    return { digests: digests.n, reminders: reminders.n };
  }

  /** Runs `runDailyJobs` every `intervalMs` (first after `firstRunMs`); returns the function that stops it. */
  startDailyJobs(opts: { mailer: Mailer; intervalMs?: number; firstRunMs?: number; onError: (err: unknown) => void; recorder?: JobRecorder | undefined }): () => void {
    return startJob({
      name: 'observatory-daily',
      run: () => this.runDailyJobs(opts.mailer),
      firstRunMs: opts.firstRunMs ?? 60_000,
      intervalMs: opts.intervalMs ?? DAILY_JOB_INTERVAL_MS,
      onError: opts.onError,
      recorder: opts.recorder,
    });
  }
}
