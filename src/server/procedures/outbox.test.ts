import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxTable } from '../db/outbox.ts';
import { createTestDb, type TestDb } from '../testing/test-db.ts';
import { createOutboxSender, outboxRetrySeconds } from './outbox.ts';

interface Entry {
  id: string;
  tenant_id: string;
  attempts: number;
}

/**
 * The sender on a table of the shared outbox shape, with a scripted other system: each id answers from a queue of
 * outcomes ('ok', 'down', 'refused'), then 'ok'.
 */
describe('an outbox sender', () => {
  let t: TestDb;
  let clock = new Date('2026-12-03T09:00:00Z');
  const script = new Map<string, ('ok' | 'down' | 'refused')[]>();
  const sent: string[] = [];
  const errors: string[] = [];
  const table = outboxTable('test_outbox', 'id');

  const sender = (opts: { isRefusalFinal: boolean }) =>
    createOutboxSender<Entry, { externalRef: string }>({
      db: t.db,
      now: () => clock,
      onError: (_err, what) => void errors.push(what),
      batchSize: 2,
      leaseSeconds: 60,
      claim: async (q, now, limit, leaseSeconds) =>
        (
          await q.query<Entry>(
            `UPDATE test_outbox SET attempts = attempts + 1, leased_until = $1::timestamptz + make_interval(secs => $3)
              WHERE id IN (SELECT id FROM test_outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
                           ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
              RETURNING id, tenant_id, attempts`,
            [now, limit, leaseSeconds],
          )
        ).rows,
      async deliver(e) {
        const next = script.get(e.id)?.shift() ?? 'ok';
        if (next === 'down') throw new Error('HTTP 503 from the other system');
        if (next === 'refused') throw Object.assign(new Error('HTTP 422: unknown department'), { isPermanent: true });
        sent.push(e.id);
        return { externalRef: `EXT-${e.id}` };
      },
      markDelivered: (q, e, r, now) => table.finish(q, e.id, now, { status: 'delivered', externalRef: r.externalRef }),
      markFailed: opts.isRefusalFinal ? (q, e, error, now) => table.finish(q, e.id, now, { status: 'failed', error }) : undefined,
      markRetry: (q, e, error, retryInSeconds, now) => table.finish(q, e.id, now, { status: 'pending', error, retryInSeconds }),
      audit: { prefix: 'test', subject: (e) => ({ subjectType: 'test', subjectId: e.id }), details: (e, r) => ({ attempts: e.attempts, ...(r ? { externalRef: r.externalRef } : {}) }) },
    });

  const row = async (id: string) =>
    (await t.db.query<{ status: string; attempts: number; last_error: string | null; external_ref: string | null; next_attempt_at: Date; leased_until: Date | null }>(`SELECT * FROM test_outbox WHERE id = $1`, [id])).rows[0];
  const audits = async (id: string) => (await t.db.query<{ action: string; details: unknown }>(`SELECT action, details FROM audit_log WHERE subject_type = 'test' AND subject_id = $1 ORDER BY id`, [id])).rows;

  beforeAll(async () => {
    t = await createTestDb();
    await t.db.exec(`CREATE TABLE test_outbox (
      id text PRIMARY KEY, tenant_id text NOT NULL, status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL, leased_until timestamptz, last_error text, external_ref text, delivered_at timestamptz)`);
  });
  afterAll(async () => t.close());

  const enqueue = (...ids: string[]) => Promise.all(ids.map((id) => t.db.query(`INSERT INTO test_outbox (id, tenant_id, next_attempt_at) VALUES ($1, 'alacant', $2)`, [id, clock])));

  it('delivers every due row across batches, once, and audits each delivery with its reference', async () => {
    await enqueue('a1', 'a2', 'a3');
    expect(await sender({ isRefusalFinal: true })()).toBe(3);
    expect([...sent].sort()).toEqual(['a1', 'a2', 'a3']); // RETURNING promises no order within a batch
    expect(await row('a3')).toMatchObject({ status: 'delivered', attempts: 1, external_ref: 'EXT-a3', last_error: null, leased_until: null });
    expect(await audits('a2')).toEqual([{ action: 'test.exported', details: { attempts: 1, externalRef: 'EXT-a2' } }]);
    expect(await sender({ isRefusalFinal: true })()).toBe(0);
    expect(sent).toHaveLength(3);
  });

  it('retries an outage 1, 2, 4… minutes later, then delivers', async () => {
    script.set('b1', ['down', 'down']);
    await enqueue('b1');
    const send = sender({ isRefusalFinal: true });
    expect(await send()).toBe(0);
    expect(await row('b1')).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 503 from the other system', leased_until: null });
    expect(new Date((await row('b1'))?.next_attempt_at ?? 0).getTime() - clock.getTime()).toBe(60_000);
    expect(await send()).toBe(0); // not due yet
    clock = new Date(clock.getTime() + 60_000);
    expect(await send()).toBe(0);
    expect(new Date((await row('b1'))?.next_attempt_at ?? 0).getTime() - clock.getTime()).toBe(120_000);
    clock = new Date(clock.getTime() + 120_000);
    expect(await send()).toBe(1);
    expect(await row('b1')).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
    expect(errors.filter((e) => e.startsWith('test export b1'))).toEqual(['test export b1 (attempt 1)', 'test export b1 (attempt 2)']);
    expect([1, 2, 3, 10, 20].map(outboxRetrySeconds)).toEqual([60, 120, 240, 6 * 3600, 6 * 3600]);
  });

  it('marks a refusal failed and audited where a person must look, and retries it where the outbox has no failed state', async () => {
    script.set('c1', ['refused']);
    script.set('c2', ['refused']);
    await enqueue('c1');
    expect(await sender({ isRefusalFinal: true })()).toBe(0);
    expect(await row('c1')).toMatchObject({ status: 'failed', attempts: 1, last_error: 'HTTP 422: unknown department' });
    expect(await audits('c1')).toEqual([{ action: 'test.export_failed', details: { attempts: 1, error: 'HTTP 422: unknown department' } }]);

    await enqueue('c2');
    expect(await sender({ isRefusalFinal: false })()).toBe(0);
    expect(await row('c2')).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 422: unknown department' });
    expect(await audits('c2')).toEqual([]);
  });

  it('refuses an outbox table name that is not a plain SQL identifier', () => {
    expect(() => outboxTable('filing_exports; DROP TABLE filings', 'id')).toThrow('not an SQL identifier');
  });
});
