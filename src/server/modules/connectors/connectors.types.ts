/**
 * The registers behind the procedures. Each council plugs in its own systems by implementing these
 * interfaces; the embedded database is the default. See docs/connectors.md.
 */

/** One person on the padrón (register of residents). */
export interface Inhabitant {
  dni: string;
  givenName: string;
  surname: string;
  /** YYYY-MM-DD, when the register knows it. */
  birthDate: string | undefined;
  householdId: string;
  /** YYYY-MM-DD: date registered at the current address. */
  registeredSince: string;
}

export interface Household {
  id: string;
  address: string;
  members: Inhabitant[];
}

/** Read access to a council's padrón. Implementations must filter by tenant. */
export interface PadronConnector {
  /** The connector kind, for logs and the status page. */
  readonly kind: 'embedded' | 'rest' | 'rpa' | (string & {});
  /** The inhabitant with this DNI/NIE, or undefined when not registered in the council. */
  findInhabitant(tenantId: string, dni: string): Promise<Inhabitant | undefined>;
  /** The household (address and every registered member), or undefined. */
  findHousehold(tenantId: string, householdId: string): Promise<Household | undefined>;
}
