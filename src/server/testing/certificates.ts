/**
 * A CertificatesService as the server builds it (the certificates module's own repository and seal provider), for
 * tests of the modules that issue sealed documents (padrón, payments, filings, connectors). Tests outside the
 * certificates module use this rather than reaching into its files.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../db/db.ts';
import { CertificatesRepository } from '../modules/certificates/certificates.repository.ts';
import { CertificatesService } from '../modules/certificates/certificates.service.ts';
import { createSealProvider } from '../modules/certificates/seal-provider.ts';
import type { TenantRegistry } from '../modules/tenants/index.ts';

/** The public URL the test services print in verification links. */
export const TEST_PUBLIC_URL = 'http://127.0.0.1:3000';

/** A certificates service over `db`, sealing with a demo seal kept in `dataDir` (a fresh temporary folder by default). */
export function createTestCertificates(db: Db, tenants: TenantRegistry, dataDir = mkdtempSync(path.join(tmpdir(), 'vt-certs-'))): CertificatesService {
  return new CertificatesService({ repository: new CertificatesRepository(db), tenants, seals: createSealProvider(dataDir), publicUrl: TEST_PUBLIC_URL, dataDir });
}
