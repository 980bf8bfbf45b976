import { createHash, timingSafeEqual } from 'node:crypto';
import { startOfLocalDay } from '../../../shared/zoned-time.ts';
import type { Db, Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { audit, type AuditActor } from '../identity/index.ts';
import type { Kiosk, TenantProfile } from '../tenants/index.ts';
import type { KiosksRepository } from './kiosks.repository.ts';

/** A kiosk counts as online while its heartbeats (every 30 s) keep coming; 3 missed beats and it is offline. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const OFFLINE_AFTER_MS = 3 * HEARTBEAT_INTERVAL_MS;

export interface KioskFleetEntry {
  id: string;
  names: Kiosk['names'];
  officeId: string | null;
  address: string | null;
  coordinates: { lat: number; lon: number };
  isOnline: boolean;
  lastSeenAt: string | null;
  lastActivityAt: string | null;
  todayEvents: number;
  info: Record<string, unknown>;
}

function sha256Hex(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** What the wipe needs from identity (IdentityService fits): ending every citizen session opened on a kiosk. */
export interface KioskSessions {
  endSessionsForKiosk(tenantId: string, kioskId: string, q?: Queryable): Promise<number>;
}

/** Kiosk identity (secret token), activation and wipe (audited), heartbeats and the fleet view. */
export class KiosksService {
  constructor(
    private readonly repo: KiosksRepository,
    private readonly db: Db,
  ) {}

  /** The kiosk whose token this is, compared in constant time against the profile's SHA-256. */
  authenticate(tenant: TenantProfile, kioskId: string, token: string): Kiosk {
    const kiosk = tenant.kiosks.find((k) => k.id === kioskId);
    const given = sha256Hex(token);
    const expected = kiosk ? Buffer.from(kiosk.tokenSha256, 'hex') : Buffer.alloc(32);
    // Compare even for an unknown kiosk, so timing does not tell which ids exist.
    const isMatch = timingSafeEqual(given, expected);
    if (!kiosk || !isMatch) throw new AppError('kiosks.invalid_token');
    return kiosk;
  }

  /** Registers a device as this kiosk (its token must match) and records it in the audit log. */
  async activate(tenant: TenantProfile, kioskId: string, token: string, by: AuditActor): Promise<Kiosk> {
    const kiosk = this.authenticate(tenant, kioskId, token);
    await audit(this.db, { ...by, channel: 'kiosk', kioskId: kiosk.id }, { action: 'kiosk.activated', subjectType: 'kiosk', subjectId: kiosk.id });
    return kiosk;
  }

  /**
   * Ends every citizen session opened on the kiosk (its idle timeout or "finish") and records how many. The
   * sessions belong to identity, which ends them in its own statement; the audit row follows at once.
   */
  async wipe(tenantId: string, kioskId: string, by: AuditActor, sessions: KioskSessions): Promise<number> {
    // The sessions end and the audit row is written in one transaction: a wipe is never half-recorded.
    return this.db.transaction(async (tx) => {
      const ended = await sessions.endSessionsForKiosk(tenantId, kioskId, tx);
      await audit(tx, { ...by, actorType: 'system', actorId: undefined }, { action: 'kiosk.wiped', subjectType: 'kiosk', subjectId: kioskId, details: { sessionsEnded: ended } });
      return ended;
    });
  }

  async heartbeat(tenant: TenantProfile, kioskId: string, input: { lastActivityAt?: string | undefined; info?: Record<string, unknown> | undefined }, now = new Date()): Promise<{ nextInMs: number }> {
    const last = input.lastActivityAt ? new Date(input.lastActivityAt) : null;
    // A kiosk clock may be wrong; never record activity in the future.
    const activity = last && !Number.isNaN(last.getTime()) && last <= now ? last : null;
    await this.repo.recordHeartbeat(tenant.id, kioskId, now, activity, input.info ?? {});
    return { nextInMs: HEARTBEAT_INTERVAL_MS };
  }

  /** Every kiosk of the council with online/offline, last activity and today's usage. */
  async fleet(tenant: TenantProfile, now = new Date()): Promise<KioskFleetEntry[]> {
    const [statuses, usage] = await Promise.all([this.repo.statuses(tenant.id), this.repo.usageSince(tenant.id, startOfLocalDay(now, tenant.timeZone))]);
    const byId = new Map(statuses.map((s) => [s.kiosk_id, s]));
    return tenant.kiosks.map((k) => {
      const s = byId.get(k.id);
      const u = usage.get(k.id);
      const lastActivity = [s?.last_activity_at ?? null, u?.lastAt ?? null].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
      const office = k.officeId ? tenant.offices.find((o) => o.id === k.officeId) : undefined;
      return {
        id: k.id,
        names: k.names,
        officeId: k.officeId ?? null,
        address: k.address ?? office?.address ?? null,
        coordinates: k.coordinates,
        isOnline: s ? now.getTime() - s.last_seen_at.getTime() <= OFFLINE_AFTER_MS : false,
        lastSeenAt: s ? s.last_seen_at.toISOString() : null,
        lastActivityAt: lastActivity ? lastActivity.toISOString() : null,
        todayEvents: u?.events ?? 0,
        info: s?.info ?? {},
      };
    });
  }
}
