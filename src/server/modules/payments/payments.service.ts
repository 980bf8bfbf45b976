/**
 * Taxes and fines: what a citizen owes, paying it through a gateway, and the notification that settles it.
 * A receipt is never paid twice: one paid payment per receipt (unique index), notifications processed under a
 * row lock keyed by order id through a state machine (created -> paid | denied | rejected, created -> expired when
 * superseded), amounts checked. A citizen is never charged twice either (HIGH-1): a debt has one open order at a
 * time, reused by every start while it is open, and every authorisation that cannot be applied becomes a refund case,
 * sent back through the gateway where the council allows it and otherwise settled by staff.
 * Free of Fastify: the assistant calls listPending/startPayment with the same (tenant, dni, input, context).
 * This file holds debts, starting a payment and receipts, and builds the service from its parts: the notification
 * (payments.notifications.ts), refund cases (payments.refunds.ts), the tax-system outbox (payments.export.ts) and
 * reminders (payments.reminders.ts).
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { isUniqueViolation, type Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import type { Mailer, SmsSender } from '../../mail/index.ts';
import { citizenActor, recordStep, systemActor, type ProcedureContext } from '../../procedures/index.ts';
import type { PendingItem } from '../../../shared/api/payments.ts';
import type { Language } from '../../../shared/languages.ts';
import { localDateOf } from '../../../shared/zoned-time.ts';
import type { PaymentReceiptData } from '../certificates/index.ts';
import type { TaxConnector } from '../connectors/index.ts';
import { localize, type LoadedTenant, type TenantProfile, type TenantRegistry } from '../tenants/index.ts';
import type { PaymentGateway, RedirectForm } from './gateway/payment-gateway.ts';
import { createPaymentExporter } from './payments.export.ts';
import { createNotificationHandler } from './payments.notifications.ts';
import { presentDebt, presentPayment, type PaymentView } from './payments.presenters.ts';
import { createPaymentRefunds } from './payments.refunds.ts';
import { createPaymentReminders } from './payments.reminders.ts';
import { paymentsRepository as repo, type DebtKind, type DebtRow } from './payments.repository.ts';

export type { PendingItem, ReminderPrefs } from '../../../shared/api/payments.ts';

export interface StartedPayment {
  paymentId: string;
  orderId: string;
  amountCents: number;
  redirectForm: RedirectForm;
}

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

/**
 * How long an order stays open: every start for the debt meanwhile gets this order (and its gateway form) back, so a
 * second tab or a double click cannot open a second charge. Paying at the gateway (card details, the bank's 3-D
 * Secure step) takes minutes; 30 leaves a wide margin so an order rarely closes under a citizen who is still paying,
 * yet someone who gave up can start again within the same sitting. The sandbox's page lives exactly as long. If an
 * order does close and is superseded, an authorisation that still arrives for it becomes a refund case, not lost money.
 */
export const OPEN_ORDER_TTL_MS = 30 * 60_000;

export type PaymentsService = ReturnType<typeof createPaymentsService>;

export function createPaymentsService(deps: PaymentsDeps) {
  const { db, tenants } = deps;
  const now = deps.now ?? (() => new Date());
  const todayIn = (tenant: TenantProfile) => localDateOf(now(), tenant.timeZone);
  const orderTtlMs = deps.openOrderTtlMs ?? OPEN_ORDER_TTL_MS;

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
      if (name !== undefined && name !== own.name) throw new AppError('payments.gateway_not_found');
      return own;
    }
    const g = processGateway(name ?? deps.defaultGateway);
    if (!g) throw new AppError('payments.gateway_not_found');
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

  /** Sends due payment exports to the councils' tax systems; returns how many were recorded. */
  const deliverPaymentExports = createPaymentExporter({ db, now, onError: deps.onError, taxConnectorFor: deps.taxConnectorFor });
  // Refund cases: sending the automatic ones, and staff's list and settlement (deliverRefunds, listRefundCases…).
  const { sendRefundsSoon, ...refunds } = createPaymentRefunds({ db, now, onError: deps.onError, gatewayForRefund });
  // The citizen's reminder opt-ins and the reminder job.
  const reminders = createPaymentReminders({ db, tenants, now, mailer: deps.mailer, sms: deps.sms, onError: deps.onError });

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

  const handleNotification = createNotificationHandler({
    db,
    now,
    onError: deps.onError,
    taxConnectorFor: deps.taxConnectorFor,
    gatewayNamed,
    issueReceipt,
    deliverPaymentExports,
    sendRefundsSoon,
  });

  return {
    /** Payments still to record in the councils' tax systems, per council and status (for /metrics). */
    exportBacklog: () => repo.exportBacklog(db, now()),
    /** Receipts, liquidations, self-assessments and fines the citizen still has to pay, soonest deadline first. */
    async listPending(tenantId: string, dni: string, lang: Language): Promise<PendingItem[]> {
      const tenant = tenants.get(tenantId);
      const listed = await syncDebts(tenantId, dni);
      return (await repo.listDebts(db, tenantId, dni, 'pending')).filter(isCurrent(listed)).map((d) => presentDebt(tenant, d, lang, todayIn(tenant)));
    },

    /** Every debt of the citizen, paid or not. */
    async listAll(tenantId: string, dni: string, lang: Language): Promise<PendingItem[]> {
      const tenant = tenants.get(tenantId);
      const listed = await syncDebts(tenantId, dni);
      return (await repo.listDebts(db, tenantId, dni)).filter(isCurrent(listed)).map((d) => presentDebt(tenant, d, lang, todayIn(tenant)));
    },

    /** One of the citizen's debts; another citizen's id is `payments.not_found` (404). */
    async getDebt(tenantId: string, dni: string, debtId: string, lang: Language): Promise<PendingItem> {
      const tenant = tenants.get(tenantId);
      const listed = await syncDebts(tenantId, dni);
      const d = await repo.findDebt(db, tenantId, dni, debtId);
      if (!d || !isCurrent(listed)(d)) throw new AppError('payments.not_found');
      return presentDebt(tenant, d, lang, todayIn(tenant));
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
      if (!found || !isCurrent(listed)(found)) throw new AppError('payments.not_found');
      if (found.status === 'paid') throw new AppError('payments.already_paid');
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
          if (!debt) throw new AppError('payments.not_found');
          if (debt.status === 'paid') throw new AppError('payments.already_paid');
          const item = presentDebt(tenant, debt, ctx.lang, todayIn(tenant));
          const description = `${item.taxName} ${item.reference}`.slice(0, 125);
          const open = await repo.findOpenPayment(tx, tenantId, debt.id);
          if (open && new Date(open.expires_at).getTime() > now().getTime()) {
            // Another gateway's order is still open: a second gateway would be a second charge.
            if (open.gateway !== gateway.name) throw new AppError('payments.payment_in_progress');
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

    handleNotification,

    /** Sends due payment exports to the councils' tax systems (the procedures job calls it; returns how many were recorded). */
    deliverPaymentExports,

    ...refunds,

    /** The citizen's payment attempts, newest first, each with its refund when the gateway took money no receipt kept. */
    async listPayments(tenantId: string, dni: string, lang: Language = 'es'): Promise<PaymentView[]> {
      const refunds = new Map((await repo.refundsForCitizen(db, tenantId, dni)).map((r) => [r.payment_id, r]));
      return (await repo.listPaymentsForCitizen(db, tenantId, dni)).map((p) => presentPayment(p, refunds.get(p.id), lang));
    },

    /** One of the citizen's payments (404 for anyone else's). */
    async getPayment(tenantId: string, dni: string, paymentId: string, lang: Language = 'es'): Promise<PaymentView> {
      const p = await repo.findPaymentForCitizen(db, tenantId, dni, paymentId);
      if (!p) throw new AppError('payments.not_found');
      const refund = (await repo.refundsForCitizen(db, tenantId, dni)).find((r) => r.payment_id === p.id);
      return presentPayment(p, refund, lang);
    },

    /** The signed payment receipt PDF of a paid payment (issued now if the first attempt failed). */
    async receiptPdf(tenantId: string, dni: string, paymentId: string, ctx: ProcedureContext): Promise<{ pdf: Buffer; fileName: string; code: string }> {
      const p = await repo.findPaymentForCitizen(db, tenantId, dni, paymentId);
      if (!p) throw new AppError('payments.not_found');
      if (p.status !== 'paid') throw new AppError('payments.not_paid');
      if (!deps.receipts) throw new AppError('payments.receipt_unavailable');
      const code = p.receipt_code ?? (await issueReceipt(tenantId, paymentId));
      if (!code) throw new AppError('payments.receipt_unavailable');
      const doc = await deps.receipts.originalPdf(code);
      await recordStep(db, tenantId, citizenActor(dni), ctx, { action: 'payment.receipt_downloaded', subjectType: 'payment', subjectId: paymentId });
      return { ...doc, code };
    },

    // getReminderPreferences, setReminderPreferences, sendReminders.
    ...reminders,

    /** Adds a debt to the embedded register (staff tools, imports and tests). */
    async addDebt(tenantId: string, d: { dni: string; kind: DebtKind; taxCode: string; reference: string; concept: string; fiscalYear: number; amountCents: number; reductionPercent?: number; voluntaryStart: string; voluntaryEnd: string }): Promise<string> {
      if (!Number.isInteger(d.amountCents) || d.amountCents <= 0) throw new AppError('payments.invalid_amount');
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
