/**
 * Taxes and fines: what a citizen owes, paying it through a gateway, and the notification that settles it.
 * A receipt is never paid twice: one paid payment per receipt (unique index), notifications processed under a
 * row lock keyed by order id through a state machine (created -> paid | denied | rejected), amounts checked.
 * Free of Fastify: the assistant calls listPending/startPayment with the same (tenant, dni, input, context).
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import type { Mailer, SmsSender } from '../../mail/index.ts';
import { normalizePhone, type PendingItem, type ReminderPrefs } from '../../../shared/api/payments.ts';
import type { Language } from '../../../shared/languages.ts';
import type { TaxConnector } from '../connectors/connectors.types.ts';
import { createOutboxSender } from '../connectors/outbox.ts';
import { citizenActor, recordEvent, recordStep, systemActor, systemContext, type ProcedureContext } from '../connectors/procedure-context.ts';
import type { PaymentGateway, RedirectForm } from './gateway/payment-gateway.ts';
import type { PaymentReceiptData } from '../certificates/payment-receipt.renderer.ts';
import { localize, type LoadedTenant, type TenantProfile, type TenantRegistry } from '../tenants/index.ts';
import { amountDueCents, isInVoluntaryPeriod } from './payments.amounts.ts';
import { paymentsRepository as repo, type DebtKind, type DebtRow, type PaymentRow, type PaymentStatus } from './payments.repository.ts';

export type { PendingItem, ReminderPrefs } from '../../../shared/api/payments.ts';

export interface PaymentView {
  id: string;
  debtId: string;
  orderId: string;
  gateway: string;
  amountCents: number;
  status: PaymentStatus;
  receiptCode: string | null;
  createdAt: string;
  settledAt: string | null;
}

export interface StartedPayment {
  paymentId: string;
  orderId: string;
  amountCents: number;
  redirectForm: RedirectForm;
}

export type NotificationOutcome = 'paid' | 'denied' | 'duplicate' | 'amount_mismatch' | 'already_paid' | 'unknown_order';

/** What the payments service needs from the certificates module (CertificatesService fits). */
export interface PaymentReceiptIssuer {
  issuePaymentReceipt(data: PaymentReceiptData): Promise<{ code: string; pdf: Buffer }>;
  originalPdf(code: string): Promise<{ pdf: Buffer; fileName: string }>;
}

export interface PaymentsDeps {
  db: Db;
  tenants: TenantRegistry;
  /** Gateways by name; `defaultGateway` is used when the caller names none (the sandbox in demos). */
  gateways: Record<string, PaymentGateway>;
  defaultGateway: string;
  /**
   * The gateway a council's profile names (payments.gateway), when it is not the sandbox. For that council it is the
   * only gateway: a citizen cannot ask for the sandbox and have a receipt marked paid without paying.
   */
  tenantGateway?: ((tenantId: string) => PaymentGateway | undefined) | undefined;
  /** The public base URL, for the gateway's return and notification addresses. */
  publicUrl: string;
  receipts?: PaymentReceiptIssuer | undefined;
  mailer?: Mailer | undefined;
  /** Off by default: councils plug in their SMS provider. */
  sms?: SmsSender | undefined;
  now?: () => Date;
  onError?: (err: unknown, what: string) => void;
  /** The council's tax system, when its profile names one (connectors.taxes); undefined keeps the embedded register. */
  taxConnectorFor?: ((tenantId: string) => TaxConnector | undefined) | undefined;
}

/** Redsys order numbers: 4 digits then up to 8 alphanumerics (12 in all). */
function newOrderId(): string {
  const digits = String(randomInt(0, 10_000)).padStart(4, '0');
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const tail = [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${digits}${tail}`;
}

const localDate = (d: Date, timeZone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** Days before the end of the voluntary period when the "ending soon" reminder goes out. */
export const REMINDER_DAYS_BEFORE_END = 5;

/** How long one sender holds an export before another may retry it. */
const EXPORT_LEASE_SECONDS = 120;

export type PaymentsService = ReturnType<typeof createPaymentsService>;

export function createPaymentsService(deps: PaymentsDeps) {
  const { db, tenants } = deps;
  const now = deps.now ?? (() => new Date());
  const todayIn = (tenant: TenantProfile) => localDate(now(), tenant.timeZone);

  function present(tenant: TenantProfile, d: DebtRow, lang: Language): PendingItem {
    const today = todayIn(tenant);
    const terms = { amountCents: Number(d.amount_cents), reductionPercent: d.reduction_percent, voluntaryStart: d.voluntary_start, voluntaryEnd: d.voluntary_end };
    return {
      id: d.id,
      kind: d.kind,
      taxCode: d.tax_code,
      taxName: localize(tenant.taxes.find((x) => x.code === d.tax_code)?.names, lang, tenant) || d.tax_code,
      reference: d.reference,
      concept: d.concept,
      fiscalYear: d.fiscal_year,
      amountCents: terms.amountCents,
      amountDueCents: amountDueCents(terms, today),
      reductionPercent: d.reduction_percent,
      isInVoluntaryPeriod: isInVoluntaryPeriod(terms, today),
      voluntaryStart: d.voluntary_start,
      voluntaryEnd: d.voluntary_end,
      status: d.status,
    };
  }

  const presentPayment = (p: PaymentRow): PaymentView => ({
    id: p.id,
    debtId: p.debt_id,
    orderId: p.order_id,
    gateway: p.gateway,
    amountCents: Number(p.amount_cents),
    status: p.status,
    receiptCode: p.receipt_code,
    createdAt: new Date(p.created_at).toISOString(),
    settledAt: p.settled_at ? new Date(p.settled_at).toISOString() : null,
  });

  function gatewayNamed(tenantId: string, name: string | undefined): PaymentGateway {
    const own = deps.tenantGateway?.(tenantId);
    if (own) {
      if (name !== undefined && name !== own.name) throw new AppError('payments.gateway_not_found', { status: 404 });
      return own;
    }
    const g = deps.gateways[name ?? deps.defaultGateway];
    if (!g) throw new AppError('payments.gateway_not_found', { status: 404 });
    return g;
  }

  /**
   * With a tax system: mirrors what it lists for the citizen into tax_debts and returns the references it listed,
   * so a debt it no longer knows (annulled, moved) is neither shown nor payable. Undefined for the embedded register.
   * When the tax system does not answer, nothing is shown or taken (`payments.connector_unavailable`): a stale list
   * could make someone pay what they already paid at the bank.
   */
  async function syncDebts(tenantId: string, dni: string): Promise<Set<string> | undefined> {
    const connector = deps.taxConnectorFor?.(tenantId);
    if (!connector) return undefined;
    const listed = await connector.listDebts(tenantId, dni);
    await db.transaction(async (tx) => {
      for (const d of listed) await repo.upsertExternalDebt(tx, tenantId, dni, randomUUID(), d);
    });
    return new Set(listed.map((d) => d.reference));
  }

  /** Pending debts the tax system did not list this time are hidden; paid ones stay as the citizen's history. */
  const isCurrent = (listed: Set<string> | undefined) => (d: DebtRow) => !listed || d.status === 'paid' || listed.has(d.reference);

  /**
   * Sends due payment exports to the councils' tax systems; returns how many were delivered. A refusal is retried like
   * an outage: the money was taken, so the tax system must hear of it, and a person sees the growing attempts.
   */
  const deliverPaymentExports = createOutboxSender<{ payment_id: string; tenant_id: string; attempts: number }, void>({
    db,
    now,
    onError: deps.onError,
    batchSize: 20,
    leaseSeconds: EXPORT_LEASE_SECONDS,
    claim: (q, _now, limit, leaseSeconds) => repo.claimExports(q, limit, leaseSeconds),
    async deliver(e) {
      const connector = deps.taxConnectorFor?.(e.tenant_id);
      const p = await repo.findPaymentById(db, e.tenant_id, e.payment_id);
      const debt = p ? await repo.findDebtById(db, e.tenant_id, p.debt_id) : undefined;
      if (!connector || !p || !debt) throw new Error('no tax connector, payment or debt for this export');
      await connector.recordPayment(e.tenant_id, {
        reference: debt.reference,
        paymentId: p.id,
        orderId: p.order_id,
        amountCents: Number(p.amount_cents),
        paidAt: new Date(p.settled_at ?? now()).toISOString(),
        gateway: p.gateway,
      });
    },
    markDelivered: (q, e) => repo.finishExport(q, e.payment_id, { isDone: true }),
    markRetry: (q, e, error, retryInSeconds) => repo.finishExport(q, e.payment_id, { isDone: false, error, retryInSeconds }),
    audit: { prefix: 'payment', subject: (e) => ({ subjectType: 'payment', subjectId: e.payment_id }), details: (e) => ({ attempts: e.attempts }) },
  });

  async function issueReceipt(tenantId: string, paymentId: string): Promise<string | undefined> {
    if (!deps.receipts) return undefined;
    const council: LoadedTenant | undefined = tenants.loaded(tenantId);
    const p = await repo.findPaymentById(db, tenantId, paymentId);
    if (!council || !p || p.status !== 'paid') return undefined;
    if (p.receipt_code) return p.receipt_code;
    const debt = await repo.findDebtById(db, tenantId, p.debt_id);
    if (!debt) return undefined;
    const lang = council.profile.languages.includes(p.language as Language) ? (p.language as Language) : council.profile.defaultLanguage;
    const doc = await deps.receipts.issuePaymentReceipt({
      council,
      language: lang,
      reference: debt.reference,
      concept: `${localize(council.profile.taxes.find((x) => x.code === debt.tax_code)?.names, lang, council.profile) || debt.tax_code} — ${debt.concept}`,
      period: String(debt.fiscal_year),
      payer: { dni: p.dni, name: (await repo.payerName(db, tenantId, p.dni)) ?? p.dni },
      amountCents: Number(p.amount_cents),
      paidAt: p.settled_at ? new Date(p.settled_at) : now(),
      gateway: p.gateway,
      orderId: p.order_id,
      ...(p.gateway_reference ? { authorisationCode: p.gateway_reference } : {}),
    });
    // Two concurrent issuers: the first code stored wins and is the one the citizen gets.
    if (await repo.setReceiptCode(db, tenantId, paymentId, doc.code)) return doc.code;
    return (await repo.findPaymentById(db, tenantId, paymentId))?.receipt_code ?? doc.code;
  }

  async function getReminderPreferences(tenantId: string, dni: string): Promise<ReminderPrefs> {
    const row = await repo.findReminderPrefs(db, tenantId, dni);
    return { isEmail: row?.is_email ?? false, isSms: row?.is_sms ?? false, email: row?.email ?? null, phone: row?.phone ?? null, isSmsAvailable: deps.sms !== undefined };
  }

  return {
    /** Payments still to record in the councils' tax systems, per council and status (for /metrics). */
    exportBacklog: () => repo.exportBacklog(db, now()),
    /** Receipts, liquidations, self-assessments and fines the citizen still has to pay, soonest deadline first. */
    async listPending(tenantId: string, dni: string, lang: Language): Promise<PendingItem[]> {
      const tenant = tenants.get(tenantId);
      const listed = await syncDebts(tenantId, dni);
      return (await repo.listDebts(db, tenantId, dni, 'pending')).filter(isCurrent(listed)).map((d) => present(tenant, d, lang));
    },

    /** Every debt of the citizen, paid or not. */
    async listAll(tenantId: string, dni: string, lang: Language): Promise<PendingItem[]> {
      const tenant = tenants.get(tenantId);
      const listed = await syncDebts(tenantId, dni);
      return (await repo.listDebts(db, tenantId, dni)).filter(isCurrent(listed)).map((d) => present(tenant, d, lang));
    },

    /** One of the citizen's debts; another citizen's id is `payments.not_found` (404). */
    async getDebt(tenantId: string, dni: string, debtId: string, lang: Language): Promise<PendingItem> {
      const tenant = tenants.get(tenantId);
      const listed = await syncDebts(tenantId, dni);
      const d = await repo.findDebt(db, tenantId, dni, debtId);
      if (!d || !isCurrent(listed)(d)) throw new AppError('payments.not_found', { status: 404 });
      return present(tenant, d, lang);
    },

    /**
     * Starts paying a debt: records the attempt (status created) with the amount due today and returns the form that
     * takes the browser to the gateway. Nothing is paid until the gateway's verified notification arrives.
     */
    async startPayment(tenantId: string, dni: string, input: { debtId: string; gateway?: string | undefined }, ctx: ProcedureContext): Promise<StartedPayment> {
      const tenant = tenants.get(tenantId);
      const gateway = gatewayNamed(tenantId, input.gateway);
      // Asked right before paying: a receipt settled at the bank this morning is not taken twice.
      const listed = await syncDebts(tenantId, dni);
      const debt = await repo.findDebt(db, tenantId, dni, input.debtId);
      if (!debt || !isCurrent(listed)(debt)) throw new AppError('payments.not_found', { status: 404 });
      if (debt.status === 'paid') throw new AppError('payments.already_paid', { status: 409 });
      const item = present(tenant, debt, ctx.lang);
      const paymentId = randomUUID();
      const orderId = newOrderId();
      await db.transaction(async (tx) => {
        await repo.insertPayment(tx, {
          id: paymentId,
          tenantId,
          debtId: debt.id,
          dni,
          orderId,
          gateway: gateway.name,
          amountCents: item.amountDueCents,
          channel: ctx.channel,
          kioskId: ctx.kioskId ?? null,
          language: ctx.lang,
        });
        await recordStep(tx, tenantId, citizenActor(dni), ctx, {
          action: 'payment.started',
          subjectType: 'payment',
          subjectId: paymentId,
          details: { debtId: debt.id, orderId, amountCents: item.amountDueCents, gateway: gateway.name },
        });
      });
      const base = `${deps.publicUrl.replace(/\/+$/, '')}/t/${tenantId}`;
      const { redirectForm } = gateway.createPayment({
        orderId,
        amountCents: item.amountDueCents,
        description: `${item.taxName} ${item.reference}`.slice(0, 125),
        urlOk: `${base}/payments/${paymentId}?result=ok`,
        urlKo: `${base}/payments/${paymentId}?result=ko`,
        notifyUrl: `${base}/api/v1/payments/notifications/${gateway.name}`,
        language: ctx.lang,
      });
      return { paymentId, orderId, amountCents: item.amountDueCents, redirectForm };
    },

    /**
     * Processes a gateway notification. Safe to call any number of times with the same or replayed body: the
     * payment row is locked, only a `created` payment moves, the amount must match, and a debt already paid by
     * another order is never paid again (that payment is `rejected` with reason already_paid, for refund).
     */
    async handleNotification(tenantId: string, gatewayName: string, body: unknown): Promise<{ outcome: NotificationOutcome; paymentId?: string }> {
      const gateway = gatewayNamed(tenantId, gatewayName);
      const n = gateway.verifyNotification(body);
      const digest = createHash('sha256').update(JSON.stringify(n.raw)).digest('hex');
      const result = await db.transaction(async (tx): Promise<{ outcome: NotificationOutcome; paymentId?: string }> => {
        const p = await repo.lockPaymentByOrder(tx, tenantId, n.orderId);
        const finish = async (outcome: NotificationOutcome, paymentId?: string) => {
          await repo.recordNotification(tx, tenantId, n.orderId, outcome, digest);
          await recordStep(tx, tenantId, systemActor, systemContext(), {
            action: `payment.notification.${outcome}`,
            subjectType: 'payment',
            ...(paymentId ? { subjectId: paymentId } : {}),
            details: { orderId: n.orderId, responseCode: n.responseCode, amountCents: n.amountCents },
          });
          return paymentId ? { outcome, paymentId } : { outcome };
        };
        if (!p || p.gateway !== gateway.name) return finish('unknown_order');
        if (p.status !== 'created') return finish('duplicate', p.id);
        if (!n.isAuthorised) {
          await repo.settlePayment(tx, tenantId, p.id, 'denied', n.responseCode, null);
          return finish('denied', p.id);
        }
        if (n.amountCents !== Number(p.amount_cents)) {
          await repo.settlePayment(tx, tenantId, p.id, 'rejected', 'amount_mismatch', n.authorisationCode ?? null);
          return finish('amount_mismatch', p.id);
        }
        if (!(await repo.markDebtPaid(tx, tenantId, p.debt_id, p.id, Number(p.amount_cents)))) {
          await repo.settlePayment(tx, tenantId, p.id, 'rejected', 'already_paid', n.authorisationCode ?? null);
          return finish('already_paid', p.id);
        }
        await repo.settlePayment(tx, tenantId, p.id, 'paid', null, n.authorisationCode ?? null);
        // The tax system hears of it from the outbox, at least once, even if it is down right now.
        if (deps.taxConnectorFor?.(tenantId)) await repo.queueExport(tx, tenantId, p.id);
        const lang = (['es', 'ca', 'en'] as const).find((l) => l === p.language) ?? 'es';
        // The figures count the payment where the citizen started it (web, kiosk…), not the gateway's callback.
        const channel = (['web', 'widget', 'kiosk', 'assistant', 'cli', 'api', 'system'] as const).find((c) => c === p.channel) ?? 'web';
        await recordEvent(tx, tenantId, { channel, kioskId: p.kiosk_id ?? undefined, lang }, 'payment.paid', { amountCents: Number(p.amount_cents), data: { debtId: p.debt_id, gateway: gateway.name } });
        return finish('paid', p.id);
      });
      if (result.outcome === 'paid' && result.paymentId) {
        await issueReceipt(tenantId, result.paymentId).catch((err: unknown) => deps.onError?.(err, 'payment receipt'));
        // Not awaited: the gateway's callback should not wait on the tax system; the job retries what fails.
        if (deps.taxConnectorFor?.(tenantId)) void deliverPaymentExports().catch((err: unknown) => deps.onError?.(err, 'payment export'));
      }
      return result;
    },

    deliverPaymentExports,

    /** The citizen's payment attempts, newest first. */
    async listPayments(tenantId: string, dni: string): Promise<PaymentView[]> {
      return (await repo.listPaymentsForCitizen(db, tenantId, dni)).map(presentPayment);
    },

    /** One of the citizen's payments (404 for anyone else's). */
    async getPayment(tenantId: string, dni: string, paymentId: string): Promise<PaymentView> {
      const p = await repo.findPaymentForCitizen(db, tenantId, dni, paymentId);
      if (!p) throw new AppError('payments.not_found', { status: 404 });
      return presentPayment(p);
    },

    /** The signed payment receipt PDF of a paid payment (issued now if the first attempt failed). */
    async receiptPdf(tenantId: string, dni: string, paymentId: string, ctx: ProcedureContext): Promise<{ pdf: Buffer; fileName: string; code: string }> {
      const p = await repo.findPaymentForCitizen(db, tenantId, dni, paymentId);
      if (!p) throw new AppError('payments.not_found', { status: 404 });
      if (p.status !== 'paid') throw new AppError('payments.not_paid', { status: 409 });
      if (!deps.receipts) throw new AppError('payments.receipt_unavailable', { status: 503 });
      const code = p.receipt_code ?? (await issueReceipt(tenantId, paymentId));
      if (!code) throw new AppError('payments.receipt_unavailable', { status: 503 });
      const doc = await deps.receipts.originalPdf(code);
      await recordStep(db, tenantId, citizenActor(dni), ctx, { action: 'payment.receipt_downloaded', subjectType: 'payment', subjectId: paymentId });
      return { ...doc, code };
    },

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
      const byToday = new Map<string, string>();
      for (const tenant of tenants.list()) byToday.set(todayIn(tenant), todayIn(tenant));
      for (const today of byToday.keys()) {
        for (const d of await repo.reminderCandidates(db, today)) {
          const tenant = tenants.find(d.tenant_id);
          if (!tenant || todayIn(tenant) !== today) continue;
          const ending = localDate(new Date(Date.parse(`${d.voluntary_end}T12:00:00Z`) - REMINDER_DAYS_BEFORE_END * 86_400_000), 'UTC') <= today;
          const kind = ending ? 'period_ending' : 'period_open';
          const lang = tenant.languages.includes(d.language as Language) ? (d.language as Language) : tenant.defaultLanguage;
          const item = present(tenant, d, lang);
          const params = {
            council: localize(tenant.names, lang, tenant),
            tax: item.taxName,
            reference: item.reference,
            amount: new Intl.NumberFormat(lang === 'en' ? 'en-GB' : `${lang}-ES`, { style: 'currency', currency: 'EUR' }).format(item.amountDueCents / 100),
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

    /** Adds a debt to the embedded register (staff tools, imports and tests). */
    async addDebt(tenantId: string, d: { dni: string; kind: DebtKind; taxCode: string; reference: string; concept: string; fiscalYear: number; amountCents: number; reductionPercent?: number; voluntaryStart: string; voluntaryEnd: string }): Promise<string> {
      if (!Number.isInteger(d.amountCents) || d.amountCents <= 0) throw new AppError('payments.invalid_amount', { status: 400 });
      const id = randomUUID();
      await repo.insertDebt(db, {
        id,
        tenant_id: tenantId,
        dni: d.dni,
        kind: d.kind,
        tax_code: d.taxCode,
        reference: d.reference,
        concept: d.concept,
        fiscal_year: d.fiscalYear,
        amount_cents: d.amountCents,
        reduction_percent: d.reductionPercent ?? (d.kind === 'fine' ? 50 : 0),
        voluntary_start: d.voluntaryStart,
        voluntary_end: d.voluntaryEnd,
      });
      return id;
    },
  };
}
