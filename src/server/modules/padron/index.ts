/** Padrón (register of residents): certificate data through a connector, certificate issuing, routes. */
import type { Db } from '../../db/db.ts';
import type { PadronConnector } from '../connectors/connectors.types.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { padronRoutes } from './padron.routes.ts';
import { createPadronService, type PadronCertificateIssuer } from './padron.service.ts';

/** The service (getCertificateData, issueCertificate, certificatePdf, listMine): free of Fastify, for the assistant. */
export { createPadronService, splitAddress, type PadronService, type IssuedCertificate, type CertificateKind, type PadronCertificateIssuer } from './padron.service.ts';

/** Builds the padrón module for the registry. */
export function createPadronModule(deps: { db: Db; tenants: TenantRegistry; connector: PadronConnector; certificates: PadronCertificateIssuer }) {
  const service = createPadronService(deps);
  return { service, routes: padronRoutes(service) };
}
