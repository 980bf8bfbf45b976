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

/** A receipt, liquidation, self-assessment or fine as the council's tax system describes it. */
export interface ExternalDebt {
  /** The tax system's own reference: unique per council, and how both sides name the debt. */
  reference: string;
  kind: 'receipt' | 'liquidation' | 'self_assessment' | 'fine';
  /** One of the council's tax codes (profile `taxes`). */
  taxCode: string;
  concept: string;
  fiscalYear: number;
  amountCents: number;
  reductionPercent: number;
  /** YYYY-MM-DD. */
  voluntaryStart: string;
  voluntaryEnd: string;
  /** paid: settled in the tax system (at a bank, by direct debit, or here). */
  status: 'pending' | 'paid';
}

/** A payment decided here, to be recorded in the tax system. */
export interface PaymentRecord {
  reference: string;
  /** Our payment id: the idempotency key, so a retried call records the payment once. */
  paymentId: string;
  orderId: string;
  amountCents: number;
  paidAt: string;
  gateway: string;
}

/**
 * A council's tax system. Payments are still decided in our database (one paid payment per debt, under a lock), so
 * the tax system only has to list what a citizen owes and accept the payments we record, at least once: every call
 * of recordPayment carries the same paymentId, which the tax system must treat as an idempotency key.
 */
export interface TaxConnector {
  readonly kind: 'rest' | (string & {});
  /** Every debt of the citizen the tax system knows (pending and paid). Throws `payments.connector_unavailable` (503). */
  listDebts(tenantId: string, dni: string): Promise<ExternalDebt[]>;
  /** Records a payment; resolves when the tax system has it (also when it already had it). */
  recordPayment(tenantId: string, payment: PaymentRecord): Promise<void>;
}

/** One attachment of a filing, with its bytes: the registry keeps its own copy. */
export interface RegistryAttachment {
  fileName: string;
  mimeType: string;
  /** Hex SHA-256 of `data`, as printed on the citizen's receipt. */
  sha256: string;
  data: Buffer;
}

/** A filing registered here (number and time are ours), as the council's official registry receives it. */
export interface RegistryFiling {
  /** Our filing id: the idempotency key, so a retried delivery registers the filing once. */
  id: string;
  tenantId: string;
  /** Our registry number (REG-2026-000123), already on the citizen's receipt. */
  registryNumber: string;
  /** ISO 8601, UTC. */
  registeredAt: string;
  dni: string;
  departmentId: string;
  subject: string;
  body: string;
  attachments: RegistryAttachment[];
}

/**
 * A council's official electronic registry in another system. Filings are still numbered and stored here (the
 * citizen's receipt cannot wait on it), and every one is delivered at least once through the filing_exports outbox:
 * deliver must treat `filing.id` as an idempotency key and answer "already have it" as success.
 */
export interface FilingsRegistryConnector {
  readonly kind: 'rest' | (string & {});
  /**
   * Resolves with the registry's own reference once it holds the filing (also when it already held it). Rejects with
   * an error whose `isPermanent` is true when the registry refused the filing itself (retrying cannot help); any
   * other rejection is retried later.
   */
  deliver(filing: RegistryFiling): Promise<{ externalRef: string }>;
}

/** What happened to an appointment, as the council's own calendar or queue system receives it. */
export interface AppointmentCalendarEvent {
  /** Our event id: the idempotency key, so a retried delivery applies the event once. */
  id: string;
  /** The appointment the event is about; for `rescheduled`, the new appointment (the old one is `rescheduledFrom`). */
  appointmentId: string;
  tenantId: string;
  kind: 'booked' | 'cancelled' | 'rescheduled';
  /** The citizen's appointment code (CITA-…), as on the confirmation e-mail and the kiosk ticket. */
  code: string;
  dni: string;
  serviceId: string;
  officeId: string;
  /** ISO 8601, UTC. */
  startsAt: string;
  endsAt: string;
  /** When it happened here, ISO 8601 UTC. */
  at: string;
  /** For `rescheduled`: the appointment it replaces (cancelled in the same transaction). */
  rescheduledFrom?: string | undefined;
}

/**
 * A council's own appointment or queue system. Bookings are still decided here (exactly-once needs our
 * transactions); every booking, cancellation and reschedule is mirrored there at least once, in order per appointment,
 * through the appointment_exports outbox: deliver must treat `event.id` as an idempotency key.
 */
export interface AppointmentCalendarConnector {
  readonly kind: 'rest' | (string & {});
  /**
   * Resolves once the system holds the event (also when it already held it). Rejects with an error whose
   * `isPermanent` is true when the system refused the event itself; any other rejection is retried later.
   */
  deliver(event: AppointmentCalendarEvent): Promise<{ externalRef?: string }>;
}
