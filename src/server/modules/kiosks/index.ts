/** Cyberkiosks: device identity by secret token, heartbeats, the idle wipe and the fleet view. */
import type { Db } from '../../db/db.ts';
import { KiosksRepository } from './kiosks.repository.ts';
import { kiosksRoutes } from './kiosks.routes.ts';
import { KiosksService, type KioskSessions } from './kiosks.service.ts';

/** The kiosk identification plugin (register before identity) and the device cookie name. */
export { kioskPlugin, KIOSK_COOKIE } from './kiosks.plugin.ts';
/** The service: authenticate a kiosk token, record heartbeats, list the fleet. */
export { KiosksService, HEARTBEAT_INTERVAL_MS, OFFLINE_AFTER_MS, type KioskFleetEntry, type KioskSessions } from './kiosks.service.ts';

/** Builds the service; routes need the identity service (for the wipe), so they are built separately. */
export function createKiosksService(db: Db): KiosksService {
  return new KiosksService(new KiosksRepository(db), db);
}

/** The kiosk routes. */
export function createKiosksRoutes(deps: { kiosks: KiosksService; identity: KioskSessions; isHttpsOnly: boolean }) {
  return kiosksRoutes(deps);
}
