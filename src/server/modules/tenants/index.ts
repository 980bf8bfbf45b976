/** Councils: profiles, validation, routing of requests to a council. */
export { ZTenantProfile, PROCEDURES } from './tenant.schema.ts';
export type { TenantProfile, Office, AppointmentService, Kiosk, OpeningHours, LocalizedText, ProcedureId, PadronConnectorConfig, TaxConnectorConfig } from './tenant.schema.ts';
export { loadTenantFile, loadTenantsDir, TenantProfileError, type LoadedTenant } from './tenants.loader.ts';
export { TenantRegistry, localize, tenantLanguage } from './tenants.service.ts';
export { upsertTenants } from './tenants.repository.ts';
