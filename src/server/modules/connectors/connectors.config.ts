/**
 * The padrón connector each council's profile asks for (`connectors.padron` in tenants/<id>.yaml), behind one
 * PadronConnector that routes every call by its tenantId. Secrets come from CONNECTOR_* environment variables that
 * the profile names, so a profile can be published without them.
 */
import type { PadronConnectorConfig, TenantProfile } from '../tenants/index.ts';
import { createRestAppointmentsConnector } from './appointments.rest.ts';
import type { AppointmentCalendarConnector, FilingsRegistryConnector, PadronConnector, TaxConnector } from './connectors.types.ts';
import { createRestFilingsConnector } from './filings.rest.ts';
import { createRestPadronConnector } from './padron.rest.ts';
import { createRpaPadronConnector } from './padron.rpa.ts';
import { createRestTaxConnector } from './taxes.rest.ts';

export class ConnectorConfigError extends Error {
  constructor(readonly problems: string[]) {
    super('Connector configuration:\n' + problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'ConnectorConfigError';
  }
}

export interface ConfiguredPadron extends PadronConnector {
  /** The kind each council uses, for the status page and logs. */
  readonly kinds: Record<string, PadronConnectorConfig['kind']>;
  /** Closes browsers of RPA connectors. */
  close(): Promise<void>;
}

/**
 * Builds the connectors once at start. A missing secret stops the start with a message naming the council, the
 * field and the variable, rather than failing later in front of a citizen. Councils on the embedded padrón get
 * `embedded` (the padrón module's own tables: padron/index.ts), handed in so that connectors depend on no module.
 */
export function createConfiguredPadronConnector(embedded: PadronConnector, profiles: readonly TenantProfile[], env: Record<string, string>): ConfiguredPadron {
  const problems: string[] = [];
  const secret = secretReader(env, 'padron', problems);
  const byTenant = new Map<string, PadronConnector>();
  const closers: (() => Promise<void>)[] = [];
  const kinds: Record<string, PadronConnectorConfig['kind']> = {};
  for (const p of profiles) {
    const c = p.connectors.padron;
    kinds[p.id] = c.kind;
    if (c.kind === 'rest') {
      byTenant.set(p.id, createRestPadronConnector({ baseUrl: c.baseUrl, token: secret(p.id, 'tokenEnv', c.tokenEnv), timeoutMs: c.timeoutMs }));
    } else if (c.kind === 'rpa') {
      const user = secret(p.id, 'userEnv', c.userEnv) ?? '';
      const password = secret(p.id, 'passwordEnv', c.passwordEnv) ?? '';
      const rpa = createRpaPadronConnector({ baseUrl: c.baseUrl, user, password, timeoutMs: c.timeoutMs, maxConcurrent: c.maxConcurrent });
      byTenant.set(p.id, rpa);
      closers.push(() => rpa.close());
    }
  }
  if (problems.length) {
    void Promise.all(closers.map((close) => close()));
    throw new ConnectorConfigError(problems);
  }
  const pick = (tenantId: string) => byTenant.get(tenantId) ?? embedded;
  return {
    kind: 'configured',
    kinds,
    findInhabitant: (tenantId, dni) => pick(tenantId).findInhabitant(tenantId, dni),
    findHousehold: (tenantId, householdId) => pick(tenantId).findHousehold(tenantId, householdId),
    async close() {
      await Promise.all(closers.map((close) => close()));
    },
  };
}

/** Reads the CONNECTOR_* variable a profile names, noting a missing one as a problem for the start-up message. */
function secretReader(env: Record<string, string>, register: string, problems: string[]) {
  return (tenant: string, field: string, name: string | undefined): string | undefined => {
    if (name === undefined) return undefined;
    const value = env[name];
    if (!value) problems.push(`${tenant}: connectors.${register}.${field} names ${name}, which is not set`);
    return value;
  };
}

/**
 * The tax system of each council whose profile names one (connectors.taxes); councils on the embedded register get
 * undefined, and their receipts stay in our database as before.
 */
export function createConfiguredTaxConnectors(profiles: readonly TenantProfile[], env: Record<string, string>): (tenantId: string) => TaxConnector | undefined {
  const problems: string[] = [];
  const secret = secretReader(env, 'taxes', problems);
  const byTenant = new Map<string, TaxConnector>();
  for (const p of profiles) {
    const c = p.connectors.taxes;
    if (c.kind === 'rest') byTenant.set(p.id, createRestTaxConnector({ baseUrl: c.baseUrl, token: secret(p.id, 'tokenEnv', c.tokenEnv), timeoutMs: c.timeoutMs }));
  }
  if (problems.length) throw new ConnectorConfigError(problems);
  return (tenantId) => byTenant.get(tenantId);
}

/**
 * The official electronic registry of each council whose profile names another system (connectors.filings); councils
 * on the embedded register get undefined: our database is their registry and nothing is sent.
 */
export function createConfiguredFilingsRegistries(profiles: readonly TenantProfile[], env: Record<string, string>): (tenantId: string) => FilingsRegistryConnector | undefined {
  const problems: string[] = [];
  const secret = secretReader(env, 'filings', problems);
  const byTenant = new Map<string, FilingsRegistryConnector>();
  for (const p of profiles) {
    const c = p.connectors.filings;
    if (c.kind === 'rest') byTenant.set(p.id, createRestFilingsConnector({ baseUrl: c.baseUrl, token: secret(p.id, 'tokenEnv', c.tokenEnv), timeoutMs: c.timeoutMs }));
  }
  if (problems.length) throw new ConnectorConfigError(problems);
  return (tenantId) => byTenant.get(tenantId);
}

/**
 * The appointment or queue system of each council whose profile names one (connectors.appointments); councils on the
 * embedded calendar get undefined: our database is their calendar and nothing is sent.
 */
export function createConfiguredAppointmentCalendars(profiles: readonly TenantProfile[], env: Record<string, string>): (tenantId: string) => AppointmentCalendarConnector | undefined {
  const problems: string[] = [];
  const secret = secretReader(env, 'appointments', problems);
  const byTenant = new Map<string, AppointmentCalendarConnector>();
  for (const p of profiles) {
    const c = p.connectors.appointments;
    if (c.kind === 'rest') byTenant.set(p.id, createRestAppointmentsConnector({ baseUrl: c.baseUrl, token: secret(p.id, 'tokenEnv', c.tokenEnv), timeoutMs: c.timeoutMs }));
  }
  if (problems.length) throw new ConnectorConfigError(problems);
  return (tenantId) => byTenant.get(tenantId);
}
