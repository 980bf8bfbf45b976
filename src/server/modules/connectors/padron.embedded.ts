import type { Queryable } from '../../db/db.ts';
import type { Inhabitant, PadronConnector } from './connectors.types.ts';

interface InhabitantRow {
  dni: string;
  given_name: string;
  surname: string;
  birth_date: string | null;
  household_id: string;
  registered_since: string;
}

const toInhabitant = (r: InhabitantRow): Inhabitant => ({
  dni: r.dni,
  givenName: r.given_name,
  surname: r.surname,
  birthDate: r.birth_date ?? undefined,
  householdId: r.household_id,
  registeredSince: r.registered_since,
});

/** The padrón kept in our own database (tables padron_households, padron_inhabitants). */
export function createEmbeddedPadronConnector(db: Queryable): PadronConnector {
  return {
    kind: 'embedded',
    async findInhabitant(tenantId, dni) {
      const res = await db.query<InhabitantRow>(
        `SELECT dni, given_name, surname, birth_date, household_id, registered_since
           FROM padron_inhabitants WHERE tenant_id = $1 AND dni = $2`,
        [tenantId, dni],
      );
      const row = res.rows[0];
      return row ? toInhabitant(row) : undefined;
    },
    async findHousehold(tenantId, householdId) {
      const h = await db.query<{ id: string; address: string }>(`SELECT id, address FROM padron_households WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        householdId,
      ]);
      const row = h.rows[0];
      if (!row) return undefined;
      const members = await db.query<InhabitantRow>(
        `SELECT dni, given_name, surname, birth_date, household_id, registered_since
           FROM padron_inhabitants WHERE tenant_id = $1 AND household_id = $2 ORDER BY birth_date NULLS LAST, dni`,
        [tenantId, householdId],
      );
      return { id: row.id, address: row.address, members: members.rows.map(toInhabitant) };
    },
  };
}
