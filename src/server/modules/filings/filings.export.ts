/**
 * Delivers filings to the council's own official registry (connectors.filings: rest) from the filing_exports outbox:
 * at least once, with the filing id as the idempotency key. A registry that is down is retried 1, 2, 4… minutes
 * later, at most every 6 hours; one that refuses a filing (a 4xx) marks it failed, audited, for a person to look at.
 */
import type { Db } from '../../db/db.ts';
import type { FilingsRegistryConnector } from '../connectors/connectors.types.ts';
import { recordStep, systemActor, systemContext } from '../connectors/procedure-context.ts';
import type { FileStorage } from '../storage/index.ts';
import { filingsRepository as repo } from './filings.repository.ts';

/** How long one sender holds an export before another may retry it, in seconds: longer than a slow upload. */
const EXPORT_LEASE_SECONDS = 300;
/** Retry delay after the n-th failed delivery, in seconds: 1, 2, 4… minutes, at most 6 hours. */
export const exportRetrySeconds = (attempts: number) => Math.min(60 * 2 ** Math.max(0, attempts - 1), 6 * 3600);

export interface FilingExportsDeps {
  db: Db;
  storage: FileStorage;
  /** The council's own registry, or undefined when our database is its registry. */
  registryFor?: ((tenantId: string) => FilingsRegistryConnector | undefined) | undefined;
  now: () => Date;
  onError?: ((err: unknown, what: string) => void) | undefined;
}

const isPermanent = (err: unknown) => typeof err === 'object' && err !== null && 'isPermanent' in err && err.isPermanent === true;

/** Sends due filing exports; returns how many the registries accepted in this run. */
export function createFilingExporter(deps: FilingExportsDeps): () => Promise<number> {
  const { db, storage } = deps;

  async function deliverOne(e: { filing_id: string; tenant_id: string; attempts: number }): Promise<boolean> {
    try {
      const connector = deps.registryFor?.(e.tenant_id);
      const f = await repo.findById(db, e.tenant_id, e.filing_id);
      if (!connector || !f) throw new Error('no filings registry or no filing for this export');
      const rows = await repo.attachments(db, e.tenant_id, f.id);
      // Read one by one: attachments are up to 10 MB each, and a failed read (a file not yet moved into place) is a retry.
      const attachments = [];
      for (const a of rows) attachments.push({ fileName: a.file_name, mimeType: a.mime_type, sha256: a.sha256, data: await storage.read(a.storage_key) });
      const { externalRef } = await connector.deliver({
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
      await db.transaction(async (tx) => {
        await repo.finishExport(tx, e.filing_id, deps.now(), { status: 'delivered', externalRef });
        await recordStep(tx, e.tenant_id, systemActor, systemContext(), { action: 'filing.exported', subjectType: 'filing', subjectId: e.filing_id, details: { attempts: e.attempts, externalRef } });
      });
      return true;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (isPermanent(err)) {
        await db.transaction(async (tx) => {
          await repo.finishExport(tx, e.filing_id, deps.now(), { status: 'failed', error });
          await recordStep(tx, e.tenant_id, systemActor, systemContext(), { action: 'filing.export_failed', subjectType: 'filing', subjectId: e.filing_id, details: { attempts: e.attempts, error: error.slice(0, 500) } });
        });
      } else {
        await repo.finishExport(db, e.filing_id, deps.now(), { status: 'pending', error, retryInSeconds: exportRetrySeconds(e.attempts) });
      }
      deps.onError?.(err, `filing export ${e.filing_id} (attempt ${e.attempts})`);
      return false;
    }
  }

  return async function deliverFilingExports(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await repo.claimExports(db, deps.now(), 10, EXPORT_LEASE_SECONDS);
      if (!batch.length) return delivered;
      for (const e of batch) if (await deliverOne(e)) delivered++;
    }
  };
}
