/**
 * A tax system that speaks REST/JSON:
 *   GET  {baseUrl}/debts?tenant={tenantId}&dni={dni}   -> 200 ExternalDebt[]
 *   POST {baseUrl}/payments  (Idempotency-Key: <paymentId>) {tenant, reference, paymentId, orderId, amountCents, paidAt, gateway}
 *        -> 2xx recorded, or 409 already recorded (both mean "it has it")
 * Listing debts (a citizen is waiting): any failure is `payments.connector_unavailable` (503). Recording a payment
 * (the outbox is sending): another 4xx is the tax system refusing this payment, permanent, so the export ends failed
 * for a person to look at; a timeout, a 5xx, 401/403/408/425/429 or a malformed answer is retried.
 */
import { z } from 'zod';
import type { ExternalDebt, TaxConnector } from './connectors.types.ts';
import { createJsonClient, unavailableAs } from './http-json.ts';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const ZDebt = z.object({
  reference: z.string().min(1).max(64),
  kind: z.enum(['receipt', 'liquidation', 'self_assessment', 'fine']),
  taxCode: z.string().min(1),
  concept: z.string().min(1).max(500),
  fiscalYear: z.number().int().min(1900).max(2200),
  amountCents: z.number().int().positive(),
  reductionPercent: z.number().int().min(0).max(100).default(0),
  voluntaryStart: IsoDate,
  voluntaryEnd: IsoDate,
  status: z.enum(['pending', 'paid']),
});

export interface RestTaxConnectorOptions {
  baseUrl: string;
  token?: string | undefined;
  timeoutMs?: number | undefined;
}

export function createRestTaxConnector(opts: RestTaxConnectorOptions): TaxConnector {
  const http = createJsonClient({ baseUrl: opts.baseUrl, token: opts.token, timeoutMs: opts.timeoutMs ?? 5000, label: 'tax REST' });
  return {
    kind: 'rest',
    async listDebts(tenantId, dni): Promise<ExternalDebt[]> {
      try {
        const answer = await http.send('debts', '/debts', { query: { tenant: tenantId, dni } });
        if (!answer.ok) throw http.refusal('debts', answer);
        return http.parse('debts', answer, z.array(ZDebt));
      } catch (err) {
        return unavailableAs('payments.connector_unavailable')(err);
      }
    },
    async recordPayment(tenantId, p) {
      const answer = await http.send('payments', '/payments', { method: 'POST', idempotencyKey: p.paymentId, body: { tenant: tenantId, ...p } });
      if (answer.ok || answer.status === 409) return;
      throw http.refusal('payments', answer);
    },
  };
}
