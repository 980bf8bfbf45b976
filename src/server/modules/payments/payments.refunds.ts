/**
 * Refund cases (HIGH-1): money a gateway took that no receipt keeps. Each case is opened in the notification's
 * transaction (payments.notifications.ts); this sends the automatic ones back through their gateways from the
 * payment_refunds outbox, and lets staff list and settle the rest by hand.
 */
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { createOutboxSender, recordStep, type Actor, type ProcedureContext } from '../../procedures/index.ts';
import { RefundRefusedError, type PaymentGateway, type RefundResult } from './gateway/payment-gateway.ts';
import { presentRefundCase, type RefundCaseView } from './payments.presenters.ts';
import { paymentsRepository as repo, type RefundClaim } from './payments.repository.ts';

/** How long one sender holds a refund before another may retry it: longer than the gateway's 15 s timeout. */
const REFUND_LEASE_SECONDS = 120;

export interface PaymentRefundsDeps {
  db: Db;
  now: () => Date;
  onError?: ((err: unknown, what: string) => void) | undefined;
  /** The gateway that took an order, to send its refund; undefined when this council no longer has it. */
  gatewayForRefund: (tenantId: string, name: string) => PaymentGateway | undefined;
}

export function createPaymentRefunds(deps: PaymentRefundsDeps) {
  const { db, now, gatewayForRefund } = deps;

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

  return {
    /** Sends due automatic refunds to their gateways (the procedures job calls it; returns how many were taken). */
    deliverRefunds,

    /** After a notification opened an automatic case: sends it without holding the gateway's callback. */
    sendRefundsSoon,

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
        if (!before) throw new AppError('payments.refund_not_found');
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
  };
}
