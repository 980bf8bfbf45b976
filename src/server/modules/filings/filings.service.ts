/**
 * Generic filing (instancia general): subject, text, department, attachments; a gapless registry number per
 * council and year; all attachments or nothing; a signed receipt; a status history staff update.
 * Free of Fastify: the assistant calls create/status with (tenant, dni, input, context).
 */
import { createHash, randomUUID } from 'node:crypto';
import { isUniqueViolation, type Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import type { Language } from '../../../shared/languages.ts';
import type { FilingReceiptData } from '../certificates/index.ts';
import { citizenActor, recordEvent, recordStep, type Actor, type ProcedureContext } from '../../procedures/index.ts';
import { localize, type TenantProfile, type TenantRegistry } from '../tenants/index.ts';
import { filingsRepository as repo, type AttachmentRow, type FilingRow, type FilingStatus } from './filings.repository.ts';
import { discardPending, inspectUploads, pendingFilesJournal, reconcilePendingFiles, type FileStorage, type InspectedUpload, type ReconcileResult } from '../storage/index.ts';
import type { FilingsRegistryConnector } from '../connectors/index.ts';
import { createFilingExporter } from './filings.export.ts';
import { MAX_CHARS } from './filings.schemas.ts';

/** Accepted attachment types, decided from the bytes, never from the name or the declared type. */
export const ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const FILING_STATUSES: readonly FilingStatus[] = ['registered', 'in_review', 'needs_info', 'resolved', 'rejected'];

export interface FilingLimits {
  /** Attachments per filing. */
  maxFiles: number;
  /** Bytes per attachment. */
  maxFileBytes: number;
}
export const DEFAULT_LIMITS: FilingLimits = { maxFiles: 5, maxFileBytes: 10 * 1024 * 1024 };
/** The pending-files journal's area for attachments. */
const FILES_AREA = 'filings';
/** Journal entries younger than this belong to a registration that may still be running: the reconciler leaves them. */
export const RECONCILE_GRACE_MS = 60 * 60_000;

export interface NewAttachment {
  fileName: string;
  data: Buffer;
}

export interface CreateFilingInput {
  subject: string;
  body: string;
  departmentId: string;
  attachments?: NewAttachment[] | undefined;
  /** The client's Idempotency-Key: a retry with the same key returns the first filing. */
  idempotencyKey?: string | undefined;
}

export interface FilingSummary {
  id: string;
  registryNumber: string;
  subject: string;
  departmentId: string;
  departmentName: string;
  status: FilingStatus;
  createdAt: string;
  receiptCode: string | null;
}

export interface FilingDetail extends FilingSummary {
  body: string;
  attachments: { id: string; fileName: string; mimeType: string; sizeBytes: number; sha256: string }[];
  history: { status: FilingStatus; note: string | null; at: string; by: string }[];
}

export interface FilingReceiptIssuer {
  issueFilingReceipt(data: FilingReceiptData): Promise<{ code: string }>;
  originalPdf(code: string): Promise<{ pdf: Buffer; fileName: string }>;
}

export interface FilingsDeps {
  db: Db;
  tenants: TenantRegistry;
  storage: FileStorage;
  receipts?: FilingReceiptIssuer | undefined;
  limits?: Partial<FilingLimits>;
  now?: () => Date;
  onError?: (err: unknown, what: string) => void;
  /** The council's own official registry (connectors.filings: rest), or undefined when our database is it. */
  registryFor?: ((tenantId: string) => FilingsRegistryConnector | undefined) | undefined;
  /** The applicant's name printed on the receipt (the padrón module's PadronNames); without it, or for someone not registered, the DNI. */
  applicants?: ApplicantNames | undefined;
}

/** Who an applicant is, by DNI: the padrón owns that table, so filings asks through this port. */
export interface ApplicantNames {
  nameOf(tenantId: string, dni: string): Promise<string | undefined>;
}

const localYear = (d: Date, timeZone: string): number => Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(d));

export type FilingsService = ReturnType<typeof createFilingsService>;

export function createFilingsService(deps: FilingsDeps) {
  const { db, tenants, storage } = deps;
  const limits: FilingLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const now = deps.now ?? (() => new Date());
  const deliverFilingExports = createFilingExporter({ db, storage, registryFor: deps.registryFor, now, onError: deps.onError });

  const deptName = (tenant: TenantProfile, id: string, lang: Language) => localize(tenant.departments.find((d) => d.id === id)?.names, lang, tenant) || id;

  const summary = (tenant: TenantProfile, f: FilingRow, lang: Language): FilingSummary => ({
    id: f.id,
    registryNumber: f.registry_number,
    subject: f.subject,
    departmentId: f.department_id,
    departmentName: deptName(tenant, f.department_id, lang),
    status: f.status,
    createdAt: new Date(f.created_at).toISOString(),
    receiptCode: f.receipt_code,
  });

  async function detail(tenant: TenantProfile, f: FilingRow, lang: Language): Promise<FilingDetail> {
    const [atts, hist] = await Promise.all([repo.attachments(db, tenant.id, f.id), repo.history(db, tenant.id, f.id)]);
    return {
      ...summary(tenant, f, lang),
      body: f.body,
      attachments: atts.map((a) => ({ id: a.id, fileName: a.file_name, mimeType: a.mime_type, sizeBytes: Number(a.size_bytes), sha256: a.sha256 })),
      history: hist.map((h) => ({ status: h.status, note: h.note, at: new Date(h.at).toISOString(), by: h.actor_type })),
    };
  }

  /** Checks count, size and sniffed type of every attachment before anything is written. */
  const inspect = (files: NewAttachment[]) => inspectUploads(files, { ...limits, accepted: ACCEPTED_TYPES }, 'filings');

  async function issueReceipt(tenantId: string, f: FilingRow, attachments: AttachmentRow[]): Promise<string | undefined> {
    const council = tenants.loaded(tenantId);
    if (!deps.receipts || !council) return undefined;
    const lang = council.profile.languages.includes(f.language as Language) ? (f.language as Language) : council.profile.defaultLanguage;
    const name = await deps.applicants?.nameOf(tenantId, f.dni);
    const doc = await deps.receipts.issueFilingReceipt({
      council,
      language: lang,
      registryNumber: f.registry_number,
      registeredAt: new Date(f.created_at),
      applicant: { dni: f.dni, name: name ?? f.dni },
      department: deptName(council.profile, f.department_id, lang),
      subject: f.subject,
      text: f.body,
      attachments: attachments.map((a) => ({ name: a.file_name, sizeBytes: Number(a.size_bytes), sha256: a.sha256 })),
    });
    await repo.setReceiptCode(db, tenantId, f.id, doc.code);
    return doc.code;
  }

  /** A retry under the same key: the first filing (same request) or 409 (another request under the same key). */
  async function replay(tenant: TenantProfile, prior: FilingRow, requestHash: string, lang: Language): Promise<{ filing: FilingDetail; isNew: false }> {
    if (prior.request_hash !== requestHash) throw new AppError('filings.idempotency_mismatch');
    return { filing: await detail(tenant, prior, lang), isNew: false };
  }

  /**
   * Registers a filing: the registry number, the filing, its attachments, its first status and the audit row in one
   * transaction, with every attachment already stored under its final key before that transaction commits. So a
   * registered filing has all of its files, and a filing that is not registered leaves none (see pending-files.ts):
   *   journal the keys (committed) -> write and verify each file -> transaction (which settles the journal) -> commit.
   * Any failure deletes the files and frees the number; a crash leaves journal rows for the reconciler. Once the
   * transaction has committed nothing can fail the call: the receipt and the export are best-effort, retried later.
   * With an idempotency key, a retry of the same request returns the first filing (`isNew: false`) instead of
   * registering another; the same key with other content is `filings.idempotency_mismatch` (409).
   */
  async function register(tenantId: string, dni: string, input: CreateFilingInput, ctx: ProcedureContext): Promise<{ filing: FilingDetail; isNew: boolean }> {
    const tenant = tenants.get(tenantId);
    if (!tenant.departments.some((d) => d.id === input.departmentId)) throw new AppError('filings.department_not_found');
    const subject = input.subject.trim();
    const body = input.body.trim();
    if (subject.length < 3 || subject.length > MAX_CHARS.subject) throw new AppError('filings.invalid_subject');
    if (body.length < 1 || body.length > MAX_CHARS.body) throw new AppError('filings.invalid_body');
    const files = await inspect(input.attachments ?? []);
    const key = input.idempotencyKey;
    const requestHash = createHash('sha256')
      .update(JSON.stringify({ subject, body, departmentId: input.departmentId, attachments: files.map((f) => [f.fileName, f.sha256]) }))
      .digest('hex');
    if (key !== undefined) {
      const prior = await repo.findByIdempotencyKey(db, tenantId, dni, key);
      if (prior) return replay(tenant, prior, requestHash, ctx.lang);
    }

    // Every id, and so every storage key, is chosen before anything is written.
    const year = localYear(now(), tenant.timeZone);
    const id = randomUUID();
    const planned: (InspectedUpload & { row: AttachmentRow })[] = files.map((f) => {
      const attId = randomUUID();
      return { ...f, row: { id: attId, filing_id: id, file_name: f.fileName, mime_type: f.mime, size_bytes: f.data.length, sha256: f.sha256, storage_key: `${tenantId}/${year}/${id}/${attId}` } };
    });
    const keys = planned.map((p) => p.row.storage_key);
    let created: { filing: FilingRow; attachments: AttachmentRow[] };
    try {
      await pendingFilesJournal.add(db, keys.map((k) => ({ area: FILES_AREA, storageKey: k, tenantId, ownerId: id })), now());
      for (const p of planned) {
        await storage.put(p.row.storage_key, p.data);
        const stored = await storage.stat(p.row.storage_key);
        if (stored?.size !== p.data.length) throw new Error(`attachment ${p.row.storage_key} stored with ${stored?.size ?? 'no'} bytes instead of ${p.data.length}`);
      }
      created = await db.transaction(async (tx) => {
        // The files become the filing's in its own transaction; if the reconciler took any of them, do not commit.
        const settled = await pendingFilesJournal.settle(tx, FILES_AREA, id);
        if (settled.join('\n') !== [...keys].sort().join('\n')) throw new Error(`pending files of filing ${id} were reclaimed before its commit`);
        const seq = await repo.nextNumber(tx, tenantId, year);
        const filing = await repo.insert(tx, {
          id,
          tenant_id: tenantId,
          registry_number: `REG-${year}-${String(seq).padStart(6, '0')}`,
          year,
          sequence: seq,
          dni,
          subject,
          body,
          department_id: input.departmentId,
          status: 'registered',
          language: ctx.lang,
          channel: ctx.channel,
          kioskId: ctx.kioskId ?? null,
          idempotency_key: key ?? null,
          request_hash: key === undefined ? null : requestHash,
        });
        for (const p of planned) await repo.insertAttachment(tx, tenantId, p.row);
        const attachments = planned.map((p) => p.row);
        await repo.addHistory(tx, tenantId, id, 'registered', null, 'citizen', dni);
        await recordStep(tx, tenantId, citizenActor(dni), ctx, {
          action: 'filing.created',
          subjectType: 'filing',
          subjectId: id,
          details: { registryNumber: filing.registry_number, departmentId: input.departmentId, attachments: attachments.length },
        });
        await recordEvent(tx, tenantId, ctx, 'filing.created', { data: { departmentId: input.departmentId, attachments: attachments.length } });
        // The council's own registry hears of it from the outbox, at least once, even if it is down right now.
        if (deps.registryFor?.(tenantId)) await repo.queueExport(tx, tenantId, id, now());
        return { filing, attachments };
      });
    } catch (err) {
      const outcome = await afterFailure(tenantId, id, keys);
      // The commit went through although the call failed (a connection lost on COMMIT): the filing is registered.
      if (outcome.committed) created = { filing: outcome.committed, attachments: planned.map((p) => p.row) };
      else {
        // A concurrent retry under the same key won the unique index: answer with its filing.
        if (key !== undefined && isUniqueViolation(err)) {
          const prior = await repo.findByIdempotencyKey(db, tenantId, dni, key);
          if (prior) return replay(tenant, prior, requestHash, ctx.lang);
        }
        throw err;
      }
    }
    // From here on the filing is registered: nothing may turn this into an error for the citizen.
    const registered = created;
    if (deps.registryFor?.(tenantId)) void deliverFilingExports().catch((err: unknown) => deps.onError?.(err, 'filing export'));
    const code = await issueReceipt(tenantId, registered.filing, registered.attachments).catch((err: unknown) => {
      deps.onError?.(err, 'filing receipt');
      return undefined;
    });
    return { filing: freshDetail(tenant, { ...registered.filing, receipt_code: code ?? null }, registered.attachments, ctx.lang), isNew: true };
  }

  /**
   * After a failed registration: if the filing did commit, says so (its files stay). If it did not, deletes its files
   * and journal rows. If that cannot be known (the database is down), leaves everything to the reconciler.
   */
  async function afterFailure(tenantId: string, id: string, keys: readonly string[]): Promise<{ committed?: FilingRow }> {
    let row: FilingRow | undefined;
    try {
      row = await repo.findById(db, tenantId, id);
    } catch (err) {
      deps.onError?.(err, 'filing clean-up (left to the reconciler)');
      return {};
    }
    if (row) return { committed: row };
    if (keys.length > 0) await discardPending(db, storage, FILES_AREA, id, keys).catch((err: unknown) => deps.onError?.(err, 'filing clean-up (left to the reconciler)'));
    return {};
  }

  /** The answer for a filing just registered, from what was written (no read that could fail after the commit). */
  const freshDetail = (tenant: TenantProfile, f: FilingRow, attachments: AttachmentRow[], lang: Language): FilingDetail => ({
    ...summary(tenant, f, lang),
    body: f.body,
    attachments: [...attachments]
      .sort((a, b) => (a.file_name === b.file_name ? (a.id < b.id ? -1 : 1) : a.file_name < b.file_name ? -1 : 1))
      .map((a) => ({ id: a.id, fileName: a.file_name, mimeType: a.mime_type, sizeBytes: Number(a.size_bytes), sha256: a.sha256 })),
    history: [{ status: 'registered', note: null, at: new Date(f.created_at).toISOString(), by: 'citizen' }],
  });

  return {
    limits,

    /** Sends due filings to the councils' own registries (the procedures job); returns how many were accepted. */
    deliverFilingExports,

    /** Where a filing stands with the council's own registry (staff, support); undefined for embedded councils. */
    async exportStatus(tenantId: string, filingId: string): Promise<{ status: 'pending' | 'delivered' | 'failed'; attempts: number; lastError: string | null; externalRef: string | null } | undefined> {
      const e = await repo.findExport(db, tenantId, filingId);
      return e && { status: e.status, attempts: e.attempts, lastError: e.last_error, externalRef: e.external_ref };
    },

    /**
     * Registers a filing; the assistant's way (no idempotency key). See `register`.
     */
    async create(tenantId: string, dni: string, input: CreateFilingInput, ctx: ProcedureContext): Promise<FilingDetail> {
      return (await register(tenantId, dni, input, ctx)).filing;
    },

    register,

    /**
     * Deletes the files of filings that never committed (a crash or a lost connection between writing them and the
     * commit) once their journal entries are older than `graceMs`, and stale temporary files. Run at start-up and
     * periodically (registry.ts); safe to run on several instances at once.
     */
    async reconcileFiles(opts: { graceMs?: number } = {}): Promise<ReconcileResult> {
      return reconcilePendingFiles({
        db,
        storage,
        area: FILES_AREA,
        olderThan: new Date(now().getTime() - (opts.graceMs ?? RECONCILE_GRACE_MS)),
        ownerExists: async (q, f) => f.tenantId !== null && (await repo.findById(q, f.tenantId, f.ownerId)) !== undefined,
      });
    },

    /** The citizen's filings, newest first. */
    async listMine(tenantId: string, dni: string, lang: Language): Promise<FilingSummary[]> {
      const tenant = tenants.get(tenantId);
      return (await repo.listForCitizen(db, tenantId, dni)).map((f) => summary(tenant, f, lang));
    },

    /** One of the citizen's filings with attachments and history; anyone else's is `filings.not_found` (404). */
    async get(tenantId: string, dni: string, id: string, lang: Language): Promise<FilingDetail> {
      const tenant = tenants.get(tenantId);
      const f = await repo.findForCitizen(db, tenantId, dni, id);
      if (!f) throw new AppError('filings.not_found');
      return detail(tenant, f, lang);
    },

    /** The status of one of the citizen's filings by its registry number (the `filing.status` procedure). */
    async status(tenantId: string, dni: string, registryNumber: string, lang: Language): Promise<FilingDetail> {
      const tenant = tenants.get(tenantId);
      const f = await repo.findByNumberForCitizen(db, tenantId, dni, registryNumber.trim().toUpperCase());
      if (!f) throw new AppError('filings.not_found');
      return detail(tenant, f, lang);
    },

    /** The bytes of one attachment of the citizen's filing. */
    async attachment(tenantId: string, dni: string, filingId: string, attachmentId: string, ctx: ProcedureContext): Promise<{ data: Buffer; fileName: string; mimeType: string }> {
      const f = await repo.findForCitizen(db, tenantId, dni, filingId);
      const a = f ? (await repo.attachments(db, tenantId, f.id)).find((x) => x.id === attachmentId) : undefined;
      if (!a) throw new AppError('filings.not_found');
      const data = await storage.read(a.storage_key);
      await recordStep(db, tenantId, citizenActor(dni), ctx, { action: 'filing.attachment_downloaded', subjectType: 'filing', subjectId: filingId, details: { attachmentId } });
      return { data, fileName: a.file_name, mimeType: a.mime_type };
    },

    /** The signed receipt (justificante) PDF, issued now if the first attempt failed. */
    async receiptPdf(tenantId: string, dni: string, filingId: string, ctx: ProcedureContext): Promise<{ pdf: Buffer; fileName: string }> {
      const f = await repo.findForCitizen(db, tenantId, dni, filingId);
      if (!f) throw new AppError('filings.not_found');
      if (!deps.receipts) throw new AppError('filings.receipt_unavailable');
      const code = f.receipt_code ?? (await issueReceipt(tenantId, f, await repo.attachments(db, tenantId, f.id)));
      if (!code) throw new AppError('filings.receipt_unavailable');
      const doc = await deps.receipts.originalPdf(code);
      await recordStep(db, tenantId, citizenActor(dni), ctx, { action: 'filing.receipt_downloaded', subjectType: 'filing', subjectId: filingId });
      return doc;
    },

    /** Staff: the council's filings, optionally for one department. */
    async listForStaff(tenantId: string, opts: { departmentId?: string | undefined; limit?: number | undefined }, lang: Language): Promise<FilingSummary[]> {
      const tenant = tenants.get(tenantId);
      return (await repo.listForDepartment(db, tenantId, opts.departmentId, Math.min(opts.limit ?? 100, 500))).map((f) => summary(tenant, f, lang));
    },

    /** Staff: moves a filing to a new status with an optional note; the history keeps every step. */
    async updateStatus(tenantId: string, staff: Actor, filingId: string, input: { status: FilingStatus; note?: string | undefined }, ctx: ProcedureContext): Promise<FilingDetail> {
      const tenant = tenants.get(tenantId);
      const row = await db.transaction(async (tx) => {
        const f = await repo.setStatus(tx, tenantId, filingId, input.status);
        if (!f) throw new AppError('filings.not_found');
        await repo.addHistory(tx, tenantId, filingId, input.status, input.note?.trim() || null, staff.type, staff.id ?? null);
        await recordStep(tx, tenantId, staff, ctx, { action: 'filing.status_changed', subjectType: 'filing', subjectId: filingId, details: { status: input.status } });
        return f;
      });
      return detail(tenant, row, ctx.lang);
    },
  };
}
