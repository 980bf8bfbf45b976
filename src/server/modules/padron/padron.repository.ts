/**
 * The only SQL over the padrón tables (padron_households, padron_inhabitants, padron_certificate_requests). Other
 * modules read the padrón through padron/index.ts: the embedded connector, the applicant's name, the demo seed.
 */
import type { Queryable } from '../../db/db.ts';
import type { Inhabitant } from '../connectors/index.ts';

interface InhabitantRow {
  dni: string;
  given_name: string;
  surname: string;
  birth_date: string | null;
  household_id: string;
  registered_since: string;
}

const INHABITANT_COLS = 'dni, given_name, surname, birth_date, household_id, registered_since';

const toInhabitant = (r: InhabitantRow): Inhabitant => ({
  dni: r.dni,
  givenName: r.given_name,
  surname: r.surname,
  birthDate: r.birth_date ?? undefined,
  householdId: r.household_id,
  registeredSince: r.registered_since,
});

/** One certificate a citizen was issued, as listed back to them. */
export interface CertificateRequestRow {
  code: string;
  collective: boolean;
  language: string;
  created_at: Date;
}

export type PadronRepository = ReturnType<typeof createPadronRepository>;

/** The padrón's queries over `q` (the Db, or a transaction's `tx` to stay inside it). */
export function createPadronRepository(q: Queryable) {
  return {
    async findInhabitant(tenantId: string, dni: string): Promise<Inhabitant | undefined> {
      const res = await q.query<InhabitantRow>(`SELECT ${INHABITANT_COLS} FROM padron_inhabitants WHERE tenant_id = $1 AND dni = $2`, [tenantId, dni]);
      const row = res.rows[0];
      return row ? toInhabitant(row) : undefined;
    },

    async findHousehold(tenantId: string, householdId: string): Promise<{ id: string; address: string; members: Inhabitant[] } | undefined> {
      const h = await q.query<{ id: string; address: string }>(`SELECT id, address FROM padron_households WHERE tenant_id = $1 AND id = $2`, [tenantId, householdId]);
      const row = h.rows[0];
      if (!row) return undefined;
      const members = await q.query<InhabitantRow>(
        `SELECT ${INHABITANT_COLS} FROM padron_inhabitants WHERE tenant_id = $1 AND household_id = $2 ORDER BY birth_date NULLS LAST, dni`,
        [tenantId, householdId],
      );
      return { id: row.id, address: row.address, members: members.rows.map(toInhabitant) };
    },

    /** "Given Surname" of a registered inhabitant, or undefined. */
    async nameOf(tenantId: string, dni: string): Promise<string | undefined> {
      const res = await q.query<{ name: string }>(`SELECT given_name || ' ' || surname AS name FROM padron_inhabitants WHERE tenant_id = $1 AND dni = $2`, [tenantId, dni]);
      return res.rows[0]?.name;
    },

    async insertCertificateRequest(r: { id: string; tenantId: string; dni: string; isCollective: boolean; language: string; code: string }): Promise<void> {
      await q.query(`INSERT INTO padron_certificate_requests (id, tenant_id, dni, collective, language, code) VALUES ($1, $2, $3, $4, $5, $6)`, [
        r.id,
        r.tenantId,
        r.dni,
        r.isCollective,
        r.language,
        r.code,
      ]);
    },

    /** Whether the citizen was issued the certificate with this code. */
    async hasCertificate(tenantId: string, dni: string, code: string): Promise<boolean> {
      const res = await q.query(`SELECT 1 FROM padron_certificate_requests WHERE tenant_id = $1 AND dni = $2 AND code = $3`, [tenantId, dni, code]);
      return res.rows.length > 0;
    },

    /** The citizen's certificates, newest first (at most 100). */
    async listCertificates(tenantId: string, dni: string): Promise<CertificateRequestRow[]> {
      const res = await q.query<CertificateRequestRow>(
        `SELECT code, collective, language, created_at FROM padron_certificate_requests WHERE tenant_id = $1 AND dni = $2 ORDER BY created_at DESC LIMIT 100`,
        [tenantId, dni],
      );
      return res.rows;
    },

    /** Adds a household unless it is there already (the demo seed is idempotent); returns how many rows were new. */
    async insertHouseholdIfAbsent(tenantId: string, id: string, address: string): Promise<number> {
      const res = await q.query(`INSERT INTO padron_households (tenant_id, id, address) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [tenantId, id, address]);
      return res.rowCount;
    },

    /** Adds an inhabitant unless registered already; returns how many rows were new. */
    async insertInhabitantIfAbsent(tenantId: string, i: Inhabitant): Promise<number> {
      const res = await q.query(
        `INSERT INTO padron_inhabitants (tenant_id, dni, given_name, surname, birth_date, household_id, registered_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [tenantId, i.dni, i.givenName, i.surname, i.birthDate ?? null, i.householdId, i.registeredSince],
      );
      return res.rowCount;
    },
  };
}
