/**
 * Refund cases on /metrics (HIGH-1): money a gateway took that no receipt kept, per council, status and reason, read
 * from the database at each scrape. Alert on pending growing old or on failed > 0: a citizen is waiting for money.
 */
import { Gauge, type Registry } from 'prom-client';
import { oneReadPerScrape } from '../../plugins/metrics.ts';
import type { RefundReason, RefundStatus } from './payments.repository.ts';

export interface RefundCountRow {
  tenant_id: string;
  status: RefundStatus;
  reason: RefundReason;
  cases: number;
  amount_cents: number;
}

/** Registers the refund gauges on the app's registry; `read` is the payments service's refundCounts. */
export function registerRefundMetrics(registry: Registry, read: () => Promise<RefundCountRow[]>): void {
  // Both gauges are collected in one scrape: they share one read.
  const rows = oneReadPerScrape(read);
  const labelNames = ['tenant', 'status', 'reason'];
  new Gauge({
    name: 'ventanilla_payment_refund_cases',
    help: 'Refund cases (a gateway took money no receipt kept) per council, status and reason',
    labelNames,
    registers: [registry],
    async collect() {
      const all = await rows();
      this.reset();
      for (const r of all) this.set({ tenant: r.tenant_id, status: r.status, reason: r.reason }, r.cases);
    },
  });
  new Gauge({
    name: 'ventanilla_payment_refund_amount_euros',
    help: 'Money in refund cases per council, status and reason, in euros',
    labelNames,
    registers: [registry],
    async collect() {
      const all = await rows();
      this.reset();
      for (const r of all) this.set({ tenant: r.tenant_id, status: r.status, reason: r.reason }, r.amount_cents / 100);
    },
  });
}
