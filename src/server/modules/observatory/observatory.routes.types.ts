/** What the observatory's route plugins (observatory.routes.ts, accounts.routes.ts) are built with: a file of its own so neither imports the other. */
import type { ObservatoryService } from './observatory.service.ts';
import type { ObsSessionOptions } from './observatory.session.ts';
import type { Mailer } from './observatory.types.ts';

export interface ObservatoryRoutesDeps {
  service: ObservatoryService;
  session: ObsSessionOptions;
  /** Sends the verification e-mail; without it the token is only logged in development. */
  mailer?: Mailer;
}
