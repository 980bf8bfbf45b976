/** Data protection: transcript retention per council, a citizen's export and erasure across domains. */
import type { Db } from '../../db/db.ts';
import type { HandoffRepository } from '../handoff/index.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { privacyRoutes } from './privacy.routes.ts';
import { callbacksProvider, conversationsProvider, PrivacyService, type PersonalDataProvider } from './privacy.service.ts';

/** The service, the provider interface each domain implements, and the providers that exist. */
export {
  PrivacyService,
  conversationsProvider,
  callbacksProvider,
  type PersonalDataProvider,
  type RetentionRun,
} from './privacy.service.ts';

/** The retention job runs this often, ms (6 h); deletion is by day, so finer is pointless. */
export const RETENTION_INTERVAL_MS = 6 * 3_600_000;

/** Builds the service with the providers of the domains that exist; `extraProviders` adds more. */
/** Export-only providers for the procedure registers (public records are retained, not erased). */
export { registerProviders, type RegisterReaders } from './registers.providers.ts';

export function createPrivacyModule(deps: {
  db: Db;
  tenants: TenantRegistry;
  handoff: HandoffRepository;
  extraProviders?: PersonalDataProvider[];
}) {
  const service = new PrivacyService({
    db: deps.db,
    tenants: deps.tenants,
    providers: [conversationsProvider(deps.db), callbacksProvider(deps.handoff), ...(deps.extraProviders ?? [])],
  });
  return { service, routes: privacyRoutes(service) };
}
