/**
 * Data protection (issue 7 item 7): the retention job that deletes old transcripts per council
 * (`retention.transcriptDays`), and the export and erasure of one citizen's data across domains, each through
 * a PersonalDataProvider. Every run and request is in the audit log. Free of Fastify: the CLI and jobs reuse it.
 */
import type { Db, Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { startJob, type JobRecorder } from '../../jobs/index.ts';
import { isValidDniOrNie, normalizeDocumentId } from '../../../shared/validators.ts';
import { deleteConversationsBefore, eraseConversationsForDni, exportConversationsForDni } from '../assistant/index.ts';
import type { HandoffRepository } from '../handoff/index.ts';
import { audit, type AuditActor } from '../identity/index.ts';
import type { TenantRegistry } from '../tenants/index.ts';

/** One domain's part of a citizen's data. `erase` runs inside the erasure transaction. */
export interface PersonalDataProvider {
  /** Names the domain in the export and in the audit entry ("conversations", "callbacks"...). */
  readonly domain: string;
  export(tenantId: string, dni: string): Promise<unknown>;
  /** Deletes what the domain may delete; `retained` says why anything was kept (a legal duty to keep records). */
  erase(tenantId: string, dni: string, tx: Queryable): Promise<{ erased: number; retained?: string }>;
}

const DAY_MS = 86_400_000;

/** Conversations held while signed in (redacted transcripts). */
export function conversationsProvider(db: Db): PersonalDataProvider {
  return {
    domain: 'conversations',
    export: (tenantId, dni) => exportConversationsForDni(db, tenantId, dni),
    erase: async (tenantId, dni, tx) => ({ erased: await eraseConversationsForDni(tx, tenantId, dni) }),
  };
}

/** Callback requests left with the hand-off inbox (name and phone). */
export function callbacksProvider(repo: HandoffRepository): PersonalDataProvider {
  return {
    domain: 'callbacks',
    export: async (tenantId, dni) =>
      (await repo.callbacksForDni(tenantId, dni)).map((c) => ({
        name: c.name,
        phone: c.phone,
        preferredTime: c.preferred_time,
        status: c.status,
        createdAt: new Date(c.created_at).toISOString(),
      })),
    erase: async (tenantId, dni, tx) => ({ erased: await repo.with(tx).eraseCallbacksForDni(tenantId, dni) }),
  };
}

export interface RetentionRun {
  tenantId: string;
  transcriptDays: number;
  cutoff: string;
  deletedConversations: number;
}

export class PrivacyService {
  private readonly now: () => Date;

  constructor(private readonly deps: { db: Db; tenants: TenantRegistry; providers: PersonalDataProvider[]; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Deletes one council's transcripts older than its retention period, and audits the run. */
  async enforceRetention(tenantId: string, actor: AuditActor): Promise<RetentionRun> {
    const days = this.deps.tenants.get(tenantId).retention.transcriptDays;
    const cutoff = new Date(this.now().getTime() - days * DAY_MS);
    return this.deps.db.transaction(async (tx) => {
      const deleted = await deleteConversationsBefore(tx, tenantId, cutoff);
      await audit(tx, actor, {
        action: 'privacy.retention_run',
        subjectType: 'conversations',
        details: { transcriptDays: days, cutoff: cutoff.toISOString(), deleted },
      });
      return { tenantId, transcriptDays: days, cutoff: cutoff.toISOString(), deletedConversations: deleted };
    });
  }

  /** The retention job's tick: every council, as the system. */
  async enforceRetentionEverywhere(): Promise<RetentionRun[]> {
    const runs: RetentionRun[] = [];
    for (const t of this.deps.tenants.list())
      runs.push(await this.enforceRetention(t.id, { tenantId: t.id, actorType: 'system', channel: 'system' }));
    return runs;
  }

  /** Everything each domain holds about one citizen, as JSON; the export itself is audited. */
  async exportCitizen(
    tenantId: string,
    rawDni: string,
    actor: AuditActor,
  ): Promise<{ dni: string; exportedAt: string; domains: Record<string, unknown> }> {
    const dni = this.dni(rawDni);
    const domains: Record<string, unknown> = {};
    for (const p of this.deps.providers) domains[p.domain] = await p.export(tenantId, dni);
    await audit(this.deps.db, actor, {
      action: 'privacy.exported',
      subjectType: 'citizen',
      subjectId: dni,
      details: { domains: Object.keys(domains) },
    });
    return { dni, exportedAt: this.now().toISOString(), domains };
  }

  /** Erases one citizen's data in every domain, all or nothing, and audits what each domain did. */
  async eraseCitizen(
    tenantId: string,
    rawDni: string,
    actor: AuditActor,
  ): Promise<{ dni: string; domains: Record<string, { erased: number; retained?: string }> }> {
    const dni = this.dni(rawDni);
    return this.deps.db.transaction(async (tx) => {
      const domains: Record<string, { erased: number; retained?: string }> = {};
      for (const p of this.deps.providers) domains[p.domain] = await p.erase(tenantId, dni, tx);
      await audit(tx, actor, { action: 'privacy.erased', subjectType: 'citizen', subjectId: dni, details: { domains } });
      return { dni, domains };
    });
  }

  /** Runs the retention job after `firstRunMs` and then every `intervalMs`; returns the function that stops it. */
  startRetentionJob(opts: { intervalMs: number; firstRunMs: number; onError: (err: unknown) => void; recorder?: JobRecorder | undefined }): () => void {
    return startJob({ name: 'retention', run: () => this.enforceRetentionEverywhere(), ...opts });
  }

  private dni(raw: string): string {
    const dni = normalizeDocumentId(raw);
    if (!isValidDniOrNie(dni)) throw new AppError('privacy.invalid_dni');
    return dni;
  }
}
