import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Db } from '../db/db.ts';
import { createProcedureModules } from '../modules/procedures.composition.ts';
import { TenantRegistry, type LoadedTenant } from '../modules/tenants/index.ts';
import { createEmbeddedPadronConnector } from '../modules/padron/index.ts';
import { createTestCertificates } from './certificates.ts';

/**
 * Wires the procedure modules as the server does at start, with no CONNECTOR_* variables set: for tests that a
 * profile naming a connector secret refuses to start without it. Returns the start, to be called inside expect().
 */
export function startWithoutConnectorSecrets(db: Db, tenants: LoadedTenant[]): () => unknown {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vt-connectors-start-'));
  const registry = new TenantRegistry(tenants);
  const certificates = createTestCertificates(db, registry, dataDir);
  return () =>
    createProcedureModules({
      db,
      tenants: registry,
      certificates,
      log: pino({ level: 'silent' }),
      config: { PUBLIC_URL: 'http://127.0.0.1:3000', SESSION_SECRET: 'x'.repeat(32), MAIL_FROM: 'test@example.org', dataDir, NODE_ENV: 'test', S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: true, connectorEnv: {} },
    });
}

/**
 * The padrón read from our own tables, for the connector tests that compare every adapter with it. Through here
 * rather than an import of padron/ from connectors/ tests, which would draw a connectors <-> padron circle.
 */
export const embeddedPadron = (db: Db) => createEmbeddedPadronConnector(db);
