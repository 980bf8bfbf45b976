/**
 * What the pay page and the payment history say about a payment (HIGH-1): never "you were not charged" when the
 * gateway authorised the charge. A rejected payment (paid twice, wrong amount, too late) was charged: the citizen is
 * told about the refund and its amount. Pure, so a test checks every state against the real catalogues.
 */
export type RefundStatus = 'pending' | 'refunded' | 'refund_by_hand' | 'failed';
export type RefundReason = 'already_paid' | 'amount_mismatch' | 'late' | 'unknown_order';
export type PaymentStatus = 'created' | 'paid' | 'denied' | 'rejected' | 'expired';

export interface PaymentOutcomeInput {
  amountCents: number;
  status: PaymentStatus;
  refund: { status: RefundStatus; reason: RefundReason; amountCents: number } | null;
}

/** The web catalogue key (namespace web) and the amount, in cents, its {amount} stands for. */
export function paymentOutcome(p: PaymentOutcomeInput): { key: string; amountCents: number | undefined; isCharged: boolean } {
  if (p.refund) {
    const key = p.refund.status === 'refunded' || p.refund.status === 'refund_by_hand' ? p.refund.status : p.refund.reason;
    return { key: `pay.refund.${key}`, amountCents: p.refund.amountCents, isCharged: true };
  }
  switch (p.status) {
    case 'created':
      return { key: 'pay.pending_state', amountCents: undefined, isCharged: false };
    case 'paid':
      return { key: 'pay.paid', amountCents: p.amountCents, isCharged: true };
    case 'denied':
      return { key: 'pay.not_paid', amountCents: undefined, isCharged: false };
    case 'rejected':
      // Charged, yet no refund case is known to this page (an old payment): the council refunds it.
      return { key: 'pay.refund_review', amountCents: undefined, isCharged: true };
    case 'expired':
      return { key: 'pay.expired', amountCents: undefined, isCharged: false };
  }
}
