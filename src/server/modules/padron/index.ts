/** Padrón (register of residents): owns the padron_* tables; certificate data through a connector, certificate issuing, routes. */
import type { Db, Queryable } from '../../db/db.ts';
import type { PadronConnector } from '../connectors/index.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { padronRoutes } from './padron.routes.ts';
import { createPadronRepository } from './padron.repository.ts';
import { createPadronService, type PadronCertificateIssuer } from './padron.service.ts';

/** The service (getCertificateData, issueCertificate, certificatePdf, listMine): free of Fastify, for the assistant. */
export { createPadronService, splitAddress, type PadronService, type IssuedCertificate, type CertificateKind, type PadronCertificateIssuer } from './padron.service.ts';
/** The padrón kept in our own database: the default connector, and the fallback of a council's configured one. */
export { createEmbeddedPadronConnector } from './padron.embedded.ts';
/** Demo households and inhabitants for DEMO_DATA (src/server/demo/demo-seed.ts). */
export { seedDemoPadron } from './padron.demo.ts';

/** What another module may ask the padrón about a person (filings print the applicant's name on the receipt). */
export interface PadronNames {
  /** "Given Surname" of an inhabitant registered in our own padrón, or undefined. */
  nameOf(tenantId: string, dni: string): Promise<string | undefined>;
}

/** The PadronNames port over our own padrón tables. */
export function padronNames(db: Queryable): PadronNames {
  const repo = createPadronRepository(db);
  return { nameOf: (tenantId, dni) => repo.nameOf(tenantId, dni) };
}

/** Builds the padrón module for the registry. */
export function createPadronModule(deps: { db: Db; tenants: TenantRegistry; connector: PadronConnector; certificates: PadronCertificateIssuer }) {
  const service = createPadronService(deps);
  return { service, routes: padronRoutes(service) };
}
