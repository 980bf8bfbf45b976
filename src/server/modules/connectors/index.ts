/** The registers behind the procedures, as connectors (embedded, REST/JSON, RPA): adapters only, no procedure. */
export type {
  PadronConnector,
  Inhabitant,
  Household,
  TaxConnector,
  ExternalDebt,
  PaymentRecord,
  FilingsRegistryConnector,
  RegistryFiling,
  RegistryAttachment,
  AppointmentCalendarConnector,
  AppointmentCalendarEvent,
} from './connectors.types.ts';
/** The padrón each council's profile configures (connectors.padron), routed by tenant; secrets from CONNECTOR_* variables. */
export {
  createConfiguredPadronConnector,
  createConfiguredTaxConnectors,
  createConfiguredFilingsRegistries,
  createConfiguredAppointmentCalendars,
  ConnectorConfigError,
  type ConfiguredPadron,
} from './connectors.config.ts';
/** A tax system behind a REST/JSON service. */
export { createRestTaxConnector, type RestTaxConnectorOptions } from './taxes.rest.ts';
/** An official electronic registry behind a REST/JSON service (filings are delivered to it through an outbox). */
export { createRestFilingsConnector, type RestFilingsConnectorOptions } from './filings.rest.ts';
/** The one error of the REST connectors: the HTTP status, and whether retrying can help (isPermanent). */
export { HttpJsonError } from './http-json.ts';
/** The JSON-over-HTTP client the REST connectors share (base URL, bearer token, timeout, 4xx/5xx classification); the SMS sender uses it too. */
export { createJsonClient, type JsonClient, type JsonClientOptions } from './http-json.ts';
/** A padrón behind a REST/JSON service. */
export { createRestPadronConnector, type RestConnectorOptions } from './padron.rest.ts';
/** A padrón behind a legacy web application, driven with headless Chromium. */
export { createRpaPadronConnector, CHROMIUM_ARGS, type RpaConnectorOptions, type RpaPadronConnector } from './padron.rpa.ts';
