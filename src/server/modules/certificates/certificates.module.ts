import type { Queryable } from '../../db/db.ts';
import type { LoadedTenant } from '../tenants/index.ts';
import { CertificatesRepository } from './certificates.repository.ts';
import { certificatesRoutes } from './certificates.routes.ts';
import { CertificatesService } from './certificates.service.ts';
import type { SealFileSource } from './seal.ts';
import { createSealProvider } from './seal-provider.ts';

export interface CertificatesModuleDeps {
  db: Queryable;
  tenants: { loaded(id: string): LoadedTenant | undefined };
  publicUrl: string;
  dataDir: string;
  /** A configured PKCS#12 per council (see sealSourceFromEnv); councils without one get a demo seal. */
  sealSourceFor?: (tenantId: string) => SealFileSource | undefined;
}

/** Builds the certificates service and its public /verify routes. */
export function createCertificatesModule(deps: CertificatesModuleDeps) {
  const service = new CertificatesService({
    repository: new CertificatesRepository(deps.db),
    tenants: deps.tenants,
    seals: createSealProvider(deps.dataDir, deps.sealSourceFor),
    publicUrl: deps.publicUrl,
    dataDir: deps.dataDir,
  });
  return { service, routes: certificatesRoutes(service) };
}
