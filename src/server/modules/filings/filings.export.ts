/**
 * Delivers filings to the council's own official registry (connectors.filings: rest) from the filing_exports outbox:
 * at least once, with the filing id as the idempotency key. A registry that is down is retried 1, 2, 4… minutes
 * later, at most every 6 hours; one that refuses a filing (a 4xx) marks it failed, audited, for a person to look at.
 */
import type { Db } from '../../db/db.ts';
import type { FilingsRegistryConnector } from '../connectors/index.ts';
import { createOutboxSender, outboxOperations, type OutboxOperations } from '../../procedures/index.ts';
import type { FileStorage } from '../storage/index.ts';
import { filingsRepository as repo, type ClaimedFilingExport } from './filings.repository.ts';

export interface FilingExportsDeps {
  db: Db;
  storage: FileStorage;
  /** The council's own registry, or undefined when our database is its registry. */
  registryFor?: ((tenantId: string) => FilingsRegistryConnector | undefined) | undefined;
  now: () => Date;
  onError?: ((err: unknown, what: string) => void) | undefined;
}

/** Sends due filing exports; returns how many the registries accepted in this run. */
export function createFilingExporter(deps: FilingExportsDeps): () => Promise<number> {
  const { db, storage } = deps;
  return createOutboxSender<ClaimedFilingExport, { externalRef: string }>({
    db,
    now: deps.now,
    onError: deps.onError,
    batchSize: 10,
    // Longer than a slow upload of ten attachments of 10 MB.
    leaseSeconds: 300,
    claim: (q, now, limit, leaseSeconds) => repo.claimExports(q, now, limit, leaseSeconds),
    async deliver(e) {
      const connector = deps.registryFor?.(e.tenant_id);
      const f = await repo.findById(db, e.tenant_id, e.filing_id);
      if (!connector || !f) throw new Error('no filings registry or no filing for this export');
      const rows = await repo.attachments(db, e.tenant_id, f.id);
      // Read one by one: attachments are up to 10 MB each, and a failed read (a file not yet moved into place) is a retry.
      const attachments = [];
      for (const a of rows) attachments.push({ fileName: a.file_name, mimeType: a.mime_type, sha256: a.sha256, data: await storage.read(a.storage_key) });
      return connector.deliver({
        id: f.id,
        tenantId: e.tenant_id,
        registryNumber: f.registry_number,
        registeredAt: new Date(f.created_at).toISOString(),
        dni: f.dni,
        departmentId: f.department_id,
        subject: f.subject,
        body: f.body,
        attachments,
      });
    },
    markDelivered: (q, e, r, now) => repo.finishExport(q, e.filing_id, now, { status: 'delivered', externalRef: r.externalRef }),
    markFailed: (q, e, error, now) => repo.finishExport(q, e.filing_id, now, { status: 'failed', error }),
    markRetry: (q, e, error, retryInSeconds, now) => repo.finishExport(q, e.filing_id, now, { status: 'pending', error, retryInSeconds }),
    audit: {
      prefix: 'filing',
      subject: (e) => ({ subjectType: 'filing', subjectId: e.filing_id }),
      details: (e, r) => ({ attempts: e.attempts, ...(r ? { externalRef: r.externalRef } : {}) }),
    },
  });
}

/** For operators: the filings the council's registry refused for good, and sending one again (`ventanilla exports`). */
export const filingExportOperations = (db: Db, now: () => Date = () => new Date()): OutboxOperations =>
  outboxOperations({ db, now, failed: (q, tenantId) => repo.failedExports(q, tenantId), backlog: repo.exportBacklog, requeue: repo.requeueExport, audit: { prefix: 'filing', subjectType: 'filing' } });
