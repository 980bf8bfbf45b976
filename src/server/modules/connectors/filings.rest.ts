/**
 * A council's official electronic registry that speaks REST/JSON:
 *   POST {baseUrl}/filings   (Idempotency-Key: <filing id>)
 *        {tenant, id, registryNumber, registeredAt, dni, departmentId, subject, body,
 *         attachments: [{fileName, mimeType, sha256, sizeBytes, contentBase64}]}
 *        -> 2xx {externalRef}               registered
 *        -> 409 {id, externalRef?}          already registered (the same id); without externalRef we ask
 *   GET  {baseUrl}/filings/{id}             -> 200 {externalRef}
 * Another 4xx is the registry refusing this filing: permanent, never retried. A timeout, a 5xx, 408, 429, 401/403
 * (a token being rotated) or a malformed answer is temporary: the outbox retries it.
 */
import { z } from 'zod';
import type { FilingsRegistryConnector, RegistryFiling } from './connectors.types.ts';

export interface RestFilingsConnectorOptions {
  baseUrl: string;
  token?: string | undefined;
  /** Per request, in ms. Attachments may add up to tens of megabytes, hence the generous default. */
  timeoutMs?: number | undefined;
}

/** A failed delivery; `isPermanent` tells the outbox to stop retrying. */
export class FilingsRegistryError extends Error {
  constructor(
    message: string,
    readonly isPermanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FilingsRegistryError';
  }
}

const ZAccepted = z.object({ externalRef: z.string().min(1).max(200) });
const ZConflict = z.object({ id: z.string().optional(), externalRef: z.string().min(1).max(200).optional() });

/** 4xx answers that say nothing about the filing itself: worth trying again later. */
const RETRYABLE_4XX = new Set([401, 403, 408, 425, 429]);

export function createRestFilingsConnector(opts: RestFilingsConnectorOptions): FilingsRegistryConnector {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}) => ({ accept: 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...extra });
  const call = async (what: string, url: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new FilingsRegistryError(`filings REST ${what}: request failed`, false, { cause: err });
    }
  };
  const json = async (what: string, res: Response): Promise<unknown> => {
    try {
      return await res.json();
    } catch (err) {
      throw new FilingsRegistryError(`filings REST ${what}: invalid JSON (HTTP ${res.status})`, false, { cause: err });
    }
  };
  const refusal = (what: string, status: number, detail: string) =>
    new FilingsRegistryError(`filings REST ${what}: HTTP ${status}${detail ? ` ${detail.slice(0, 300)}` : ''}`, status >= 400 && status < 500 && !RETRYABLE_4XX.has(status));

  /** The reference of a filing the registry says it already has. */
  async function lookUp(id: string): Promise<{ externalRef: string }> {
    const res = await call('lookup', `${base}/filings/${encodeURIComponent(id)}`, { headers: headers() });
    // A 404 right after a 409 is the registry contradicting itself: retry rather than give up on the filing.
    if (!res.ok) throw new FilingsRegistryError(`filings REST lookup: HTTP ${res.status}`, false);
    const parsed = ZAccepted.safeParse(await json('lookup', res));
    if (!parsed.success) throw new FilingsRegistryError('filings REST lookup: body does not match the contract', false);
    return parsed.data;
  }

  return {
    kind: 'rest',
    async deliver(f: RegistryFiling) {
      const res = await call('filings', `${base}/filings`, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json', 'idempotency-key': f.id }),
        body: JSON.stringify({
          tenant: f.tenantId,
          id: f.id,
          registryNumber: f.registryNumber,
          registeredAt: f.registeredAt,
          dni: f.dni,
          departmentId: f.departmentId,
          subject: f.subject,
          body: f.body,
          attachments: f.attachments.map((a) => ({ fileName: a.fileName, mimeType: a.mimeType, sha256: a.sha256, sizeBytes: a.data.length, contentBase64: a.data.toString('base64') })),
        }),
      });
      if (res.ok) {
        const parsed = ZAccepted.safeParse(await json('filings', res));
        if (!parsed.success) throw new FilingsRegistryError('filings REST filings: body does not match the contract', false);
        return parsed.data;
      }
      if (res.status === 409) {
        const parsed = ZConflict.safeParse(await res.json().catch(() => ({})));
        const conflict = parsed.success ? parsed.data : {};
        // A 409 about another filing (a clash of registry numbers, say) is a refusal, not "already delivered".
        if (conflict.id !== undefined && conflict.id !== f.id) throw new FilingsRegistryError(`filings REST filings: HTTP 409 for another filing (${conflict.id.slice(0, 80)})`, true);
        return conflict.externalRef ? { externalRef: conflict.externalRef } : lookUp(f.id);
      }
      throw refusal('filings', res.status, await res.text().catch(() => ''));
    },
  };
}
