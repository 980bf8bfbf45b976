/**
 * The composition root: builds each domain's repository and service with explicit dependencies
 * and registers its routes. Add a module here with one block.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Bus } from '../bus/bus.ts';
import type { Db } from '../db/db.ts';
import { createCertificatesModule } from './certificates/index.ts';
import { createProcedureModules } from './connectors/procedures.wiring.ts';
import { createIdentityModule, sessionPlugin } from './identity/index.ts';
import { createAnalyticsModule } from './analytics/index.ts';
import { createKiosksRoutes, createKiosksService, kioskPlugin } from './kiosks/index.ts';
import { createNluModule } from './nlu/index.ts';
import { createObservatoryModule } from './observatory/index.ts';
import { createForumModule } from './forum/index.ts';
import { SpeechService, speechRoutes } from './speech/index.ts';
import { systemRoutes } from './system/system.routes.ts';
import type { LoadedTenant, TenantRegistry } from './tenants/index.ts';
import { tenantsRoutes } from './tenants/tenants.routes.ts';

export interface ModuleDeps {
  config: Config;
  db: Db;
  /** Pub/sub between instances (Redis or LISTEN/NOTIFY) for live features. */
  bus: Bus;
  tenants: TenantRegistry;
  loadedTenants: readonly LoadedTenant[];
}

export async function registerModules(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  // Kiosk identification first (sign-ins record the kiosk), then identity: its session plugin sets
  // req.auth and checks CSRF for every module registered after it.
  const kiosks = createKiosksService(deps.db);
  await app.register(kioskPlugin, { kiosks });
  const identity = createIdentityModule({ db: deps.db, config: deps.config });
  await app.register(sessionPlugin, identity.session);
  await app.register(identity.routes);
  await app.register(systemRoutes(deps.db));
  await app.register(tenantsRoutes(deps.tenants));
  await app.register(createKiosksRoutes({ kiosks, identity: identity.service, db: deps.db, isProduction: deps.config.isProduction }));
  await app.register(speechRoutes(new SpeechService()));
  await app.register(createAnalyticsModule(deps.db).routes);
  const certificates = createCertificatesModule({ db: deps.db, tenants: deps.tenants, publicUrl: deps.config.PUBLIC_URL, dataDir: deps.config.dataDir });
  await app.register(certificates.routes);
  // Procedures (issue 5): padrón certificates, appointments, payments, filings over the embedded registers.
  const procedures = createProcedureModules({ db: deps.db, tenants: deps.tenants, config: deps.config, certificates: certificates.service, log: app.log });
  await procedures.register(app);
  app.addHook('onClose', async () => procedures.close());
  const nlu = createNluModule({ db: deps.db, tenants: deps.tenants });
  await app.register(nlu.routes);
  // Observatory + forum (issue 8): global, cross-council; officers sign in with their own cookie (vt_obs).
  const obsSession = { secret: deps.config.SESSION_SECRET, isProduction: deps.config.isProduction };
  const observatory = createObservatoryModule({ db: deps.db, session: obsSession, publicUrl: deps.config.PUBLIC_URL });
  await app.register(observatory.routes);
  await app.register(createForumModule({ db: deps.db, observatory: observatory.service, session: obsSession }).routes);
}
