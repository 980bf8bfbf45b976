/** The staff inbox: live hand-off from the assistant to a person, office hours and callback requests. */
import type { Bus } from '../../bus/bus.ts';
import type { Db } from '../../db/db.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { HandoffRepository } from './handoff.repository.ts';
import { handoffRoutes } from './handoff.routes.ts';
import { HandoffService, type ConversationsPort } from './handoff.service.ts';
import type { SessionResolver } from './handoff.socket-session.ts';

/** The service (inbox, accept, send, close, watch, office hours, callbacks) and what it needs from the assistant. */
export {
  HandoffService,
  isWithinHours,
  inboxChannel,
  type ConversationsPort,
  type StaffActor,
  type InboxItem,
  type InboxEvent,
  type OfficeHoursView,
} from './handoff.service.ts';
/** How the inbox socket stays tied to its session (close code 4401 when it ends, MEDIUM-4). */
export { SESSION_ENDED_CLOSE_CODE, SESSION_RECHECK_MS, type SessionResolver } from './handoff.socket-session.ts';
/** The repository (used by the data-protection provider for callback requests). */
export { HandoffRepository, type CallbackRow } from './handoff.repository.ts';

/** Builds the inbox for the registry; pass `service.port()` to the assistant as its HandoffPort. */
export function createHandoffModule(deps: {
  db: Db;
  bus: Bus;
  tenants: TenantRegistry;
  conversations: ConversationsPort | (() => ConversationsPort);
  /** Identity's service: the inbox socket re-reads its session with it on every message and on a timer. */
  sessions: SessionResolver;
}) {
  const service = new HandoffService(deps);
  return { service, repository: new HandoffRepository(deps.db), routes: handoffRoutes(service, deps.sessions) };
}
