/**
 * The composition root: builds each domain's repository and service with explicit dependencies
 * and registers its routes. Add a module here with one block.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { systemRoutes } from './system/system.routes.ts';
import type { LoadedTenant, TenantRegistry } from './tenants/index.ts';
import { tenantsRoutes } from './tenants/tenants.routes.ts';

export interface ModuleDeps {
  config: Config;
  db: Db;
  tenants: TenantRegistry;
  loadedTenants: readonly LoadedTenant[];
}

export async function registerModules(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  await app.register(systemRoutes(deps.db));
  await app.register(tenantsRoutes(deps.tenants));
}
