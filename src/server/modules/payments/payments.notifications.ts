/**
 * A gateway's notification, the only thing that settles a payment. Safe to receive any number of times, replayed or
 * concurrent: the payment row is locked by order id, only a `created` payment moves (created -> paid | denied |
 * rejected), the amount must match, and a receipt already paid by another order is never paid again. Every
 * authorisation that cannot be applied opens a refund case in the same transaction (HIGH-1).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { recordEvent, recordStep, systemActor, systemContext } from '../../procedures/index.ts';
import type { TaxConnector } from '../connectors/index.ts';
import type { PaymentGateway } from './gateway/payment-gateway.ts';
import { paymentsRepository as repo, type RefundReason } from './payments.repository.ts';

/** late: an authorisation for an order that was already closed (expired and superseded, or denied). */
export type NotificationOutcome = 'paid' | 'denied' | 'duplicate' | 'amount_mismatch' | 'already_paid' | 'unknown_order' | 'late';

export interface NotificationDeps {
  db: Db;
  now: () => Date;
  onError?: ((err: unknown, what: string) => void) | undefined;
  taxConnectorFor?: ((tenantId: string) => TaxConnector | undefined) | undefined;
  /** The council's gateway by name (`payments.gateway_not_found`, 404, for any other). */
  gatewayNamed: (tenantId: string, name: string) => PaymentGateway;
  /** Issues the signed receipt of a paid payment (undefined when receipts are off). */
  issueReceipt: (tenantId: string, paymentId: string) => Promise<string | undefined>;
  deliverPaymentExports: () => Promise<number>;
  sendRefundsSoon: () => void;
}

export function createNotificationHandler(deps: NotificationDeps) {
  const { db, now, gatewayNamed, issueReceipt, deliverPaymentExports, sendRefundsSoon } = deps;

  /**
   * Processes a gateway notification. Safe to call any number of times with the same or replayed body: the
   * payment row is locked, only a `created` payment moves, the amount must match, and a debt already paid by
   * another order is never paid again (that payment is `rejected` with reason already_paid, for refund).
   */
  return async function handleNotification(tenantId: string, gatewayName: string, body: unknown): Promise<{ outcome: NotificationOutcome; paymentId?: string; refundId?: string }> {
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
        if (deps.taxConnectorFor?.(tenantId)) await repo.queueExport(tx, tenantId, payment.id, now());
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
  };
}
