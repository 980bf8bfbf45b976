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
 * The sender and the shared table helper (outboxTable: claim, finish) on a table of the shared outbox shape, with a
 * scripted other system: each id answers from a queue of outcomes ('ok', 'down', 'refused'), then 'ok'.
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
      // The claim every production outbox uses (filings, appointments, payments), not one of the test's own.
      claim: (q, now, limit, leaseSeconds) => table.claim<Entry>(q, now, limit, leaseSeconds),
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

  it('leaves a claimed row to its sender until the lease has passed, by the clock it is given', async () => {
    // Rows the earlier tests left due later are sent first, so only d1 is in play.
    clock = new Date(clock.getTime() + 24 * 3600_000);
    await sender({ isRefusalFinal: true })();
    await enqueue('d1');
    // A sender that claims the row and dies before it finishes.
    expect(await table.claim<Entry>(t.db, clock, 10, 60)).toEqual([{ id: 'd1', tenant_id: 'alacant', attempts: 1 }]);
    expect((await row('d1'))?.leased_until).toEqual(new Date(clock.getTime() + 60_000));
    clock = new Date(clock.getTime() + 59_000);
    expect(await sender({ isRefusalFinal: true })()).toBe(0);
    clock = new Date(clock.getTime() + 1_000);
    expect(await sender({ isRefusalFinal: true })()).toBe(1);
    expect(await row('d1')).toMatchObject({ status: 'delivered', attempts: 2, leased_until: null });
  });

  it('holds back a row its due condition refuses and takes rows due together in tie-break order', async () => {
    await t.db.exec(`CREATE TABLE test_chain_outbox (
      seq integer PRIMARY KEY, id text NOT NULL UNIQUE, chain text NOT NULL, tenant_id text NOT NULL, status text NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL, leased_until timestamptz, last_error text, external_ref text,
      created_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz)`);
    const chained = outboxTable('test_chain_outbox', 'id', {
      claimColumns: ['chain'],
      due: `NOT EXISTS (SELECT 1 FROM test_chain_outbox p WHERE p.chain = e.chain AND p.seq < e.seq AND p.status = 'pending')`,
      tiebreak: 'seq',
    });
    // Inserted out of key order: seq, not the id, says which goes first.
    for (const [seq, id, chain] of [[1, 'z-first', 'A'], [2, 'y-second', 'A'], [3, 'x-other', 'B']] as const) {
      await t.db.query(`INSERT INTO test_chain_outbox (seq, id, chain, tenant_id, next_attempt_at) VALUES ($1, $2, $3, 'alacant', $4)`, [seq, id, chain, clock]);
    }
    const first = await chained.claim<Entry & { chain: string }>(t.db, clock, 10, 60);
    expect(first.map((r) => r.id).sort()).toEqual(['x-other', 'z-first']);
    expect(first.find((r) => r.id === 'x-other')).toMatchObject({ chain: 'B', tenant_id: 'alacant', attempts: 1 });
    await chained.finish(t.db, 'z-first', clock, { status: 'delivered', externalRef: undefined });
    expect((await chained.claim<Entry>(t.db, clock, 10, 60)).map((r) => r.id)).toEqual(['y-second']);
    // A refused row no longer holds its chain back (a person settles it), but stays out of every claim.
    await t.db.query(`INSERT INTO test_chain_outbox (seq, id, chain, tenant_id, next_attempt_at) VALUES (4, 'w-third', 'A', 'alacant', $1)`, [clock]);
    await chained.finish(t.db, 'y-second', clock, { status: 'failed', error: 'HTTP 422' });
    expect((await chained.claim<Entry>(t.db, clock, 10, 60)).map((r) => r.id)).toEqual(['w-third']);
    expect(await chained.failed(t.db, 'alacant')).toEqual([{ key: 'y-second', attempts: 1, last_error: 'HTTP 422', created_at: expect.any(Date), about: {} }]);
  });

  it('refuses an outbox table name that is not a plain SQL identifier', () => {
    expect(() => outboxTable('filing_exports; DROP TABLE filings', 'id')).toThrow('not an SQL identifier');
    expect(() => outboxTable('filing_exports', 'id', { claimColumns: ['payload, (SELECT 1)'] })).toThrow('not an SQL identifier');
  });
});
