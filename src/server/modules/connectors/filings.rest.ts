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
import { createJsonClient, HttpJsonError } from './http-json.ts';

export interface RestFilingsConnectorOptions {
  baseUrl: string;
  token?: string | undefined;
  /** Per request, in ms. Attachments may add up to tens of megabytes, hence the generous default. */
  timeoutMs?: number | undefined;
}

const ZAccepted = z.object({ externalRef: z.string().min(1).max(200) });
const ZConflict = z.object({ id: z.string().optional(), externalRef: z.string().min(1).max(200).optional() });

export function createRestFilingsConnector(opts: RestFilingsConnectorOptions): FilingsRegistryConnector {
  const http = createJsonClient({ baseUrl: opts.baseUrl, token: opts.token, timeoutMs: opts.timeoutMs ?? 30_000, label: 'filings REST' });

  /** The reference of a filing the registry says it already has. */
  async function lookUp(id: string): Promise<{ externalRef: string }> {
    const answer = await http.send('lookup', `/filings/${encodeURIComponent(id)}`);
    // A 404 right after a 409 is the registry contradicting itself: retry rather than give up on the filing.
    if (!answer.ok) throw new HttpJsonError(`filings REST lookup: HTTP ${answer.status}`, answer.status, false);
    return http.parse('lookup', answer, ZAccepted);
  }

  return {
    kind: 'rest',
    async deliver(f: RegistryFiling) {
      const answer = await http.send('filings', '/filings', {
        method: 'POST',
        idempotencyKey: f.id,
        body: {
          tenant: f.tenantId,
          id: f.id,
          registryNumber: f.registryNumber,
          registeredAt: f.registeredAt,
          dni: f.dni,
          departmentId: f.departmentId,
          subject: f.subject,
          body: f.body,
          attachments: f.attachments.map((a) => ({ fileName: a.fileName, mimeType: a.mimeType, sha256: a.sha256, sizeBytes: a.data.length, contentBase64: a.data.toString('base64') })),
        },
      });
      if (answer.ok) return http.parse('filings', answer, ZAccepted);
      if (answer.status === 409) {
        const conflict = http.tryParse(answer, ZConflict) ?? {};
        // A 409 about another filing (a clash of registry numbers, say) is a refusal, not "already delivered".
        if (conflict.id !== undefined && conflict.id !== f.id) throw new HttpJsonError(`filings REST filings: HTTP 409 for another filing (${conflict.id.slice(0, 80)})`, 409, true);
        return conflict.externalRef ? { externalRef: conflict.externalRef } : lookUp(f.id);
      }
      throw http.refusal('filings', answer);
    },
  };
}
