import { Redis } from 'ioredis';
import type { Db } from '../db/db.ts';

/**
 * Publish/subscribe between the instances of one deployment (live hand-off chat, conversation events).
 * Redis when REDIS_URL is set; otherwise PostgreSQL LISTEN/NOTIFY (also works in-process on PGlite).
 * Messages are small JSON objects: ids and short texts, never documents.
 */
export interface Bus {
  readonly kind: 'redis' | 'postgres' | 'pglite';
  publish(channel: string, message: object): Promise<void>;
  /** Returns a function that stops the subscription. */
  subscribe(channel: string, onMessage: (message: unknown) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** PostgreSQL NOTIFY payloads are limited to 8000 bytes. */
const MAX_NOTIFY_BYTES = 7900;

/** Channel names become SQL identifiers in LISTEN: keep them to a safe alphabet. */
export function busChannel(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^a-zA-Z0-9_]/g, '_')).join('__').slice(0, 63);
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export function createDbBus(db: Db): Bus {
  return {
    kind: db.kind,
    async publish(channel, message) {
      const payload = JSON.stringify(message);
      if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) throw new Error(`bus message too large for NOTIFY (${Buffer.byteLength(payload)} bytes)`);
      await db.notify(channel, payload);
    },
    async subscribe(channel, onMessage) {
      return db.listen(channel, (raw) => {
        const m = parse(raw);
        if (m !== undefined) onMessage(m);
      });
    },
    async close() {
      // The database owns the listening connection and closes it.
    },
  };
}

export async function createRedisBus(url: string): Promise<Bus> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await Promise.all([pub.connect(), sub.connect()]);
  const handlers = new Map<string, Set<(m: unknown) => void>>();
  sub.on('message', (channel: string, raw: string) => {
    const m = parse(raw);
    if (m === undefined) return;
    for (const h of handlers.get(channel) ?? []) h(m);
  });
  return {
    kind: 'redis',
    async publish(channel, message) {
      await pub.publish(channel, JSON.stringify(message));
    },
    async subscribe(channel, onMessage) {
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        await sub.subscribe(channel);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0) {
          handlers.delete(channel);
          await sub.unsubscribe(channel);
        }
      };
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/** The deployment's bus: Redis when configured, else the database. */
export async function createBus(db: Db, redisUrl: string | undefined): Promise<Bus> {
  return redisUrl ? createRedisBus(redisUrl) : createDbBus(db);
}
