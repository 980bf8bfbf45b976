/**
 * Taxes and fines: what a citizen owes, paying it through a gateway, and the notification that settles it.
 * A receipt is never paid twice: one paid payment per receipt (unique index), notifications processed under a
 * row lock keyed by order id through a state machine (created -> paid | denied | rejected, created -> expired when
 * superseded), amounts checked. A citizen is never charged twice either (HIGH-1): a debt has one open order at a
 * time, reused by every start while it is open, and every authorisation that cannot be applied becomes a refund case,
 * sent back through the gateway where the council allows it and otherwise settled by staff.
 * Free of Fastify: the assistant calls listPending/startPayment with the same (tenant, dni, input, context).
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { isUniqueViolation, type Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import type { Mailer, SmsSender } from '../../mail/index.ts';
import { normalizePhone, type PendingItem, type ReminderPrefs } from '../../../shared/api/payments.ts';
import type { Language } from '../../../shared/languages.ts';
import type { TaxConnector } from '../connectors/connectors.types.ts';
import { citizenActor, createOutboxSender, recordEvent, recordStep, systemActor, systemContext, type Actor, type ProcedureContext } from '../../procedures/index.ts';
import { RefundRefusedError, type PaymentGateway, type RedirectForm, type RefundResult } from './gateway/payment-gateway.ts';
import type { PaymentReceiptData } from '../certificates/payment-receipt.renderer.ts';
import { localize, type LoadedTenant, type TenantProfile, type TenantRegistry } from '../tenants/index.ts';
import { amountDueCents, isInVoluntaryPeriod } from './payments.amounts.ts';
import {
  paymentsRepository as repo,
  type DebtKind,
  type DebtRow,
  type PaymentRow,
  type PaymentStatus,
  type RefundClaim,
  type RefundReason,
  type RefundRow,
  type RefundStatus,
} from './payments.repository.ts';

export type { PendingItem, ReminderPrefs } from '../../../shared/api/payments.ts';

export interface PaymentView {
  id: string;
  debtId: string;
  /** The receipt's reference as the citizen knows it (IBI-2026-…). */
  reference: string | null;
  orderId: string;
  gateway: string;
  amountCents: number;
  status: PaymentStatus;
  receiptCode: string | null;
  createdAt: string;
  settledAt: string | null;
  /** Money the gateway took for this payment that no receipt kept, and how it goes back; null when there is none. */
  refund: CitizenRefundView | null;
}

/** A refund as the citizen sees it in their history: the message is in their language, the amount in cents. */
export interface CitizenRefundView {
  status: RefundStatus;
  reason: RefundReason;
  amountCents: number;
  message: string;
}

/** A refund case as staff (admins) see it on the console. */
export interface RefundCaseView {
  id: string;
  orderId: string;
  gateway: string;
  paymentId: string | null;
  debtId: string | null;
  reference: string | null;
  dni: string | null;
  amountCents: number;
  reason: RefundReason;
  status: RefundStatus;
  mode: 'auto' | 'manual';
  gatewayResponse: string | null;
  attempts: number;
  lastError: string | null;
  resolvedBy: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface StartedPayment {
  paymentId: string;
  orderId: string;
  amountCents: number;
  redirectForm: RedirectForm;
}

/** late: an authorisation for an order that was already closed (expired and superseded, or denied). */
export type NotificationOutcome = 'paid' | 'denied' | 'duplicate' | 'amount_mismatch' | 'already_paid' | 'unknown_order' | 'late';

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
  /** How long an order stays open, ms (OPEN_ORDER_TTL_MS unless a test says otherwise). */
  openOrderTtlMs?: number | undefined;
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

/**
 * How long an order stays open: every start for the debt meanwhile gets this order (and its gateway form) back, so a
 * second tab or a double click cannot open a second charge. Paying at the gateway (card details, the bank's 3-D
 * Secure step) takes minutes; 30 leaves a wide margin so an order rarely closes under a citizen who is still paying,
 * yet someone who gave up can start again within the same sitting. The sandbox's page lives exactly as long. If an
 * order does close and is superseded, an authorisation that still arrives for it becomes a refund case, not lost money.
 */
export const OPEN_ORDER_TTL_MS = 30 * 60_000;

/** How long one sender holds a refund before another may retry it: longer than the gateway's 15 s timeout. */
const REFUND_LEASE_SECONDS = 120;

const INTL_LOCALE: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };
const formatMoney = (cents: number, lang: Language): string => new Intl.NumberFormat(INTL_LOCALE[lang], { style: 'currency', currency: 'EUR' }).format(cents / 100);

/** The citizen's message for a refund: what happened while it is open, how it went back once settled. */
function refundMessage(r: Pick<RefundRow, 'status' | 'reason' | 'amount_cents'>, lang: Language): string {
  const key = r.status === 'refunded' ? 'refunded' : r.status === 'refund_by_hand' ? 'refund_by_hand' : r.reason;
  return t(lang, `payments:refund.${key}`, { amount: formatMoney(Number(r.amount_cents), lang) });
}

const presentRefundCase = (r: RefundRow): RefundCaseView => ({
  id: r.id,
  orderId: r.order_id,
  gateway: r.gateway,
  paymentId: r.payment_id,
  debtId: r.debt_id,
  reference: r.reference,
  dni: r.dni,
  amountCents: Number(r.amount_cents),
  reason: r.reason,
  status: r.status,
  mode: r.refund_mode,
  gatewayResponse: r.gateway_response,
  attempts: r.attempts,
  lastError: r.last_error,
  resolvedBy: r.resolved_by,
  createdAt: new Date(r.created_at).toISOString(),
  resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
});

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

  const orderTtlMs = deps.openOrderTtlMs ?? OPEN_ORDER_TTL_MS;

  const presentPayment = (p: PaymentRow, refund: RefundRow | undefined, lang: Language): PaymentView => ({
    id: p.id,
    debtId: p.debt_id,
    reference: p.debt_reference ?? null,
    orderId: p.order_id,
    gateway: p.gateway,
    amountCents: Number(p.amount_cents),
    status: p.status,
    receiptCode: p.receipt_code,
    createdAt: new Date(p.created_at).toISOString(),
    settledAt: p.settled_at ? new Date(p.settled_at).toISOString() : null,
    refund: refund ? { status: refund.status, reason: refund.reason, amountCents: Number(refund.amount_cents), message: refundMessage(refund, lang) } : null,
  });

  /** The gateway that took an order, to send its refund; undefined when this council no longer has it. */
  function gatewayForRefund(tenantId: string, name: string): PaymentGateway | undefined {
    const own = deps.tenantGateway?.(tenantId);
    if (own) return own.name === name ? own : undefined;
    return processGateway(name);
  }

  /** A process-wide gateway by name; the name comes from a URL, so `constructor` or `__proto__` must not match. */
  function processGateway(name: string): PaymentGateway | undefined {
    return Object.hasOwn(deps.gateways, name) ? deps.gateways[name] : undefined;
  }

  function gatewayNamed(tenantId: string, name: string | undefined): PaymentGateway {
    const own = deps.tenantGateway?.(tenantId);
    if (own) {
      if (name !== undefined && name !== own.name) throw new AppError('payments.gateway_not_found', { status: 404 });
      return own;
    }
    const g = processGateway(name ?? deps.defaultGateway);
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

  /**
   * Sends due automatic refunds to their gateways; returns how many were taken. Each case was written in the
   * notification's transaction, so a gateway that is down loses nothing: the case waits, retried 1, 2, 4… minutes
   * apart; a refusal (an error code) marks it failed for staff.
   */
  const deliverRefunds = createOutboxSender<RefundClaim, RefundResult>({
    db,
    now,
    onError: deps.onError,
    batchSize: 20,
    leaseSeconds: REFUND_LEASE_SECONDS,
    claim: (q, at, limit, leaseSeconds) => repo.claimRefunds(q, at, limit, leaseSeconds),
    async deliver(e) {
      const gateway = gatewayForRefund(e.tenant_id, e.gateway);
      if (!gateway?.refund || gateway.refunds !== 'auto') throw new RefundRefusedError(`gateway ${e.gateway} takes no automatic refunds for this council`);
      return gateway.refund({ orderId: e.order_id, amountCents: e.amount_cents });
    },
    markDelivered: (q, e, result, at) => repo.finishRefund(q, e.id, at, { status: 'refunded', response: result.response }),
    markFailed: (q, e, error, at) => repo.finishRefund(q, e.id, at, { status: 'failed', error }),
    markRetry: (q, e, error, retryInSeconds, at) => repo.finishRefund(q, e.id, at, { status: 'pending', error, retryInSeconds }),
    audit: {
      prefix: 'payment.refund',
      subject: (e) => ({ subjectType: 'payment_refund', subjectId: e.id }),
      details: (e, result) => ({ orderId: e.order_id, amountCents: e.amount_cents, attempts: e.attempts, ...(result ? { response: result.response } : {}) }),
    },
  });

  /** Sends the refunds now without holding the caller (the job retries whatever fails). */
  const sendRefundsSoon = () => void deliverRefunds().catch((err: unknown) => deps.onError?.(err, 'payment refund'));

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
     * Starts paying a debt, or resumes the payment already under way: while the debt has an open order (created, not
     * expired) every start returns that order with the same gateway form (`isReused`), so a second tab or a double
     * click never opens a second charge. An expired open order is superseded by a new one. Nothing is paid until the
     * gateway's verified notification arrives.
     */
    async startPayment(
      tenantId: string,
      dni: string,
      input: { debtId: string; gateway?: string | undefined },
      ctx: ProcedureContext,
    ): Promise<StartedPayment & { isReused: boolean }> {
      const tenant = tenants.get(tenantId);
      const gateway = gatewayNamed(tenantId, input.gateway);
      // Asked right before paying: a receipt settled at the bank this morning is not taken twice.
      const listed = await syncDebts(tenantId, dni);
      const found = await repo.findDebt(db, tenantId, dni, input.debtId);
      if (!found || !isCurrent(listed)(found)) throw new AppError('payments.not_found', { status: 404 });
      if (found.status === 'paid') throw new AppError('payments.already_paid', { status: 409 });
      const base = `${deps.publicUrl.replace(/\/+$/, '')}/t/${tenantId}`;
      const formFor = (p: { paymentId: string; orderId: string; amountCents: number; expiresAt: Date; description: string; language: Language }): RedirectForm =>
        gateway.createPayment({
          orderId: p.orderId,
          amountCents: p.amountCents,
          description: p.description,
          urlOk: `${base}/payments/${p.paymentId}?result=ok`,
          urlKo: `${base}/payments/${p.paymentId}?result=ko`,
          notifyUrl: `${base}/api/v1/payments/notifications/${gateway.name}`,
          language: p.language,
          expiresAt: p.expiresAt.getTime(),
        }).redirectForm;

      const attempt = () =>
        db.transaction(async (tx): Promise<StartedPayment & { isReused: boolean }> => {
          // Starts for one debt take turns here, so the second sees the first's order.
          const debt = await repo.lockDebt(tx, tenantId, dni, found.id);
          if (!debt) throw new AppError('payments.not_found', { status: 404 });
          if (debt.status === 'paid') throw new AppError('payments.already_paid', { status: 409 });
          const item = present(tenant, debt, ctx.lang);
          const description = `${item.taxName} ${item.reference}`.slice(0, 125);
          const open = await repo.findOpenPayment(tx, tenantId, debt.id);
          if (open && new Date(open.expires_at).getTime() > now().getTime()) {
            // Another gateway's order is still open: a second gateway would be a second charge.
            if (open.gateway !== gateway.name) throw new AppError('payments.payment_in_progress', { status: 409 });
            const language = (['es', 'ca', 'en'] as const).find((l) => l === open.language) ?? ctx.lang;
            let redirectForm = open.redirect_form ? (JSON.parse(open.redirect_form) as RedirectForm) : undefined;
            if (!redirectForm) {
              // An order opened before forms were stored: the same form from now on.
              redirectForm = formFor({ paymentId: open.id, orderId: open.order_id, amountCents: Number(open.amount_cents), expiresAt: new Date(open.expires_at), description, language });
              await repo.setRedirectForm(tx, tenantId, open.id, redirectForm);
            }
            await recordStep(tx, tenantId, citizenActor(dni), ctx, { action: 'payment.resumed', subjectType: 'payment', subjectId: open.id, details: { debtId: debt.id, orderId: open.order_id } });
            return { paymentId: open.id, orderId: open.order_id, amountCents: Number(open.amount_cents), redirectForm, isReused: true };
          }
          if (open && (await repo.supersedePayment(tx, tenantId, open.id))) {
            await recordStep(tx, tenantId, systemActor, ctx, { action: 'payment.expired', subjectType: 'payment', subjectId: open.id, details: { debtId: debt.id, orderId: open.order_id } });
          }
          const paymentId = randomUUID();
          const orderId = newOrderId();
          const expiresAt = new Date(now().getTime() + orderTtlMs);
          const redirectForm = formFor({ paymentId, orderId, amountCents: item.amountDueCents, expiresAt, description, language: ctx.lang });
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
            expiresAt,
            redirectForm,
          });
          await recordStep(tx, tenantId, citizenActor(dni), ctx, {
            action: 'payment.started',
            subjectType: 'payment',
            subjectId: paymentId,
            details: { debtId: debt.id, orderId, amountCents: item.amountDueCents, gateway: gateway.name },
          });
          return { paymentId, orderId, amountCents: item.amountDueCents, redirectForm, isReused: false };
        });

      // The lock makes parallel starts take turns; the unique index (one open order per debt) catches anything that
      // still slips past it, and the retry then finds the winner's order.
      for (let tries = 1; ; tries++) {
        try {
          return await attempt();
        } catch (err) {
          if (!isUniqueViolation(err) || tries >= 3) throw err;
        }
      }
    },

    /**
     * Processes a gateway notification. Safe to call any number of times with the same or replayed body: the
     * payment row is locked, only a `created` payment moves, the amount must match, and a debt already paid by
     * another order is never paid again (that payment is `rejected` with reason already_paid, for refund).
     */
    async handleNotification(tenantId: string, gatewayName: string, body: unknown): Promise<{ outcome: NotificationOutcome; paymentId?: string; refundId?: string }> {
      const gateway = gatewayNamed(tenantId, gatewayName);
      const n = gateway.verifyNotification(body);
      const digest = createHash('sha256').update(JSON.stringify(n.raw)).digest('hex');
      type Result = { outcome: NotificationOutcome; paymentId?: string; refundId?: string; isAutoRefund?: boolean };
      const result = await db.transaction(async (tx): Promise<Result> => {
        const p = await repo.lockPaymentByOrder(tx, tenantId, n.orderId);
        const known = p && p.gateway === gateway.name ? p : undefined;
        const finish = async (outcome: NotificationOutcome, paymentId?: string, refund?: { id: string; isAuto: boolean }) => {
          await repo.recordNotification(tx, tenantId, n.orderId, outcome, digest);
          await recordStep(tx, tenantId, systemActor, systemContext(), {
            action: `payment.notification.${outcome}`,
            subjectType: 'payment',
            ...(paymentId ? { subjectId: paymentId } : {}),
            details: { orderId: n.orderId, responseCode: n.responseCode, amountCents: n.amountCents },
          });
          return { outcome, ...(paymentId ? { paymentId } : {}), ...(refund ? { refundId: refund.id, isAutoRefund: refund.isAuto } : {}) };
        };
        /**
         * The gateway took money we keep for no receipt: one case per order (a repeated notification adds none), in
         * this transaction. Sent back automatically only for an order of ours whose gateway allows it: for an order we
         * never opened nobody can tell whose money it is, so a person decides.
         */
        const openRefund = async (reason: RefundReason): Promise<{ id: string; isAuto: boolean } | undefined> => {
          const isAuto = reason !== 'unknown_order' && gateway.refunds === 'auto' && gateway.refund !== undefined;
          const id = await repo.insertRefundCase(tx, {
            id: randomUUID(),
            tenantId,
            gateway: gateway.name,
            orderId: n.orderId,
            paymentId: known?.id ?? null,
            debtId: known?.debt_id ?? null,
            dni: known?.dni ?? null,
            amountCents: n.amountCents,
            reason,
            mode: isAuto ? 'auto' : 'manual',
            now: now(),
          });
          if (!id) return undefined;
          await recordStep(tx, tenantId, systemActor, systemContext(), {
            action: 'payment.refund_opened',
            subjectType: 'payment_refund',
            subjectId: id,
            details: { orderId: n.orderId, reason, amountCents: n.amountCents, mode: isAuto ? 'auto' : 'manual' },
          });
          return { id, isAuto };
        };
        // A genuine notification (the signature held) with no positive amount cannot be refunded: nothing to open.
        const canRefund = n.isAuthorised && n.amountCents > 0;
        if (!known) return finish('unknown_order', undefined, canRefund ? await openRefund('unknown_order') : undefined);
        const applyPaid = async (payment: NonNullable<typeof known>) => {
          await repo.settlePayment(tx, tenantId, payment.id, 'paid', null, n.authorisationCode ?? null);
          // The tax system hears of it from the outbox, at least once, even if it is down right now.
          if (deps.taxConnectorFor?.(tenantId)) await repo.queueExport(tx, tenantId, payment.id);
          const lang = (['es', 'ca', 'en'] as const).find((l) => l === payment.language) ?? 'es';
          // The figures count the payment where the citizen started it (web, kiosk…), not the gateway's callback.
          const channel = (['web', 'widget', 'kiosk', 'assistant', 'cli', 'api', 'system'] as const).find((c) => c === payment.channel) ?? 'web';
          await recordEvent(tx, tenantId, { channel, kioskId: payment.kiosk_id ?? undefined, lang }, 'payment.paid', { amountCents: Number(payment.amount_cents), data: { debtId: payment.debt_id, gateway: gateway.name } });
          return finish('paid', payment.id);
        };
        if (
          known.status === 'expired' &&
          n.isAuthorised &&
          n.amountCents === Number(known.amount_cents) &&
          (await repo.markDebtPaid(tx, tenantId, known.debt_id, known.id, Number(known.amount_cents)))
        ) {
          // The citizen finished paying in the old tab after a newer order replaced it, and the receipt was still
          // pending: the money pays the receipt rather than going back. The newer order closes, so paying it as
          // well becomes a late charge and a refund case.
          const newer = await repo.findOpenPayment(tx, tenantId, known.debt_id);
          if (newer) await repo.supersedePayment(tx, tenantId, newer.id);
          return applyPaid(known);
        }
        if (known.status !== 'created') {
          // The order was closed (superseded, or denied) and the gateway still took the money: it goes back.
          if (canRefund && (known.status === 'expired' || known.status === 'denied')) {
            await repo.settlePayment(tx, tenantId, known.id, 'rejected', 'late', n.authorisationCode ?? null);
            return finish('late', known.id, await openRefund('late'));
          }
          if (!n.isAuthorised && known.status === 'expired') {
            await repo.settlePayment(tx, tenantId, known.id, 'denied', n.responseCode, null);
            return finish('denied', known.id);
          }
          return finish('duplicate', known.id);
        }
        if (!n.isAuthorised) {
          await repo.settlePayment(tx, tenantId, known.id, 'denied', n.responseCode, null);
          return finish('denied', known.id);
        }
        if (n.amountCents !== Number(known.amount_cents)) {
          await repo.settlePayment(tx, tenantId, known.id, 'rejected', 'amount_mismatch', n.authorisationCode ?? null);
          return finish('amount_mismatch', known.id, canRefund ? await openRefund('amount_mismatch') : undefined);
        }
        if (!(await repo.markDebtPaid(tx, tenantId, known.debt_id, known.id, Number(known.amount_cents)))) {
          await repo.settlePayment(tx, tenantId, known.id, 'rejected', 'already_paid', n.authorisationCode ?? null);
          return finish('already_paid', known.id, await openRefund('already_paid'));
        }
        return applyPaid(known);
      });
      if (result.outcome === 'paid' && result.paymentId) {
        await issueReceipt(tenantId, result.paymentId).catch((err: unknown) => deps.onError?.(err, 'payment receipt'));
        // Not awaited: the gateway's callback should not wait on the tax system; the job retries what fails.
        if (deps.taxConnectorFor?.(tenantId)) void deliverPaymentExports().catch((err: unknown) => deps.onError?.(err, 'payment export'));
      }
      // After the commit, not awaited: the case is stored whatever the gateway answers; the job retries what fails.
      if (result.isAutoRefund) sendRefundsSoon();
      const { isAutoRefund: _sent, ...answer } = result;
      return answer;
    },

    deliverPaymentExports,

    /** Sends due automatic refunds to their gateways (the procedures job calls it; returns how many were taken). */
    deliverRefunds,

    /** A council's refund cases for staff: open ones (pending, failed) first, then newest first. */
    async listRefundCases(tenantId: string): Promise<RefundCaseView[]> {
      return (await repo.listRefundCases(db, tenantId)).map(presentRefundCase);
    },

    /**
     * Staff settle a case: `refunded` (the money went back through the gateway's console) or `refund_by_hand` (another
     * way, e.g. a bank transfer). Audited with the staff member. Only an open case not being sent right now moves:
     * `payments.refund_not_found` (404), `payments.refund_in_progress` or `payments.refund_closed` (409).
     */
    async resolveRefundCase(tenantId: string, id: string, action: 'refunded' | 'refund_by_hand', by: { actor: Actor; ctx: ProcedureContext }): Promise<RefundCaseView> {
      return db.transaction(async (tx) => {
        const before = await repo.findRefundCase(tx, tenantId, id);
        if (!before) throw new AppError('payments.refund_not_found', { status: 404 });
        const after = await repo.resolveRefundCase(tx, tenantId, id, action, `${by.actor.type}:${by.actor.id ?? ''}`, now());
        if (!after) throw new AppError(before.status === 'pending' || before.status === 'failed' ? 'payments.refund_in_progress' : 'payments.refund_closed', { status: 409 });
        await recordStep(tx, tenantId, by.actor, by.ctx, {
          action: `payment.refund_${action}`,
          subjectType: 'payment_refund',
          subjectId: id,
          details: { orderId: before.order_id, amountCents: Number(before.amount_cents), reason: before.reason, previousStatus: before.status },
        });
        return presentRefundCase(after);
      });
    },

    /** Refund cases per council, status and reason, with their amounts (for /metrics). */
    refundCounts: () => repo.refundCounts(db),

    /** The citizen's payment attempts, newest first, each with its refund when the gateway took money no receipt kept. */
    async listPayments(tenantId: string, dni: string, lang: Language = 'es'): Promise<PaymentView[]> {
      const refunds = new Map((await repo.refundsForCitizen(db, tenantId, dni)).map((r) => [r.payment_id, r]));
      return (await repo.listPaymentsForCitizen(db, tenantId, dni)).map((p) => presentPayment(p, refunds.get(p.id), lang));
    },

    /** One of the citizen's payments (404 for anyone else's). */
    async getPayment(tenantId: string, dni: string, paymentId: string, lang: Language = 'es'): Promise<PaymentView> {
      const p = await repo.findPaymentForCitizen(db, tenantId, dni, paymentId);
      if (!p) throw new AppError('payments.not_found', { status: 404 });
      const refund = (await repo.refundsForCitizen(db, tenantId, dni)).find((r) => r.payment_id === p.id);
      return presentPayment(p, refund, lang);
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
