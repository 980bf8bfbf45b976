/**
 * The padrón kept in our own database (padron_households, padron_inhabitants): the default PadronConnector, and the
 * one a council's configured connector falls back to. It lives with the padrón module because those tables are its own.
 */
import type { Queryable } from '../../db/db.ts';
import type { PadronConnector } from '../connectors/index.ts';
import { createPadronRepository } from './padron.repository.ts';

export function createEmbeddedPadronConnector(db: Queryable): PadronConnector {
  const repo = createPadronRepository(db);
  return {
    kind: 'embedded',
    findInhabitant: (tenantId, dni) => repo.findInhabitant(tenantId, dni),
    findHousehold: (tenantId, householdId) => repo.findHousehold(tenantId, householdId),
  };
}
