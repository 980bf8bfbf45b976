/** Figures for staff: procedures and queries per day, by language and kiosk, computed from stored events. */
import type { Db } from '../../db/db.ts';
import { AnalyticsRepository } from './analytics.repository.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import { AnalyticsService } from './analytics.service.ts';

export { AnalyticsService, MAX_RANGE_DAYS, type AnalyticsReport } from './analytics.service.ts';
export { PROCEDURE_EVENT_TYPES } from './analytics.repository.ts';
/** Writes one `events` row (the figures' source) with the caller's Queryable, so it stays inside the caller's transaction. */
export { insertEvent as recordAnalyticsEvent, type NewEvent } from './events.repository.ts';

/** Builds the service and its staff-only routes. */
export function createAnalyticsModule(db: Db) {
  const analytics = new AnalyticsService(new AnalyticsRepository(db), db);
  return { service: analytics, routes: analyticsRoutes({ analytics }) };
}
