import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../db/postgres.ts';
import { createTestDb, type TestDb } from '../testing/test-db.ts';
import { busChannel, createDbBus, createRedisBus, type Bus } from './bus.ts';

function nextMessage(bus: Bus, channel: string): Promise<{ message: unknown; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000);
    let stop: (() => Promise<void>) | undefined;
    void bus
      .subscribe(channel, (message) => {
        clearTimeout(timer);
        resolve({ message, stop: stop ?? (async () => undefined) });
      })
      .then((s) => {
        stop = s;
      });
  });
}

describe('the message bus', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  it('delivers a message through the database (LISTEN/NOTIFY)', async () => {
    const bus = createDbBus(t.db);
    const channel = busChannel('handoff', 'alacant');
    const got = nextMessage(bus, channel);
    await new Promise((r) => setTimeout(r, 100));
    await bus.publish(channel, { kind: 'joined', conversationId: 'c1' });
    const { message, stop } = await got;
    expect(message).toEqual({ kind: 'joined', conversationId: 'c1' });
    await stop();
  });

  it.runIf(Boolean(process.env.DATABASE_URL))('delivers between two separate PostgreSQL connections, as between two instances', async () => {
    const url = process.env.DATABASE_URL ?? '';
    const a = await openPostgres(url, { max: 2 });
    const b = await openPostgres(url, { max: 2 });
    try {
      const channel = busChannel('test', String(Date.now()));
      const got = nextMessage(createDbBus(b), channel);
      await new Promise((r) => setTimeout(r, 200));
      await createDbBus(a).publish(channel, { text: 'hola' });
      expect((await got).message).toEqual({ text: 'hola' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('delivers between two Redis connections when Redis is there', async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    let a: Bus;
    try {
      a = await createRedisBus(url);
    } catch {
      // The embedded default needs no Redis; CI runs this with REDIS_URL set.
      expect(process.env.REDIS_URL).toBeUndefined();
      return;
    }
    const b = await createRedisBus(url);
    try {
      const channel = busChannel('test', String(Date.now()));
      const got = nextMessage(b, channel);
      await new Promise((r) => setTimeout(r, 100));
      await a.publish(channel, { n: 1 });
      expect((await got).message).toEqual({ n: 1 });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps channel names to a safe alphabet', () => {
    expect(busChannel('conv', 'a-b;DROP')).toBe('conv__a_b_DROP');
  });
});
