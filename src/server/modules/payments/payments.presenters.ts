/**
 * What leaves the payments module: a debt as the citizen's pending item, a payment with its refund in the citizen's
 * history, a refund case on the staff console. Amounts stay integer cents; messages are in the reader's language.
 */
import { t } from '../../i18n.ts';
import type { PendingItem } from '../../../shared/api/payments.ts';
import type { Language } from '../../../shared/languages.ts';
import { localize, type TenantProfile } from '../tenants/index.ts';
import { amountDueCents, isInVoluntaryPeriod } from './payments.amounts.ts';
import type { DebtRow, PaymentRow, PaymentStatus, RefundReason, RefundRow, RefundStatus } from './payments.repository.ts';

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

const INTL_LOCALE: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };
/** Euros from integer cents, written the way the reader's language writes money. */
export const formatMoney = (cents: number, lang: Language): string => new Intl.NumberFormat(INTL_LOCALE[lang], { style: 'currency', currency: 'EUR' }).format(cents / 100);

/** The citizen's message for a refund: what happened while it is open, how it went back once settled. */
function refundMessage(r: Pick<RefundRow, 'status' | 'reason' | 'amount_cents'>, lang: Language): string {
  const key = r.status === 'refunded' ? 'refunded' : r.status === 'refund_by_hand' ? 'refund_by_hand' : r.reason;
  return t(lang, `payments:refund.${key}`, { amount: formatMoney(Number(r.amount_cents), lang) });
}

/** A debt as the citizen sees it on `today` (the council's calendar day): the fine reduction applies inside the voluntary period. */
export function presentDebt(tenant: TenantProfile, d: DebtRow, lang: Language, today: string): PendingItem {
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

/** A payment attempt in the citizen's history, with its refund when the gateway took money no receipt kept. */
export const presentPayment = (p: PaymentRow, refund: RefundRow | undefined, lang: Language): PaymentView => ({
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

/** A refund case as staff see it. */
export const presentRefundCase = (r: RefundRow): RefundCaseView => ({
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
