/**
 * A padrón held by another system that speaks REST/JSON:
 *   GET {baseUrl}/inhabitants/{dni}?tenant={tenantId}  -> 200 Inhabitant JSON | 404
 *   GET {baseUrl}/households/{id}?tenant={tenantId}    -> 200 { id, address, members: Inhabitant[] } | 404
 * Responses are validated; a timeout, a 5xx or a malformed body is `padron.connector_unavailable` (503).
 */
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Household, Inhabitant, PadronConnector } from './connectors.types.ts';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const ZInhabitant = z.object({
  dni: z.string().min(1),
  givenName: z.string().min(1),
  surname: z.string().min(1),
  birthDate: IsoDate.optional(),
  householdId: z.string().min(1),
  registeredSince: IsoDate,
});
const ZHousehold = z.object({ id: z.string().min(1), address: z.string().min(1), members: z.array(ZInhabitant) });

export interface RestConnectorOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string | undefined;
  /** Per request, milliseconds. */
  timeoutMs?: number;
}

const unavailable = (log: string, cause?: unknown) => new AppError('padron.connector_unavailable', { status: 503, log, cause });

const toInhabitant = (x: z.infer<typeof ZInhabitant>): Inhabitant => ({ ...x, birthDate: x.birthDate });

export function createRestPadronConnector(opts: RestConnectorOptions): PadronConnector {
  const base = opts.baseUrl.replace(/\/+$/, '');
  async function getJson(pathname: string, tenantId: string): Promise<unknown> {
    const url = `${base}${pathname}?tenant=${encodeURIComponent(tenantId)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw unavailable(`padrón REST ${pathname}: request failed`, err);
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw unavailable(`padrón REST ${pathname}: HTTP ${res.status}`);
    try {
      return await res.json();
    } catch (err) {
      throw unavailable(`padrón REST ${pathname}: invalid JSON`, err);
    }
  }
  return {
    kind: 'rest',
    async findInhabitant(tenantId, dni) {
      const body = await getJson(`/inhabitants/${encodeURIComponent(dni)}`, tenantId);
      if (body === undefined) return undefined;
      const parsed = ZInhabitant.safeParse(body);
      if (!parsed.success) throw unavailable('padrón REST: inhabitant does not match the contract');
      return toInhabitant(parsed.data);
    },
    async findHousehold(tenantId, householdId): Promise<Household | undefined> {
      const body = await getJson(`/households/${encodeURIComponent(householdId)}`, tenantId);
      if (body === undefined) return undefined;
      const parsed = ZHousehold.safeParse(body);
      if (!parsed.success) throw unavailable('padrón REST: household does not match the contract');
      return { id: parsed.data.id, address: parsed.data.address, members: parsed.data.members.map(toInhabitant) };
    },
  };
}
