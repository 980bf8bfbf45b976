/**
 * Records payments in the council's own tax system (connectors.taxes: rest) from the payment_exports outbox: at least
 * once, with the payment id as the idempotency key. A tax system that is down is retried 1, 2, 4… minutes later, at
 * most every 6 hours; one that refuses a payment (a 4xx) marks it failed, audited, for a person to look at on the
 * Refused deliveries page or with `ventanilla exports`: the money was taken, so the tax system must hear of it.
 */
import type { Db } from '../../db/db.ts';
import { createOutboxSender, outboxOperations, type OutboxOperations } from '../../procedures/index.ts';
import type { TaxConnector } from '../connectors/index.ts';
import { paymentsRepository as repo, type ClaimedPaymentExport } from './payments.repository.ts';

/** How long one sender holds an export before another may retry it: far longer than the tax system's timeout. */
const EXPORT_LEASE_SECONDS = 120;

export interface PaymentExportsDeps {
  db: Db;
  /** The council's tax system, or undefined when our database is its register. */
  taxConnectorFor?: ((tenantId: string) => TaxConnector | undefined) | undefined;
  now: () => Date;
  onError?: ((err: unknown, what: string) => void) | undefined;
}

/** Sends due payment exports; returns how many the tax systems recorded in this run. */
export function createPaymentExporter(deps: PaymentExportsDeps): () => Promise<number> {
  const { db, now } = deps;
  return createOutboxSender<ClaimedPaymentExport, void>({
    db,
    now,
    onError: deps.onError,
    batchSize: 20,
    leaseSeconds: EXPORT_LEASE_SECONDS,
    claim: (q, at, limit, leaseSeconds) => repo.claimExports(q, at, limit, leaseSeconds),
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
    markDelivered: (q, e, _result, at) => repo.finishExport(q, e.payment_id, at, { status: 'delivered', externalRef: undefined }),
    markFailed: (q, e, error, at) => repo.finishExport(q, e.payment_id, at, { status: 'failed', error }),
    markRetry: (q, e, error, retryInSeconds, at) => repo.finishExport(q, e.payment_id, at, { status: 'pending', error, retryInSeconds }),
    audit: { prefix: 'payment', subject: (e) => ({ subjectType: 'payment', subjectId: e.payment_id }), details: (e) => ({ attempts: e.attempts }) },
  });
}

/** For operators: the payments the council's tax system refused for good, and sending one again (`ventanilla exports`). */
export const paymentExportOperations = (db: Db, now: () => Date = () => new Date()): OutboxOperations =>
  outboxOperations({ db, now, failed: (q, tenantId) => repo.failedExports(q, tenantId), backlog: repo.exportBacklog, requeue: repo.requeueExport, audit: { prefix: 'payment', subjectType: 'payment' } });
