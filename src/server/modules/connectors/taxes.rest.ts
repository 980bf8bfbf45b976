/**
 * A tax system that speaks REST/JSON:
 *   GET  {baseUrl}/debts?tenant={tenantId}&dni={dni}   -> 200 ExternalDebt[]
 *   POST {baseUrl}/payments  (Idempotency-Key: <paymentId>) {tenant, reference, paymentId, orderId, amountCents, paidAt, gateway}
 *        -> 2xx recorded, or 409 already recorded (both mean "it has it")
 * A timeout, a 5xx or a malformed body is `payments.connector_unavailable` (503).
 */
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { ExternalDebt, TaxConnector } from './connectors.types.ts';

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

const unavailable = (log: string, cause?: unknown) => new AppError('payments.connector_unavailable', { status: 503, log, cause });

export function createRestTaxConnector(opts: RestTaxConnectorOptions): TaxConnector {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}) => ({ accept: 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...extra });
  const call = async (what: string, url: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
    } catch (err) {
      throw unavailable(`tax REST ${what}: request failed`, err);
    }
  };
  return {
    kind: 'rest',
    async listDebts(tenantId, dni): Promise<ExternalDebt[]> {
      const res = await call('debts', `${base}/debts?tenant=${encodeURIComponent(tenantId)}&dni=${encodeURIComponent(dni)}`, { headers: headers() });
      if (!res.ok) throw unavailable(`tax REST debts: HTTP ${res.status}`);
      let body: unknown;
      try {
        body = await res.json();
      } catch (err) {
        throw unavailable('tax REST debts: invalid JSON', err);
      }
      const parsed = z.array(ZDebt).safeParse(body);
      if (!parsed.success) throw unavailable('tax REST debts: body does not match the contract');
      return parsed.data;
    },
    async recordPayment(tenantId, p) {
      const res = await call('payments', `${base}/payments`, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json', 'idempotency-key': p.paymentId }),
        body: JSON.stringify({ tenant: tenantId, ...p }),
      });
      if (res.ok || res.status === 409) return;
      throw unavailable(`tax REST payments: HTTP ${res.status}`);
    },
  };
}
