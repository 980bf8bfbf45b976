/**
 * Payment reminders: a citizen opts in (e-mail, SMS where a provider is configured, or both) and hears once when a
 * voluntary period opens and once when it is about to end. The job is idempotent: each (debt, kind, channel) is
 * claimed once, so several instances, or runs, send nothing twice.
 */
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import type { Mailer, SmsSender } from '../../mail/index.ts';
import { citizenActor, recordStep, type ProcedureContext } from '../../procedures/index.ts';
import { normalizePhone, type ReminderPrefs } from '../../../shared/api/payments.ts';
import type { Language } from '../../../shared/languages.ts';
import { addDays, localDateOf } from '../../../shared/zoned-time.ts';
import { localize, type TenantProfile, type TenantRegistry } from '../tenants/index.ts';
import { formatMoney, presentDebt } from './payments.presenters.ts';
import { paymentsRepository as repo } from './payments.repository.ts';

/** Days before the end of the voluntary period when the "ending soon" reminder goes out. */
export const REMINDER_DAYS_BEFORE_END = 5;

export interface PaymentRemindersDeps {
  db: Db;
  tenants: TenantRegistry;
  now: () => Date;
  mailer?: Mailer | undefined;
  sms?: SmsSender | undefined;
  onError?: ((err: unknown, what: string) => void) | undefined;
}

export function createPaymentReminders(deps: PaymentRemindersDeps) {
  const { db, tenants } = deps;
  const todayIn = (tenant: TenantProfile) => localDateOf(deps.now(), tenant.timeZone);

  async function getReminderPreferences(tenantId: string, dni: string): Promise<ReminderPrefs> {
    const row = await repo.findReminderPrefs(db, tenantId, dni);
    return { isEmail: row?.is_email ?? false, isSms: row?.is_sms ?? false, email: row?.email ?? null, phone: row?.phone ?? null, isSmsAvailable: deps.sms !== undefined };
  }

  return {
    /** The citizen's reminder choice and contact details (their own only: keyed by the signed-in DNI). */
    getReminderPreferences,

    /**
     * Turns payment reminders on or off for the citizen: by e-mail, by SMS (only where an SMS provider is configured),
     * or both. The phone is stored in E.164; a null phone removes it. Each channel turned on needs its address, given
     * now or stored before. The phone never goes to the audit log or to logs.
     */
    async setReminderPreferences(
      tenantId: string,
      dni: string,
      prefs: { email?: string | undefined; phone?: string | null | undefined; isEmail: boolean; isSms: boolean },
      ctx: ProcedureContext,
    ): Promise<ReminderPrefs> {
      // details name the field the way validation errors do, so the web form shows the message beside it.
      const refuse = (code: string, field: string) => new AppError(`payments.${code}`, { status: 400, details: [{ path: `body.${field}`, message: t(ctx.lang, `payments:errors.${code}`) }] });
      let phone: string | null | undefined = prefs.phone;
      if (typeof phone === 'string') {
        phone = phone.trim() === '' ? null : normalizePhone(phone);
        if (phone === undefined) throw refuse('invalid_phone', 'phone');
      }
      if (prefs.isSms && !deps.sms) throw refuse('sms_unavailable', 'isSms');
      const stored = await repo.findReminderPrefs(db, tenantId, dni);
      if (prefs.isSms && !(phone === undefined ? stored?.phone : phone)) throw refuse('phone_required', 'phone');
      if (prefs.isEmail && !(prefs.email ?? stored?.email)) throw refuse('email_required', 'email');
      await db.transaction(async (tx) => {
        await repo.upsertReminderPrefs(tx, { tenantId, dni, email: prefs.email, phone, language: ctx.lang, isEmail: prefs.isEmail, isSms: prefs.isSms });
        await recordStep(tx, tenantId, citizenActor(dni), ctx, { action: 'payment.reminders_set', details: { isEmail: prefs.isEmail, isSms: prefs.isSms } });
      });
      return getReminderPreferences(tenantId, dni);
    },

    /**
     * The reminder job: for citizens who opted in, one message when a voluntary period is open and one when it ends
     * within REMINDER_DAYS_BEFORE_END days. Idempotent: each (debt, kind, channel) is claimed once. Returns messages sent.
     */
    async sendReminders(): Promise<number> {
      let sent = 0;
      // One pass per calendar day that some council is on (councils in other time zones may be a day apart).
      for (const today of new Set(tenants.list().map(todayIn))) {
        for (const d of await repo.reminderCandidates(db, today)) {
          const tenant = tenants.find(d.tenant_id);
          if (!tenant || todayIn(tenant) !== today) continue;
          const ending = addDays(d.voluntary_end, -REMINDER_DAYS_BEFORE_END) <= today;
          const kind = ending ? 'period_ending' : 'period_open';
          const lang = tenant.languages.includes(d.language as Language) ? (d.language as Language) : tenant.defaultLanguage;
          const item = presentDebt(tenant, d, lang, today);
          const params = {
            council: localize(tenant.names, lang, tenant),
            tax: item.taxName,
            reference: item.reference,
            amount: formatMoney(item.amountDueCents, lang),
            end: item.voluntaryEnd,
          };
          if (d.is_email && d.email && deps.mailer && (await repo.claimReminder(db, d.tenant_id, d.id, kind, 'email'))) {
            await deps.mailer
              .send({ to: d.email, subject: t(lang, `payments:reminder.${kind}_subject`, params), text: t(lang, `payments:reminder.${kind}_body`, params) })
              .then(() => sent++)
              .catch((err: unknown) => deps.onError?.(err, 'payment reminder'));
          }
          if (d.is_sms && d.phone && deps.sms && (await repo.claimReminder(db, d.tenant_id, d.id, kind, 'sms'))) {
            await deps.sms
              .send(d.phone, t(lang, `payments:reminder.${kind}_sms`, params))
              .then(() => sent++)
              .catch((err: unknown) => deps.onError?.(err, 'payment reminder sms'));
          }
        }
      }
      return sent;
    },
  };
}
