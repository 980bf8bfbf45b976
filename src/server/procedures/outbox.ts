/**
 * The sending half of the outboxes that mirror what happens here into a council's own systems (payments into its tax
 * system, filings into its registry, appointments into its calendar). Each outbox row is written in the transaction of
 * the change it reports, so nothing is lost; this loop delivers the due rows at least once, and the other system
 * dedupes by the row's key. What differs between outboxes (which table, what is sent, what is audited) comes in an
 * OutboxSpec; the retry policy, the lease and the three outcomes are the same for all of them.
 */
import type { Db, Queryable } from '../db/db.ts';
import type { FailedOutboxRow, OutboxBacklogRow } from '../db/outbox.ts';
import { AppError } from '../errors.ts';
import { recordStep, systemActor, systemContext, type Actor, type ProcedureContext } from './procedure-context.ts';

/** Retry delay after the n-th failed delivery, in seconds: 1, 2, 4… minutes, at most 6 hours. */
export const outboxRetrySeconds = (attempts: number): number => Math.min(60 * 2 ** Math.max(0, attempts - 1), 6 * 3600);

/** A connector error that retrying cannot cure (the other system refused the item itself: a 4xx). */
export const isPermanentError = (err: unknown): boolean => typeof err === 'object' && err !== null && 'isPermanent' in err && err.isPermanent === true;

/** What every claimed outbox row carries. */
export interface OutboxEntry {
  tenant_id: string;
  /** Including this one: the claim counts the attempt. */
  attempts: number;
}

/** An error message as stored in last_error and in the audit row: bounded, since it may quote the other system. */
export const outboxError = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

export interface OutboxSpec<E extends OutboxEntry, R> {
  db: Db;
  now: () => Date;
  onError?: ((err: unknown, what: string) => void) | undefined;
  /** How many rows one claim takes. */
  batchSize: number;
  /** How long a sender holds a row before another may retry it, in seconds: longer than the slowest delivery. */
  leaseSeconds: number;
  /** Takes due rows for `leaseSeconds` and counts the attempt (FOR UPDATE SKIP LOCKED, so instances share the work). */
  claim: (q: Queryable, now: Date, limit: number, leaseSeconds: number) => Promise<E[]>;
  /** Sends one row to the other system; throws when it was not taken (isPermanentError for a refusal). */
  deliver: (e: E) => Promise<R>;
  /** The row as taken: written with its audit row in one transaction. */
  markDelivered: (q: Queryable, e: E, result: R, now: Date) => Promise<void>;
  /** The row as refused for good, for a person to look at; without it, refusals are retried like outages. */
  markFailed?: ((q: Queryable, e: E, error: string, now: Date) => Promise<void>) | undefined;
  /** The row due again `retryInSeconds` from now. */
  markRetry: (q: Queryable, e: E, error: string, retryInSeconds: number, now: Date) => Promise<void>;
  /** The audit rows: `<prefix>.exported` and `<prefix>.export_failed`, about this subject. */
  audit: {
    prefix: string;
    subject: (e: E) => { subjectType: string; subjectId: string };
    details: (e: E, result: R | undefined) => Record<string, unknown>;
  };
}

/** Builds the sender of one outbox: it delivers every due row and returns how many the other systems took. */
export function createOutboxSender<E extends OutboxEntry, R>(spec: OutboxSpec<E, R>): () => Promise<number> {
  const { db, audit } = spec;

  async function deliverOne(e: E): Promise<boolean> {
    try {
      const result = await spec.deliver(e);
      await db.transaction(async (tx) => {
        await spec.markDelivered(tx, e, result, spec.now());
        await recordStep(tx, e.tenant_id, systemActor, systemContext(), { action: `${audit.prefix}.exported`, ...audit.subject(e), details: audit.details(e, result) });
      });
      return true;
    } catch (err) {
      const error = outboxError(err);
      const markFailed = spec.markFailed;
      if (markFailed && isPermanentError(err)) {
        await db.transaction(async (tx) => {
          await markFailed(tx, e, error, spec.now());
          await recordStep(tx, e.tenant_id, systemActor, systemContext(), {
            action: `${audit.prefix}.export_failed`,
            ...audit.subject(e),
            details: { ...audit.details(e, undefined), error },
          });
        });
      } else {
        await spec.markRetry(db, e, error, outboxRetrySeconds(e.attempts), spec.now());
      }
      const { subjectId } = audit.subject(e);
      spec.onError?.(err, `${audit.prefix} export ${subjectId} (attempt ${e.attempts})`);
      return false;
    }
  }

  return async function deliverDue(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await spec.claim(db, spec.now(), spec.batchSize, spec.leaseSeconds);
      if (!batch.length) return delivered;
      for (const e of batch) if (await deliverOne(e)) delivered++;
    }
  };
}

/** An outbox as an operator sees it: what was refused for good, and sending one row again once its cause is fixed. */
export interface OutboxOperations {
  /** The rows of a council refused for good, oldest first. */
  failed(tenantId: string): Promise<FailedOutboxRow[]>;
  /** Every council's rows still to deliver or refused, per status (for /metrics). */
  backlog(): Promise<OutboxBacklogRow[]>;
  /**
   * Makes one refused row due now, audited as `<prefix>.export_requeued` by whoever asked (the CLI: the system);
   * `connectors.export_not_failed` (404) when the council has no refused row with that key.
   */
  requeue(tenantId: string, key: string, by?: { actor: Actor; ctx: ProcedureContext }): Promise<void>;
}

/** The operator's side of one outbox, from its repository's functions. */
export function outboxOperations(opts: {
  db: Db;
  now: () => Date;
  failed: (q: Queryable, tenantId: string) => Promise<FailedOutboxRow[]>;
  backlog: (q: Queryable, now: Date) => Promise<OutboxBacklogRow[]>;
  requeue: (q: Queryable, tenantId: string, key: string, now: Date) => Promise<boolean>;
  audit: { prefix: string; subjectType: string };
}): OutboxOperations {
  const { db } = opts;
  return {
    failed: (tenantId) => opts.failed(db, tenantId),
    backlog: () => opts.backlog(db, opts.now()),
    requeue: (tenantId, key, by = { actor: systemActor, ctx: systemContext() }) =>
      db.transaction(async (tx) => {
        if (!(await opts.requeue(tx, tenantId, key, opts.now()))) throw new AppError('connectors.export_not_failed', { log: `no failed ${opts.audit.prefix} export ${key} for ${tenantId}` });
        await recordStep(tx, tenantId, by.actor, by.ctx, { action: `${opts.audit.prefix}.export_requeued`, subjectType: opts.audit.subjectType, subjectId: key });
      }),
  };
}
