import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig, type Env } from '../config.ts';
import { createTestDb, type TestDb } from './test-db.ts';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestApp {
  app: FastifyInstance;
  t: TestDb;
  dataDir: string;
  close(): Promise<void>;
}

/** The real app on a throwaway database (PGlite, or PostgreSQL with DATABASE_URL), for app.inject. */
export async function createTestApp(opts: { webDistDir?: string; env?: Partial<Env> } = {}): Promise<TestApp> {
  const t = await createTestDb();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-test-'));
  const config = loadConfig({}, { DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 10_000, ...opts.env });
  const app = await buildApp({ config, db: t.db, tenants: t.tenants, logger: false, ...(opts.webDistDir ? { webDistDir: opts.webDistDir } : {}) });
  await app.ready();
  return {
    app,
    t,
    dataDir,
    async close() {
      await app.close(); // closes the db through the onClose hook
      await t.close().catch(() => undefined);
    },
  };
}
