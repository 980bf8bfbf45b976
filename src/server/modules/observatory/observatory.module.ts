import type { Db } from '../../db/db.ts';
import type { FileStorage } from '../storage/index.ts';
import { observatoryRoutes } from './observatory.routes.ts';
import { ObservatoryService } from './observatory.service.ts';
import type { ObsSessionOptions } from './observatory.session.ts';
import type { Mailer } from './observatory.types.ts';

export interface ObservatoryModuleDeps {
  db: Db;
  /** SESSION_SECRET (signs the CSRF token) and whether cookies are Secure. */
  session: ObsSessionOptions;
  /** Where project documentation files live: createFileStorage(config, 'observatory'). */
  storage: FileStorage;
  publicUrl?: string;
  mailer?: Mailer;
  /** Told of failures that do not fail the call (a file clean-up left to the reconciler). */
  onError?: (err: unknown, what: string) => void;
}

/** Builds the observatory service and its routes plugin (the composition root registers `routes`). */
export function createObservatoryModule(deps: ObservatoryModuleDeps) {
  const service = new ObservatoryService({
    db: deps.db, storage: deps.storage, ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}), ...(deps.onError ? { onError: deps.onError } : {}),
  });
  return { service, routes: observatoryRoutes({ service, session: deps.session, ...(deps.mailer ? { mailer: deps.mailer } : {}) }) };
}
