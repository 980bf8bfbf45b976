import type { Queryable } from '../../db/db.ts';
import type { Inhabitant } from '../connectors/index.ts';
import { createPadronRepository } from './padron.repository.ts';

/**
 * The demo padrón (DEMO_DATA): households, then their inhabitants, each added only when absent, so running it at every
 * start adds nothing the second time. Returns how many inhabitants were new. Run it inside the demo seed's transaction.
 */
export async function seedDemoPadron(
  q: Queryable,
  households: readonly { tenantId: string; id: string; address: string }[],
  inhabitants: readonly { tenantId: string; inhabitant: Inhabitant }[],
): Promise<number> {
  const repo = createPadronRepository(q);
  for (const h of households) await repo.insertHouseholdIfAbsent(h.tenantId, h.id, h.address);
  let added = 0;
  for (const i of inhabitants) added += await repo.insertInhabitantIfAbsent(i.tenantId, i.inhabitant);
  return added;
}
