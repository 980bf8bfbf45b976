/**
 * A padrón held by another system that speaks REST/JSON:
 *   GET {baseUrl}/inhabitants/{dni}?tenant={tenantId}  -> 200 Inhabitant JSON | 404
 *   GET {baseUrl}/households/{id}?tenant={tenantId}    -> 200 { id, address, members: Inhabitant[] } | 404
 * Responses are validated; a citizen is waiting, so any failure (a timeout, another status, a malformed body) is
 * `padron.connector_unavailable` (503).
 */
import { z } from 'zod';
import type { Household, Inhabitant, PadronConnector } from './connectors.types.ts';
import { createJsonClient, unavailableAs } from './http-json.ts';

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

const toInhabitant = (x: z.infer<typeof ZInhabitant>): Inhabitant => ({ ...x, birthDate: x.birthDate });

export function createRestPadronConnector(opts: RestConnectorOptions): PadronConnector {
  const http = createJsonClient({ baseUrl: opts.baseUrl, token: opts.token, timeoutMs: opts.timeoutMs ?? 5000, label: 'padrón REST' });
  /** The record at `pathname`, checked against `schema`; undefined for a 404. */
  async function getJson<T>(what: string, pathname: string, tenantId: string, schema: z.ZodType<T>): Promise<T | undefined> {
    try {
      const answer = await http.send(what, pathname, { query: { tenant: tenantId } });
      if (answer.status === 404) return undefined;
      if (!answer.ok) throw http.refusal(what, answer);
      return http.parse(what, answer, schema);
    } catch (err) {
      return unavailableAs('padron.connector_unavailable')(err);
    }
  }
  return {
    kind: 'rest',
    async findInhabitant(tenantId, dni) {
      const found = await getJson('inhabitant', `/inhabitants/${encodeURIComponent(dni)}`, tenantId, ZInhabitant);
      return found && toInhabitant(found);
    },
    async findHousehold(tenantId, householdId): Promise<Household | undefined> {
      const found = await getJson('household', `/households/${encodeURIComponent(householdId)}`, tenantId, ZHousehold);
      return found && { id: found.id, address: found.address, members: found.members.map(toInhabitant) };
    },
  };
}
