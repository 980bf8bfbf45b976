/** Taxes and fines: pending receipts, payments through a gateway, idempotent notifications, receipts, reminders. */
import type { TaxConnector } from '../connectors/index.ts';
import type { Db } from '../../db/db.ts';
import type { Mailer, SmsSender } from '../../mail/index.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import type { PaymentGateway } from './gateway/index.ts';
import { paymentsRoutes } from './payments.routes.ts';
import { createPaymentsService, type PaymentReceiptIssuer } from './payments.service.ts';

/** The service (listPending, getDebt, startPayment, handleNotification, receiptPdf, sendReminders...): free of Fastify. */
export { createPaymentsService, OPEN_ORDER_TTL_MS, type PaymentsService, type PendingItem, type StartedPayment, type PaymentReceiptIssuer } from './payments.service.ts';
/** What a gateway's notification did to its order. */
export type { NotificationOutcome } from './payments.notifications.ts';
/** What leaves the module: a payment in the citizen's history, its refund, a refund case for staff. */
export type { PaymentView, RefundCaseView, CitizenRefundView } from './payments.presenters.ts';
/** Days before the end of a voluntary period when the "ending soon" reminder goes out. */
export { REMINDER_DAYS_BEFORE_END } from './payments.reminders.ts';
/** For operators: the payments a council's tax system refused for good, and sending one again (`ventanilla exports`). */
export { paymentExportOperations } from './payments.export.ts';
/** Refund cases on /metrics (register on the app's registry with the service's refundCounts). */
export { registerRefundMetrics } from './payments.metrics.ts';
/** Integer-cent rules: the fine reduction inside the voluntary period. */
export { amountDueCents, isInVoluntaryPeriod } from './payments.amounts.ts';
/** Demo receipts, fines and reminder contacts for DEMO_DATA (src/server/demo/demo-seed.ts). */
export { seedDemoPayments } from './payments.demo.ts';

/** Builds the payments module for the registry. */
export function createPaymentsModule(deps: {
  db: Db;
  tenants: TenantRegistry;
  gateways: Record<string, PaymentGateway>;
  defaultGateway: string;
  tenantGateway?: (tenantId: string) => PaymentGateway | undefined;
  publicUrl: string;
  receipts?: PaymentReceiptIssuer;
  mailer?: Mailer;
  sms?: SmsSender;
  onError?: (err: unknown, what: string) => void;
  taxConnectorFor?: (tenantId: string) => TaxConnector | undefined;
}) {
  const service = createPaymentsService(deps);
  return { service, routes: paymentsRoutes(service) };
}
