/** Councils: profiles, validation, routing of requests to a council. */
export { ZTenantProfile, PROCEDURES } from './tenant.schema.ts';
export type { TenantProfile, Office, AppointmentService, Kiosk, OpeningHours, LocalizedText, ProcedureId, PadronConnectorConfig, TaxConnectorConfig } from './tenant.schema.ts';
export { loadTenantFile, loadTenantsDir, TenantProfileError, type LoadedTenant } from './tenants.loader.ts';
export { TenantRegistry, localize, tenantLanguage } from './tenants.service.ts';
export { upsertTenants, listTenantIds } from './tenants.repository.ts';
/** The part of a profile the browser may see (the web boot block and GET /api/v1/tenants/:id). */
export { publicTenant, type PublicTenant } from './tenants.presenters.ts';
/** The public routes that describe a council (profile, offices, services) to the web app. */
export { tenantsRoutes } from './tenants.routes.ts';
