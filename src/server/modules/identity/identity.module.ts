/** Builds the identity module: service, OIDC, session plugin options and routes. */
import type { Config } from '../../config.ts';
import type { Db } from '../../db/db.ts';
import { identityRoutes } from './identity.routes.ts';
import { IdentityService } from './identity.service.ts';
import { OidcService, parseOidcProviders } from './oidc.ts';
import type { SessionPluginOptions } from './session.plugin.ts';
import { trustStoreLoader } from './trust.ts';

export interface IdentityModule {
  service: IdentityService;
  oidc: OidcService;
  /** Options for `sessionPlugin`, registered before every other module's routes. */
  session: SessionPluginOptions;
  routes: ReturnType<typeof identityRoutes>;
}

export function createIdentityModule(deps: { db: Db; config: Config }): IdentityModule {
  const service = new IdentityService({ db: deps.db, config: deps.config, trustStore: trustStoreLoader(deps.config, {
    // The previous lists stay in force; the operator sees why the new file was not taken.
    onCrlError: (err) => process.emitWarning(`CLIENT_CRL_FILE could not be reloaded: ${err instanceof Error ? err.message : String(err)}`),
  }) });
  const oidc = new OidcService({ repo: service.repo, providers: parseOidcProviders(deps.config.OIDC_PROVIDERS), publicUrl: deps.config.PUBLIC_URL });
  return {
    service,
    oidc,
    session: { identity: service, isHttpsOnly: deps.config.isHttpsOnly },
    routes: identityRoutes({ identity: service, oidc, config: deps.config }),
  };
}
