/**
 * Idempotency keys (table idempotency_keys): a retried request (a double tap at a kiosk, a network retry) with the same
 * `Idempotency-Key` gets the first answer instead of doing the work twice. The protocol: claim the key with the
 * request's hash; a second claim compares hashes (another request under the same key is refused) and returns the
 * stored answer; the answer is stored once the work is done; a failed attempt frees the key so it can be retried.
 */
import { AppError } from '../errors.ts';
import type { Queryable } from './db.ts';

export interface IdempotencyClaim {
  tenantId: string;
  /** What the key is for, and whose it is (`padron.certificate:<dni>`): the same key in another scope is another key. */
  scope: string;
  /** The client's key (the `Idempotency-Key` header). */
  key: string;
  /** A hash of what the request asks for (SHA-256 hex of its canonical JSON, say). */
  requestHash: string;
  /** Stored with the answer (the HTTP status the first request got). */
  statusCode?: number;
}

/**
 * Runs `fn` once per key: the first call does the work and stores its JSON answer; a later call with the same hash
 * returns that answer, with another hash `common.idempotency_mismatch` (422), and while the first is still running
 * `common.conflict` (409). `fn` runs outside any transaction of ours, so the key's claim commits before the work starts.
 */
export async function withIdempotencyKey<T>(db: Queryable, claim: IdempotencyClaim, fn: () => Promise<T>): Promise<T> {
  const { tenantId, scope, key, requestHash } = claim;
  const claimed = await db.query(`INSERT INTO idempotency_keys (tenant_id, key, scope, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key`, [
    tenantId,
    key,
    scope,
    requestHash,
  ]);
  if (claimed.rows.length === 0) {
    const seen = await db.query<{ request_hash: string; response: T | null }>(`SELECT request_hash, response FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND key = $3`, [
      tenantId,
      scope,
      key,
    ]);
    const row = seen.rows[0];
    if (row && row.request_hash !== requestHash) throw new AppError('common.idempotency_mismatch');
    if (!row?.response) throw new AppError('common.conflict', { log: 'same idempotency key still in progress' });
    return row.response;
  }
  try {
    const result = await fn();
    await db.query(`UPDATE idempotency_keys SET status_code = $4, response = $5::jsonb WHERE tenant_id = $1 AND scope = $2 AND key = $3`, [
      tenantId,
      scope,
      key,
      claim.statusCode ?? 200,
      JSON.stringify(result),
    ]);
    return result;
  } catch (err) {
    // Nothing was done: free the key so the client can retry with it.
    await db.query(`DELETE FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND key = $3`, [tenantId, scope, key]);
    throw err;
  }
}
