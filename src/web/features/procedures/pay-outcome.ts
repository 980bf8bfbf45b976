/**
 * What the pay page and the payment history say about a payment (HIGH-1): never "you were not charged" when the
 * gateway authorised the charge. A rejected payment (paid twice, wrong amount, too late) was charged: the citizen is
 * told about the refund and its amount. Pure, so a test checks every state against the real catalogues.
 */
import type { ApiResponse } from '../../../shared/api/contract.ts';

/** A payment as the server answers it; a new status there is a compile error in the switch below. */
export type Payment = ApiResponse<'/api/v1/payments/{id}'>;
type Refund = NonNullable<Payment['refund']>;
export type RefundStatus = Refund['status'];
export type RefundReason = Refund['reason'];
export type PaymentStatus = Payment['status'];

export type PaymentOutcomeInput = Pick<Payment, 'amountCents' | 'status'> & { refund: Pick<Refund, 'status' | 'reason' | 'amountCents'> | null };

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
