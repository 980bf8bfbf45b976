/**
 * The observatory's behaviour: the gazetteer, officers' accounts, project records and their workflow,
 * discovery (full text, filters, Km0, "councils like mine", similar projects), reuse and notifications.
 * Never imports Fastify; the routes, the CLI, the forum and jobs call it with an `actor`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Db, Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { startJob, type JobRecorder } from '../../jobs/index.ts';
import { isHttpUrl } from '../../../shared/http-url.ts';
import type { Language } from '../../../shared/languages.ts';
import { discardPending, inspectUploads, pendingFilesJournal, reconcilePendingFiles, typeLabel, type FileStorage, type ReconcileResult, type Upload, type UploadLimits } from '../storage/index.ts';
import * as repo from './observatory.repository.ts';
import type {
  Account, AdoptInput, EntityView, HistoryEntry, Municipality, ObsNotification, ObsRole, Portfolio, ProjectDetail, ProjectFile, ProjectInput,
  ProjectPatch, ProjectSearchQuery, ProjectSearchResult, ProjectSummary, RegisterInput, Text,
} from './observatory.schemas.ts';
import { pickText, populationBand, slugify } from './observatory.text.ts';

export const MUNICIPALITIES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../data/municipalities/municipios.json');

/**
 * What registering gives the caller: a new account and its verification token, or, when the address already has an
 * account, a made-up view to answer with (the same shape) and the real account to warn by e-mail.
 */
export type Registration =
  | { account: Account; verificationToken: string; existing?: undefined }
  | { account: Account; existing: Account; verificationToken?: undefined };

/** Who is acting: a signed-in officer, or the system (seeds, importers, jobs, CLI). */
export type ObsActor =
  | { kind: 'account'; id: string; role: ObsRole; ine5: string | null; isVerified: boolean }
  | { kind: 'system' };

/** Default radius of a Km0 search and the "not nearby" distance of a like-mine search, in km. */
export const DEFAULT_NEAR_KM = 50;
export const DEFAULT_LIKE_MIN_KM = 50;
/** A published record should be confirmed by its owner or an editor at least this often. */
export const REVIEW_INTERVAL_DAYS = 365;
/** The pending-files journal's area for project documentation (security review HIGH-2, as filings). */
const FILES_AREA = 'observatory';
/** Journal entries younger than this may belong to an upload still running: the reconciler leaves them. */
export const FILES_RECONCILE_GRACE_MS = 60 * 60_000;
/**
 * Documentation files of a project: at most 10, 20 MB each, of the types councils publish reports, slides and
 * spreadsheets in. The type is decided from the bytes (a renamed executable is refused), never from the name.
 */
export const PROJECT_FILE_LIMITS: UploadLimits = {
  maxFiles: 10,
  maxFileBytes: 20 * 1024 * 1024,
  accepted: [
    'application/pdf',
    'image/jpeg',
    'image/png',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
};

/** History fields holding personal data (names, e-mails, phones): values only for the record's owner and editors. */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set(['contacts']);

/** The observatory's jobs (digests, review reminders) run this often (ms): daily. */
export const DAILY_JOB_INTERVAL_MS = 24 * 3600 * 1000;
/** A digest covers unread notifications up to this old (ms). */
const DIGEST_LOOKBACK_MS = 7 * 24 * 3600 * 1000;

/** Sign-in attempts per (e-mail, client address) before that pair waits, and for how long (ms): as staff sign-in. */
export const SIGN_IN_MAX_ATTEMPTS = 5;
/** Attempts per e-mail from any address in the same window (guessing spread over many clients). */
export const SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS = 50;
export const SIGN_IN_LOCK_MS = 15 * 60_000;
/** The client address under which attempts from anywhere are counted. */
const ANY_CLIENT = '*';

/** E-mail verification links live this long (ms). */
const VERIFY_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;
/** At most one fresh verification e-mail per account this often (ms). */
const RESEND_COOLDOWN_MS = 60_000;

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

function toMunicipality(r: repo.MunicipalityRow): Municipality {
  return {
    ine5: r.ine5, name: r.name, provinceCode: r.province_code, province: r.province, regionCode: r.region_code, region: r.region,
    population: r.population, band: r.band, lat: r.lat, lon: r.lon,
  };
}

export function toAccount(r: repo.AccountRow): Account {
  return {
    id: r.id, email: r.email, handle: r.handle, displayName: r.display_name, role: r.role, ine5: r.ine5,
    organisation: r.organisation, language: r.language, isVerified: r.email_verified_at !== null, wantsDigest: r.wants_digest,
  };
}

/** The actor for a stored account (what a session resolves to). */
export function actorFor(r: repo.AccountRow): ObsActor {
  return { kind: 'account', id: r.id, role: r.role, ine5: r.ine5, isVerified: r.email_verified_at !== null };
}

function requireAccount(actor: ObsActor | undefined): ObsActor {
  if (!actor) throw new AppError('observatory.sign_in_required', { status: 401 });
  if (actor.kind === 'account' && !actor.isVerified) throw new AppError('observatory.email_not_verified', { status: 403 });
  return actor;
}

const isEditor = (a: ObsActor | undefined) => a?.kind === 'system' || (a?.kind === 'account' && a.role === 'editor');
const isOwner = (a: ObsActor | undefined, p: { owner_account_id: string | null }) =>
  a?.kind === 'account' && p.owner_account_id !== null && p.owner_account_id === a.id;
const accountId = (a: ObsActor | undefined) => (a?.kind === 'account' ? a.id : null);

function entityOf(r: repo.ProjectListRow): EntityView {
  return {
    kind: r.entity_kind,
    ine5: r.ine5,
    name: r.m_name ?? r.entity_name ?? '',
    country: r.country,
    provinceCode: r.province_code,
    province: r.province,
    regionCode: r.region_code,
    region: r.region,
    population: r.population,
    band: r.band,
    lat: r.lat,
    lon: r.lon,
  };
}

function toSummary(r: repo.ProjectListRow, lang: Language): ProjectSummary {
  const title = pickText(r.title, lang);
  const summary = pickText(r.summary, title.language ?? lang);
  const s: ProjectSummary = {
    id: r.id, slug: r.slug, status: r.status, title: title.text, textLanguage: title.language ?? 'es',
    summary: summary.text || pickText(r.description, title.language ?? lang).text.slice(0, 280),
    area: r.area, type: r.type, phase: r.phase, technologies: r.technologies, council: entityOf(r),
    savedCentsPerYear: r.saved_cents_per_year, adoptionCount: Number(r.adoption_count), isDemo: r.is_demo, source: r.source,
    updatedAt: r.updated_at.toISOString(),
  };
  // Two decimals: 10 m is finer than any council's reference point.
  if (r.distance_km !== null && r.distance_km !== undefined) s.distanceKm = Math.round(r.distance_km * 100) / 100;
  return s;
}

/** The fields of a ProjectInput as database columns (owner, status and source are set by the caller). */
async function inputToColumns(db: Queryable, input: ProjectPatch & { portfolioSlug?: string }): Promise<Partial<repo.ProjectWrite>> {
  const c: Partial<repo.ProjectWrite> = {};
  if (input.ine5 !== undefined) {
    const m = await repo.findMunicipality(db, input.ine5);
    if (!m) throw new AppError('observatory.unknown_municipality', { status: 422, params: { ine5: input.ine5 } });
    Object.assign(c, { ine5: m.ine5, entity_name: null, country: 'ES', entity_population: null, entity_lat: null, entity_lon: null,
                       entity_kind: input.entityKind ?? 'municipality' });
  } else if (input.foreignEntity) {
    const f = input.foreignEntity;
    Object.assign(c, { ine5: null, entity_kind: f.kind, entity_name: f.name, country: f.country, entity_population: f.population ?? null,
                       entity_lat: f.lat ?? null, entity_lon: f.lon ?? null });
  } else if (input.entityKind) {
    c.entity_kind = input.entityKind;
  }
  if (input.title) c.title = input.title;
  if (input.contacts) c.contacts = input.contacts;
  if (input.summary) c.summary = input.summary;
  if (input.description) c.description = input.description;
  if (input.valueText) c.value_text = input.valueText;
  if (input.barriers) c.barriers = input.barriers;
  if (input.benefits) c.benefits = input.benefits;
  if (input.metrics) {
    const m = input.metrics;
    c.saved_cents_per_year = m.savedCentsPerYear ?? null;
    c.staff_hours_saved_per_year = m.staffHoursSavedPerYear ?? null;
    c.citizens_served = m.citizensServed ?? null;
    c.procedures_per_year = m.proceduresPerYear ?? null;
    c.investment_cents = m.investmentCents ?? null;
  }
  if (input.technologies) c.technologies = input.technologies;
  if (input.methodologies) c.methodologies = input.methodologies;
  if (input.tools) c.tools = input.tools;
  if (input.phase) c.phase = input.phase;
  if (input.type) c.type = input.type;
  if (input.area) c.area = input.area;
  if (input.documentation) c.documentation = input.documentation;
  if (input.portfolioSlug !== undefined) {
    const pf = await repo.findPortfolio(db, input.portfolioSlug);
    if (!pf) throw new AppError('observatory.unknown_portfolio', { status: 422 });
    c.portfolio_id = pf.id;
  }
  return c;
}

/** JSON with sorted keys: jsonb does not keep key order, so plain JSON.stringify would see false changes. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function diff(before: Partial<repo.ProjectWrite>, after: Partial<repo.ProjectWrite>): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after) as (keyof repo.ProjectWrite)[]) {
    const b = before[key] ?? null;
    const a = after[key] ?? null;
    if (canonical(b) !== canonical(a)) out[key] = { before: b, after: a };
  }
  return out;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}
/** Sends e-mail; the app wires nodemailer (SMTP_URL) or an outbox folder, tests a list. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export interface ObservatoryDeps {
  db: Db;
  /** The clock (tests move it); defaults to the real one. */
  now?: () => Date;
  /** Public address for links in e-mails. */
  publicUrl?: string;
  /** Where documentation files live (createFileStorage(config, 'observatory')); without it files can be listed but not stored or read. */
  storage?: FileStorage;
  /** Overrides PROJECT_FILE_LIMITS (tests use small limits). */
  fileLimits?: UploadLimits;
  /** Told of failures that do not fail the call (a clean-up left to the reconciler); `what` says which. */
  onError?: (err: unknown, what: string) => void;
}

function toProjectFile(f: repo.ProjectFileRow): ProjectFile {
  return {
    id: f.id, name: f.file_name, mimeType: f.mime_type, typeLabel: typeLabel(f.mime_type), sizeBytes: Number(f.size_bytes), sha256: f.sha256,
    url: `/api/v1/observatory/projects/${f.project_id}/files/${f.id}`, createdAt: f.created_at.toISOString(),
  };
}

/** What happened to a published project, for listeners (the forum tells the project's followers). */
export interface ProjectChangedEvent {
  projectId: string;
  slug: string;
  title: Text;
  actorAccountId: string | null;
  /** Names of the changed fields. */
  fields: string[];
}

/** Runs inside the edit's transaction, so the notifications commit (or roll back) with the change. */
export type ProjectChangedListener = (event: ProjectChangedEvent, tx: Queryable) => Promise<void>;

export class ObservatoryService {
  private readonly db: Db;
  private readonly projectListeners: ProjectChangedListener[] = [];
  private readonly now: () => Date;
  private readonly publicUrl: string;
  private readonly storage: FileStorage | undefined;
  private readonly onError: (err: unknown, what: string) => void;
  /** Files per project, bytes per file and accepted types (the routes size multipart parsing from it). */
  readonly fileLimits: UploadLimits;
  /** A hash of a random secret, made once: unknown e-mails are verified against it (same cost as a real account). */
  private dummyHash: Promise<string> | undefined;

  constructor(deps: ObservatoryDeps) {
    this.db = deps.db;
    this.now = deps.now ?? (() => new Date());
    this.publicUrl = (deps.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');
    this.storage = deps.storage;
    this.fileLimits = deps.fileLimits ?? PROJECT_FILE_LIMITS;
    this.onError = deps.onError ?? (() => undefined);
  }

  /** Subscribes to edits of published projects (the forum notifies whoever follows the project). */
  onPublishedProjectChanged(listener: ProjectChangedListener): void {
    this.projectListeners.push(listener);
  }

  private requireStorage(): FileStorage {
    // A wiring mistake, not a user error: the composition root always passes one.
    if (!this.storage) throw new Error('the observatory was built without file storage');
    return this.storage;
  }

  // ------------------------------------------------------------ gazetteer

  /** Loads the shipped IGN/CNIG gazetteer into global_municipalities; a no-op when already loaded. */
  async ensureMunicipalities(file = MUNICIPALITIES_FILE): Promise<{ loaded: number; total: number }> {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { columns: string[]; rows: [string, string, string, string, number, number, number][] };
    const have = await repo.countMunicipalities(this.db);
    if (have === doc.rows.length) return { loaded: 0, total: have };
    const rows = doc.rows.map(([ine5, name, provinceCode, , population, lat, lon]) => ({ ine5, name, provinceCode, population, lat, lon }));
    await this.db.transaction(async (tx) => repo.upsertMunicipalities(tx, rows));
    return { loaded: rows.length, total: await repo.countMunicipalities(this.db) };
  }

  async municipality(ine5: string): Promise<Municipality> {
    const m = await repo.findMunicipality(this.db, ine5);
    if (!m) throw new AppError('observatory.unknown_municipality', { status: 404, params: { ine5 } });
    return toMunicipality(m);
  }

  /** Municipalities for a picker: by name (accent-insensitive, fuzzy) or INE code prefix. */
  async searchMunicipalities(q: string | undefined, limit = 20): Promise<Municipality[]> {
    const rows = q && q.trim() ? await repo.searchMunicipalities(this.db, q.trim(), limit) : await repo.largestMunicipalities(this.db, limit);
    return rows.map(toMunicipality);
  }

  // ------------------------------------------------------------ accounts

  /**
   * Registers an officer. Returns the account and the e-mail verification token (to mail as a link;
   * only its hash is stored). When the council has an allow-list, the e-mail domain must be on it.
   */
  async register(input: RegisterInput): Promise<{ account: Account; verificationToken: string }> {
    const r = await this.registerOrWarn(input);
    // Seeds, the CLI and tests want the token; the HTTP route uses registerOrWarn and never says "taken".
    if (r.existing) throw new AppError('observatory.email_taken', { status: 409 });
    return r;
  }

  /**
   * Registration as the public route does it: a taken address is not refused (that would tell anyone which
   * addresses have accounts, MEDIUM-5's minor note); the result says so, for the caller to warn the owner.
   */
  async registerOrWarn(input: RegisterInput): Promise<Registration> {
    const email = input.email.trim().toLowerCase();
    const domain = email.split('@')[1] ?? '';
    if (input.ine5) {
      await this.municipality(input.ine5);
      const allowed = await repo.allowedDomains(this.db, input.ine5);
      if (allowed.length > 0 && !allowed.some((d) => domain === d || domain.endsWith(`.${d}`))) {
        throw new AppError('observatory.domain_not_allowed', { status: 403, params: { domain } });
      }
    }
    let handle = input.handle ?? (email.split('@')[0] ?? 'user').replace(/[^a-zA-Z0-9_.-]/g, '').slice(0, 30);
    if (handle.length < 2) handle = `user${handle}`;
    // Handles are public (shown on every post), so refusing a taken one tells nothing; checked before the e-mail.
    if (input.handle && (await repo.handleTaken(this.db, handle))) throw new AppError('observatory.handle_taken', { status: 409 });
    for (let i = 2; await repo.handleTaken(this.db, handle); i++) handle = `${handle.replace(/\d+$/, '')}${i}`;
    const token = randomBytes(24).toString('base64url');
    // argon2id with the library's defaults (m=19 MiB, t=2, p=1: the OWASP minimum). Hashed for a taken address
    // too, so both answers take the same time.
    const passwordHash = await argonHash(input.password);
    const existing = await repo.findAccountByEmail(this.db, email);
    if (existing) {
      // No "e-mail taken" (it would tell anyone which addresses have accounts): the caller answers as for a new
      // account and tells the address's owner instead. The view below is made up; nothing is stored.
      const lookalike: Account = {
        id: randomUUID(), email, handle, displayName: input.displayName, role: 'member', ine5: input.ine5 ?? null,
        organisation: input.organisation ?? null, language: input.language, isVerified: false, wantsDigest: true,
      };
      return { account: lookalike, existing: toAccount(existing) };
    }
    const row = await repo.insertAccount(this.db, {
      email, handle, displayName: input.displayName, passwordHash, ine5: input.ine5 ?? null, organisation: input.organisation ?? null,
      language: input.language, verifyTokenHash: sha256(token), verifyExpiresAt: new Date(this.now().getTime() + VERIFY_TOKEN_TTL_MS),
    });
    return { account: toAccount(row), verificationToken: token };
  }

  /** The e-mail to an existing account when someone registers its address again (the caller sends it, not awaited). */
  registrationAttemptMail(account: Account): Mail {
    const lang = account.language;
    const link = `${this.publicUrl}/observatory/signin`;
    const subject = t(lang, 'observatory:mail.register_again_subject');
    const body = t(lang, 'observatory:mail.register_again_body');
    return { to: account.email, subject, text: `${body}\n${link}\n`, html: `<p>${escapeHtml(body)}</p><p><a href="${link}">${link}</a></p>` };
  }

  /** The verification e-mail for a new account (the caller sends it through a Mailer). */
  verificationMail(account: Account, token: string): Mail {
    const link = `${this.publicUrl}/observatory/verify?token=${encodeURIComponent(token)}`;
    const subject = { es: 'Confirma tu correo en el Observatorio', ca: 'Confirma el teu correu a l\'Observatori', en: 'Confirm your e-mail for the Observatory' }[account.language];
    const body = { es: 'Abre este enlace para confirmar tu cuenta:', ca: 'Obri este enllaç per a confirmar el teu compte:', en: 'Open this link to confirm your account:' }[account.language];
    return { to: account.email, subject, text: `${body}\n${link}\n`, html: `<p>${body}</p><p><a href="${link}">${link}</a></p>` };
  }

  /**
   * A fresh verification token for an unverified account (the old link stops working), or undefined for an unknown or
   * already verified address, or when one was issued less than RESEND_COOLDOWN_MS ago: the caller answers the same in
   * every case, so nobody learns which addresses have accounts, and nobody can flood an inbox.
   */
  async reissueVerification(email: string): Promise<{ account: Account; verificationToken: string } | undefined> {
    const row = await repo.findAccountByEmail(this.db, email.trim().toLowerCase());
    if (!row || row.email_verified_at) return undefined;
    const now = this.now().getTime();
    const issuedAt = row.verify_expires_at ? row.verify_expires_at.getTime() - VERIFY_TOKEN_TTL_MS : 0;
    if (now - issuedAt < RESEND_COOLDOWN_MS) return undefined;
    const token = randomBytes(24).toString('base64url');
    const updated = await repo.setVerifyToken(this.db, row.id, sha256(token), new Date(now + VERIFY_TOKEN_TTL_MS));
    return updated ? { account: toAccount(updated), verificationToken: token } : undefined;
  }

  async verifyEmail(token: string): Promise<Account> {
    const row = await repo.consumeVerifyToken(this.db, sha256(token), this.now());
    if (!row) throw new AppError('observatory.invalid_token', { status: 400 });
    return toAccount(row);
  }

  /**
   * Checks e-mail and password, the same way for an unknown e-mail and a known one (MEDIUM-5): the attempt is counted
   * per (address typed, client IP) and per address typed from anywhere before anything is checked, the password always
   * goes through argon2 (against a throw-away hash when there is no account), and both answer `bad_credentials`, then
   * `sign_in_locked` (429) after SIGN_IN_MAX_ATTEMPTS from one client or SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS in all. The
   * low limit is per client, so a stranger's few guesses cannot lock an officer out from their own network.
   * `clientIp` is the request's address; callers without one (CLI, tests) share one bucket.
   */
  async authenticate(email: string, password: string, clientIp = 'local'): Promise<{ account: Account; actor: ObsActor }> {
    const normalized = email.trim().toLowerCase();
    const emailHash = sha256(normalized);
    const now = this.now();
    // From this client (a low limit), then from anywhere (a high one, against guessing spread over many addresses);
    // an attempt refused by the first is not counted by the second, so one client cannot lock the address everywhere.
    const keys = [
      { key: { emailHash, ip: clientIp }, maxAttempts: SIGN_IN_MAX_ATTEMPTS },
      { key: { emailHash, ip: ANY_CLIENT }, maxAttempts: SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS },
    ];
    for (const { key, maxAttempts } of keys) {
      const attempt = await repo.reserveSignInAttempt(this.db, key, now, { maxAttempts, lockMs: SIGN_IN_LOCK_MS, windowMs: SIGN_IN_LOCK_MS });
      if (attempt.lockedUntil && attempt.lockedUntil > now) {
        // Not even checked: while the address waits, guessing teaches nothing.
        throw new AppError('observatory.sign_in_locked', { status: 429, params: { minutes: Math.max(1, Math.ceil((attempt.lockedUntil.getTime() - now.getTime()) / 60_000)) } });
      }
    }
    const row = await repo.findAccountByEmail(this.db, normalized);
    const ok = await this.verifyPassword(row?.password_hash, password);
    if (!row || !ok) throw new AppError('observatory.bad_credentials', { status: 401 });
    for (const { key } of keys) await repo.clearSignInAttempts(this.db, key);
    if (!row.email_verified_at) throw new AppError('observatory.email_not_verified', { status: 403 });
    return { account: toAccount(row), actor: actorFor(row) };
  }

  /** argon2 verify; with no stored hash, against a throw-away one, so an unknown e-mail costs the same time (MEDIUM-5). */
  private async verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
    if (hash) return argonVerify(hash, password).catch(() => false);
    this.dummyHash ??= argonHash(randomBytes(16).toString('hex'));
    await argonVerify(await this.dummyHash, password).catch(() => false);
    return false;
  }

  async account(id: string): Promise<Account | undefined> {
    const row = await repo.findAccountById(this.db, id);
    return row ? toAccount(row) : undefined;
  }

  /** Opens a server-side session for a signed-in account; returns the token for the cookie (stored only hashed). */
  async startSession(accountId: string, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await repo.insertSession(this.db, sha256(token), accountId, new Date(this.now().getTime() + ttlMs));
    return token;
  }

  /** The actor of a live session token (undefined when ended, expired or the account is gone). */
  async actorForSession(token: string): Promise<ObsActor | undefined> {
    const accountId = await repo.sessionAccountId(this.db, sha256(token), this.now());
    if (!accountId) return undefined;
    // The account is re-read on every request, so a role change takes effect at once.
    const row = await repo.findAccountById(this.db, accountId);
    return row ? actorFor(row) : undefined;
  }

  async endSession(token: string): Promise<void> {
    await repo.endSession(this.db, sha256(token), this.now());
  }

  /** Signs an officer out everywhere (CLI: a lost laptop, a person who left); returns how many sessions ended. */
  async endSessionsByEmail(actor: ObsActor, email: string): Promise<number> {
    if (actor.kind !== 'system') throw new AppError('observatory.forbidden', { status: 403 });
    const row = await repo.findAccountByEmail(this.db, email);
    if (!row) throw new AppError('observatory.account_not_found', { status: 404 });
    return repo.endAccountSessions(this.db, row.id, this.now());
  }

  /** Gives a role; only the system (CLI, seeds) may, so no officer can promote themselves. */
  async setRole(actor: ObsActor, accountIdToChange: string, role: ObsRole): Promise<void> {
    if (actor.kind !== 'system') throw new AppError('observatory.forbidden', { status: 403 });
    await repo.setAccountRole(this.db, accountIdToChange, role);
  }

  /** Gives a role by e-mail (CLI); throws observatory.account_not_found for an unknown address. */
  async setRoleByEmail(actor: ObsActor, email: string, role: ObsRole): Promise<void> {
    const row = await repo.findAccountByEmail(this.db, email);
    if (!row) throw new AppError('observatory.account_not_found', { status: 404 });
    await this.setRole(actor, row.id, role);
  }

  /** The signed-in officer's own settings (for now: whether they get the daily e-mail digest). */
  async updateOwnAccount(actor: ObsActor | undefined, patch: { wantsDigest?: boolean | undefined }): Promise<Account> {
    const a = requireAccount(actor);
    if (a.kind !== 'account') throw new AppError('observatory.forbidden', { status: 403 });
    if (patch.wantsDigest !== undefined) await repo.setWantsDigest(this.db, a.id, patch.wantsDigest);
    const row = await repo.findAccountById(this.db, a.id);
    if (!row) throw new AppError('observatory.account_not_found', { status: 404 });
    return toAccount(row);
  }

  /**
   * Restricts registration for a council to e-mail domains (system only): once a council has one, an address of any
   * other domain registering for it is refused (`observatory.domain_not_allowed`); subdomains of an allowed domain pass.
   */
  async allowDomain(actor: ObsActor, ine5: string, domain: string): Promise<{ ine5: string; domains: string[] }> {
    if (actor.kind !== 'system') throw new AppError('observatory.forbidden', { status: 403 });
    await this.municipality(ine5);
    await repo.addAllowedDomain(this.db, ine5, normaliseDomain(domain));
    return { ine5, domains: await repo.allowedDomains(this.db, ine5) };
  }

  /** The e-mail domains a council allows (empty: any address may register for it). */
  async allowedDomains(actor: ObsActor, ine5: string): Promise<{ ine5: string; domains: string[] }> {
    if (actor.kind !== 'system') throw new AppError('observatory.forbidden', { status: 403 });
    await this.municipality(ine5);
    return { ine5, domains: await repo.allowedDomains(this.db, ine5) };
  }

  /** Takes a domain off a council's allow-list (system only); removing the last one opens registration again. */
  async disallowDomain(actor: ObsActor, ine5: string, domain: string): Promise<{ ine5: string; domains: string[]; removed: boolean }> {
    if (actor.kind !== 'system') throw new AppError('observatory.forbidden', { status: 403 });
    await this.municipality(ine5);
    const removed = await repo.removeAllowedDomain(this.db, ine5, normaliseDomain(domain));
    return { ine5, domains: await repo.allowedDomains(this.db, ine5), removed };
  }

  // ------------------------------------------------------------ projects

  /** Creates a draft owned by the actor (system: with options for seeds/importers). */
  async createProject(
    actor: ObsActor | undefined,
    input: ProjectInput,
    opts: { status?: 'draft' | 'published'; source?: string; sourceId?: string; attribution?: string; isDemo?: boolean; ownerAccountId?: string } = {},
  ): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    if (a.kind !== 'system' && (opts.status === 'published' || opts.source || opts.isDemo || opts.ownerAccountId)) {
      throw new AppError('observatory.forbidden', { status: 403 });
    }
    const row = await this.db.transaction(async (tx) => {
      const cols = await inputToColumns(tx, input);
      let slug = input.slug ?? slugify(pickText(input.title, 'es').text);
      for (let i = 2; await repo.slugTaken(tx, slug); i++) slug = `${(input.slug ?? slugify(pickText(input.title, 'es').text)).slice(0, 70)}-${i}`;
      const status = opts.status ?? 'draft';
      const write: repo.ProjectWrite = {
        slug, status, owner_account_id: opts.ownerAccountId ?? accountId(a), entity_kind: 'municipality', ine5: null, entity_name: null,
        country: 'ES', entity_population: null, entity_lat: null, entity_lon: null, contacts: [], title: input.title, summary: {},
        description: {}, value_text: {}, barriers: {}, benefits: {}, saved_cents_per_year: null, staff_hours_saved_per_year: null,
        citizens_served: null, procedures_per_year: null, investment_cents: null, technologies: [], methodologies: [], tools: [],
        phase: input.phase, type: input.type, area: input.area, documentation: [], portfolio_id: null, source: opts.source ?? 'user',
        source_id: opts.sourceId ?? null, attribution: opts.attribution ?? null, is_demo: opts.isDemo ?? false,
        ...cols,
      };
      const created = await repo.insertProject(tx, write);
      if (status === 'published') {
        await repo.updateProject(tx, created.id, {}, { publishedAt: this.now(), reviewedAt: this.now() });
      }
      await repo.insertHistory(tx, {
        projectId: created.id, actorAccountId: accountId(a), action: 'create', statusFrom: null, statusTo: status,
        changes: diff({}, cols),
      });
      return created;
    });
    return this.getProject(actor, row.id, 'es');
  }

  /**
   * Upserts a record from a seed or importer, keyed by (source, sourceId): inserts it published, or
   * updates the changed fields (history only when something changed). Returns what happened.
   */
  async upsertFromSource(
    input: ProjectInput,
    opts: { source: string; sourceId: string; attribution?: string; isDemo?: boolean; ownerAccountId?: string },
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const existing = await repo.findProjectBySource(this.db, opts.source, opts.sourceId);
    if (!existing) {
      await this.createProject({ kind: 'system' }, input, { ...opts, status: 'published' });
      return 'created';
    }
    return this.db.transaction(async (tx) => {
      const cols = await inputToColumns(tx, { ...input, contacts: input.contacts, documentation: input.documentation });
      if (opts.attribution !== undefined) cols.attribution = opts.attribution;
      if (opts.isDemo !== undefined) cols.is_demo = opts.isDemo;
      if (opts.ownerAccountId !== undefined) cols.owner_account_id = opts.ownerAccountId;
      const changes = diff(existing, cols);
      if (Object.keys(changes).length === 0) return 'unchanged';
      const changed = Object.fromEntries(Object.keys(changes).map((k) => [k, cols[k as keyof repo.ProjectWrite]])) as Partial<repo.ProjectWrite>;
      await repo.updateProject(tx, existing.id, changed);
      await repo.insertHistory(tx, { projectId: existing.id, actorAccountId: null, action: 'import', statusFrom: existing.status, statusTo: existing.status, changes });
      return 'updated';
    });
  }

  /**
   * The project an actor acts on: unknown, or a draft/submitted record the actor cannot see, is `project_not_found`
   * (404, as GET answers), so a write cannot tell whether someone else's draft exists; only then the role checks (403).
   */
  private async loadForWrite(tx: Queryable, idOrSlug: string, actor: ObsActor): Promise<repo.ProjectRow> {
    const p = await repo.findProject(tx, idOrSlug);
    if (!p || !this.canSee(actor, p)) throw new AppError('observatory.project_not_found', { status: 404 });
    return p;
  }

  /** Owners and editors edit; every change is kept in the history (before/after per field). */
  async updateProject(actor: ObsActor | undefined, idOrSlug: string, patch: ProjectPatch): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    const id = await this.db.transaction(async (tx) => {
      const p = await this.loadForWrite(tx, idOrSlug, a);
      if (!isOwner(a, p) && !isEditor(a)) throw new AppError('observatory.forbidden', { status: 403 });
      if (p.status === 'archived') throw new AppError('observatory.invalid_transition', { status: 409, params: { from: p.status, to: p.status } });
      const cols = await inputToColumns(tx, patch);
      const changes = diff(p, cols);
      if (Object.keys(changes).length === 0) return p.id;
      await repo.updateProject(tx, p.id, cols);
      await repo.insertHistory(tx, { projectId: p.id, actorAccountId: accountId(a), action: 'update', statusFrom: p.status, statusTo: p.status, changes });
      if (p.status === 'published') {
        const event = { projectId: p.id, slug: p.slug, title: cols.title ?? p.title, actorAccountId: accountId(a), fields: Object.keys(changes) };
        for (const listener of this.projectListeners) await listener(event, tx);
      }
      return p.id;
    });
    return this.getProject(actor, id, 'es');
  }

  private async transition(
    actor: ObsActor | undefined,
    idOrSlug: string,
    action: 'submit' | 'publish' | 'reject' | 'review' | 'archive',
    comment?: string,
  ): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    const id = await this.db.transaction(async (tx) => {
      const p = await this.loadForWrite(tx, idOrSlug, a);
      const now = this.now();
      let to = p.status;
      const extra: { submittedAt?: Date; publishedAt?: Date; reviewedAt?: Date } = {};
      switch (action) {
        case 'submit':
          if (!isOwner(a, p) && !isEditor(a)) throw new AppError('observatory.forbidden', { status: 403 });
          if (p.status !== 'draft') throw new AppError('observatory.invalid_transition', { status: 409, params: { from: p.status, to: 'submitted' } });
          to = 'submitted';
          extra.submittedAt = now;
          break;
        case 'publish':
          // Only an editor reviews and publishes, even their own records' owners cannot skip review.
          if (!isEditor(a)) throw new AppError('observatory.editor_required', { status: 403 });
          if (p.status !== 'submitted') throw new AppError('observatory.invalid_transition', { status: 409, params: { from: p.status, to: 'published' } });
          to = 'published';
          extra.publishedAt = now;
          extra.reviewedAt = now;
          break;
        case 'reject':
          if (!isEditor(a)) throw new AppError('observatory.editor_required', { status: 403 });
          if (p.status !== 'submitted') throw new AppError('observatory.invalid_transition', { status: 409, params: { from: p.status, to: 'draft' } });
          to = 'draft';
          break;
        case 'review':
          // "Still accurate": resets the yearly reminder.
          if (!isOwner(a, p) && !isEditor(a)) throw new AppError('observatory.forbidden', { status: 403 });
          if (p.status !== 'published') throw new AppError('observatory.invalid_transition', { status: 409, params: { from: p.status, to: 'published' } });
          extra.reviewedAt = now;
          break;
        case 'archive':
          if (!isOwner(a, p) && !isEditor(a)) throw new AppError('observatory.forbidden', { status: 403 });
          to = 'archived';
          break;
      }
      await repo.updateProject(tx, p.id, to !== p.status ? { status: to } : {}, extra);
      await repo.insertHistory(tx, { projectId: p.id, actorAccountId: accountId(a), action, statusFrom: p.status, statusTo: to, changes: {}, comment: comment ?? null });
      if (action === 'publish' || action === 'reject') {
        if (p.owner_account_id) {
          await repo.insertNotifications(tx, [{ accountId: p.owner_account_id, kind: action === 'publish' ? 'project_published' : 'project_rejected',
            subjectType: 'project', subjectId: p.id, data: { slug: p.slug, title: p.title, comment: comment ?? null } }]);
        }
      }
      return p.id;
    });
    return this.getProject(actor, id, 'es');
  }

  /** Draft -> submitted (owner or editor). */
  submitProject(actor: ObsActor | undefined, idOrSlug: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'submit');
  }

  /** Submitted -> published (editor only): the review. */
  publishProject(actor: ObsActor | undefined, idOrSlug: string, comment?: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'publish', comment);
  }

  /** Submitted -> draft with the editor's comment for the owner. */
  rejectProject(actor: ObsActor | undefined, idOrSlug: string, comment?: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'reject', comment);
  }

  /** Confirms a published record is still accurate (resets the yearly reminder). */
  markReviewed(actor: ObsActor | undefined, idOrSlug: string, comment?: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'review', comment);
  }

  archiveProject(actor: ObsActor | undefined, idOrSlug: string): Promise<ProjectDetail> {
    return this.transition(actor, idOrSlug, 'archive');
  }

  private canSee(actor: ObsActor | undefined, p: repo.ProjectRow): boolean {
    return p.status === 'published' || isOwner(actor, p) || isEditor(actor);
  }

  /** One project with everything its page shows; unpublished ones only for their owner and editors. */
  async getProject(actor: ObsActor | undefined, idOrSlug: string, lang: Language): Promise<ProjectDetail> {
    const p = await repo.findProject(this.db, idOrSlug);
    if (!p || !this.canSee(actor, p)) throw new AppError('observatory.project_not_found', { status: 404 });
    const [row] = await repo.searchProjects(this.db, {
      statuses: [p.status], ids: [p.id], includeDemo: true, lang, sort: 'recent', limit: 1, offset: 0,
    });
    if (!row) throw new AppError('observatory.project_not_found', { status: 404 });
    const summary = toSummary(row, lang);
    const tl = (t: Text) => {
      const picked = pickText(t, lang);
      return { text: picked.text, language: picked.language, all: t };
    };
    const portfolio = p.portfolio_id ? await repo.findPortfolio(this.db, p.portfolio_id) : undefined;
    const [adoptions, files] = await Promise.all([repo.listAdoptions(this.db, p.id), repo.listProjectFiles(this.db, p.id)]);
    return {
      ...summary,
      titleText: tl(p.title), summaryText: tl(p.summary), description: tl(p.description), valueText: tl(p.value_text),
      barriers: tl(p.barriers), benefits: tl(p.benefits),
      metrics: {
        ...(p.saved_cents_per_year !== null ? { savedCentsPerYear: p.saved_cents_per_year } : {}),
        ...(p.staff_hours_saved_per_year !== null ? { staffHoursSavedPerYear: p.staff_hours_saved_per_year } : {}),
        ...(p.citizens_served !== null ? { citizensServed: p.citizens_served } : {}),
        ...(p.procedures_per_year !== null ? { proceduresPerYear: p.procedures_per_year } : {}),
        ...(p.investment_cents !== null ? { investmentCents: p.investment_cents } : {}),
      },
      methodologies: p.methodologies, tools: p.tools,
      contacts: p.contacts as ProjectDetail['contacts'],
      // Rows written before links were limited to http(s) (LOW-5), or by an importer, are filtered here too:
      // a stored javascript: link is never served, and one bad row cannot fail the response's schema.
      documentation: (p.documentation as ProjectDetail['documentation']).filter((d) => isHttpUrl(d.url)),
      files: files.map(toProjectFile),
      ownerAccountId: p.owner_account_id, attribution: p.attribution,
      portfolio: portfolio ? { slug: portfolio.slug, title: pickText(portfolio.title, lang).text } : null,
      adoptions: adoptions.map((x) => ({ ine5: x.ine5, name: x.name, stage: x.stage, at: x.at.toISOString(), note: x.note })),
      version: p.version, createdAt: p.created_at.toISOString(),
      publishedAt: p.published_at?.toISOString() ?? null, reviewedAt: p.reviewed_at?.toISOString() ?? null,
      can: {
        edit: isOwner(actor, p) || isEditor(actor),
        submit: p.status === 'draft' && (isOwner(actor, p) || isEditor(actor)),
        publish: p.status === 'submitted' && isEditor(actor),
      },
    };
  }

  // ------------------------------------------------------------ documentation files

  /**
   * The project as its owner or an editor may change it: unknown, or a draft the actor cannot see, is
   * `project_not_found` (404, drafts are never revealed); a visible project of someone else is `forbidden` (403).
   */
  private async loadEditable(db: Queryable, a: ObsActor, idOrSlug: string): Promise<repo.ProjectRow> {
    const p = await repo.findProject(db, idOrSlug);
    if (!p || !this.canSee(a, p)) throw new AppError('observatory.project_not_found', { status: 404 });
    if (!isOwner(a, p) && !isEditor(a)) throw new AppError('observatory.forbidden', { status: 403 });
    if (p.status === 'archived') throw new AppError('observatory.invalid_transition', { status: 409, params: { from: p.status, to: p.status } });
    return p;
  }

  /**
   * Adds documentation files (owner or editor). Count, size and type (sniffed from the bytes) are checked first. Then,
   * as for filings (see storage/pending-files.ts): every id and key is chosen; the keys are journalled (committed);
   * each file is written under its final key and its size verified; one transaction settles the journal and writes
   * the rows and one history entry per file. Any failure deletes the files and their journal rows, unless the
   * transaction did commit (a lost acknowledgement: the call answers with the rows); a crash leaves journal rows that
   * the reconciler undoes. So a project has every file of an upload or none, and each row's bytes are in place.
   */
  async addProjectFiles(
    actor: ObsActor | undefined,
    idOrSlug: string,
    read: readonly Upload[] | (() => Promise<Upload[]>),
  ): Promise<ProjectFile[]> {
    const a = requireAccount(actor);
    const storage = this.requireStorage();
    const limits = this.fileLimits;
    // Permission first (a stranger learns nothing about a draft, and is refused before the request body is read).
    const p = await this.loadEditable(this.db, a, idOrSlug);
    const uploads = typeof read === 'function' ? await read() : read;
    if (uploads.length === 0) throw new AppError('observatory.no_files', { status: 400 });
    const files = await inspectUploads(uploads, limits, 'storage');
    // Refused before any byte is written; checked again under the project's lock, where it counts.
    const tooMany = () => new AppError('storage.too_many_files', { status: 413, params: { max: limits.maxFiles } });
    if ((await repo.listProjectFiles(this.db, p.id)).length + files.length > limits.maxFiles) throw tooMany();
    const planned = files.map((f) => {
      const id = randomUUID();
      const row: Omit<repo.ProjectFileRow, 'created_at'> = {
        id, project_id: p.id, file_name: f.fileName, mime_type: f.mime, size_bytes: f.data.length, sha256: f.sha256,
        storage_key: `projects/${p.id}/${id}`, uploaded_by: accountId(a),
      };
      return { data: f.data, row };
    });
    let rows: repo.ProjectFileRow[];
    try {
      // Each journal row is owned by its file row: the reconciler keeps the bytes of a row that exists.
      await pendingFilesJournal.add(this.db, planned.map((x) => ({ area: FILES_AREA, storageKey: x.row.storage_key, tenantId: null, ownerId: x.row.id })), this.now());
      for (const x of planned) {
        await storage.put(x.row.storage_key, x.data);
        const stored = await storage.stat(x.row.storage_key);
        if (stored?.size !== x.data.length) throw new Error(`project file ${x.row.storage_key} stored with ${stored?.size ?? 'no'} bytes instead of ${x.data.length}`);
      }
      rows = await this.db.transaction(async (tx) => {
        await repo.lockProject(tx, p.id);
        const current = await this.loadEditable(tx, a, p.id);
        const existing = await repo.listProjectFiles(tx, current.id);
        if (existing.length + planned.length > limits.maxFiles) throw tooMany();
        const out: repo.ProjectFileRow[] = [];
        for (const x of planned) {
          // The file becomes the project's in this transaction; if the reconciler took it meanwhile, do not commit.
          const settled = await pendingFilesJournal.settle(tx, FILES_AREA, x.row.id);
          if (settled.length !== 1 || settled[0] !== x.row.storage_key) throw new Error(`pending file ${x.row.storage_key} was reclaimed before its commit`);
          out.push(await repo.insertProjectFile(tx, x.row));
          await repo.insertHistory(tx, {
            projectId: current.id, actorAccountId: accountId(a), action: 'add_file', statusFrom: current.status, statusTo: current.status,
            changes: { file: { before: null, after: x.row.file_name } },
          });
        }
        await repo.touchProject(tx, current.id);
        return out;
      });
    } catch (err) {
      const committed = await this.afterFailedUpload(planned.map((x) => x.row));
      if (!committed) throw err;
      rows = committed;
    }
    return rows.map(toProjectFile);
  }

  /**
   * After a failed upload: the rows when its transaction did commit (the files stay); otherwise deletes the files and
   * their journal rows and returns undefined. When that cannot be known (the database is down), or a delete fails,
   * the journal rows stay and the reconciler finishes the job.
   */
  private async afterFailedUpload(planned: readonly Omit<repo.ProjectFileRow, 'created_at'>[]): Promise<repo.ProjectFileRow[] | undefined> {
    let found: repo.ProjectFileRow[];
    try {
      found = await repo.findProjectFilesByIds(this.db, planned.map((r) => r.id));
    } catch (err) {
      this.onError(err, 'project file clean-up (left to the reconciler)');
      return undefined;
    }
    // One transaction wrote them all, so either all are there or none.
    if (found.length > 0) return found;
    const storage = this.requireStorage();
    for (const r of planned) {
      await discardPending(this.db, storage, FILES_AREA, r.id, [r.storage_key]).catch((err: unknown) => this.onError(err, 'project file clean-up (left to the reconciler)'));
    }
    return undefined;
  }

  /**
   * Deletes the bytes of project files that never committed (a crash or a lost connection between writing them and
   * the commit) or whose removal did not finish, once their journal entries are older than `graceMs`, and stale
   * temporary files. Run at start-up and periodically (registry.ts); safe to run on several instances at once.
   */
  async reconcileFiles(opts: { graceMs?: number } = {}): Promise<ReconcileResult> {
    return reconcilePendingFiles({
      db: this.db,
      storage: this.requireStorage(),
      area: FILES_AREA,
      olderThan: new Date(this.now().getTime() - (opts.graceMs ?? FILES_RECONCILE_GRACE_MS)),
      ownerExists: (q, f) => repo.projectFileOwnsKey(q, f.ownerId, f.storageKey),
    });
  }

  /** The bytes of a documentation file: anyone's for a published project, else only its owner's and editors' (404 otherwise). */
  async projectFile(actor: ObsActor | undefined, idOrSlug: string, fileId: string): Promise<{ data: Buffer; fileName: string; mimeType: string; isPublic: boolean }> {
    const p = await repo.findProject(this.db, idOrSlug);
    const f = p && this.canSee(actor, p) ? await repo.findProjectFile(this.db, p.id, fileId) : undefined;
    if (!p || !f) throw new AppError('observatory.file_not_found', { status: 404 });
    return { data: await this.requireStorage().read(f.storage_key), fileName: f.file_name, mimeType: f.mime_type, isPublic: p.status === 'published' };
  }

  /**
   * Removes a documentation file (owner or editor): the row, a history entry and a journal entry for its bytes in one
   * transaction, then the bytes. If deleting them fails (or the process dies first), the journal entry outlives its
   * owner and the reconciler deletes them: never a row without bytes, and no bytes left without a row.
   */
  async removeProjectFile(actor: ObsActor | undefined, idOrSlug: string, fileId: string): Promise<void> {
    const a = requireAccount(actor);
    const storage = this.requireStorage();
    const removed = await this.db.transaction(async (tx) => {
      const p = await this.loadEditable(tx, a, idOrSlug);
      const f = await repo.deleteProjectFile(tx, p.id, fileId);
      if (!f) throw new AppError('observatory.file_not_found', { status: 404 });
      await repo.insertHistory(tx, {
        projectId: p.id, actorAccountId: accountId(a), action: 'remove_file', statusFrom: p.status, statusTo: p.status,
        changes: { file: { before: f.file_name, after: null } },
      });
      await repo.touchProject(tx, p.id);
      await pendingFilesJournal.add(tx, [{ area: FILES_AREA, storageKey: f.storage_key, tenantId: null, ownerId: f.id }], this.now());
      return f;
    });
    // The removal is committed: a failed delete of the bytes is the reconciler's to finish, not the caller's error.
    await discardPending(this.db, storage, FILES_AREA, removed.id, [removed.storage_key])
      .catch((err: unknown) => this.onError(err, 'project file removal (left to the reconciler)'));
  }

  /** The raw owner id and title of a project (for the forum's notifications); undefined when unknown. */
  async projectOwner(idOrSlug: string): Promise<{ id: string; slug: string; ownerAccountId: string | null; title: Text; area: string; status: string } | undefined> {
    const p = await repo.findProject(this.db, idOrSlug);
    return p ? { id: p.id, slug: p.slug, ownerAccountId: p.owner_account_id, title: p.title, area: p.area, status: p.status } : undefined;
  }

  /**
   * The search behind GET /api/v1/observatory/projects: published projects matching the text and filters;
   * `near` adds distance_km and keeps those within `km`; `like` keeps councils of the same band and kind
   * farther than `minKm`.
   */
  async searchProjects(actor: ObsActor | undefined, query: ProjectSearchQuery, lang: Language): Promise<ProjectSearchResult> {
    void actor;
    const language = query.lang ?? lang;
    let reference: Municipality | undefined;
    const filter: repo.ProjectFilter = {
      statuses: ['published'], includeDemo: query.includeDemo ?? true, lang: language, limit: query.limit, offset: query.offset,
      sort: query.sort ?? (query.q ? 'relevance' : query.near ? 'distance' : 'recent'),
      ...(query.q ? { q: query.q } : {}),
      ...(query.area ? { areas: query.area } : {}),
      ...(query.type ? { types: query.type } : {}),
      ...(query.phase ? { phases: query.phase } : {}),
      ...(query.technology ? { technologies: query.technology } : {}),
      ...(query.band ? { bands: query.band } : {}),
      ...(query.province ? { provinces: query.province } : {}),
      ...(query.region ? { regions: query.region } : {}),
      ...(query.country ? { countries: query.country } : {}),
    };
    if (query.near) {
      reference = await this.municipality(query.near);
      filter.from = { lat: reference.lat, lon: reference.lon };
      filter.maxKm = query.km ?? DEFAULT_NEAR_KM;
    }
    if (query.like) {
      const like = await this.municipality(query.like);
      reference ??= like;
      filter.from ??= { lat: like.lat, lon: like.lon };
      filter.like = { band: like.band, minKm: query.minKm ?? DEFAULT_LIKE_MIN_KM, excludeIne5: like.ine5 };
    }
    const [rows, facets] = await Promise.all([repo.searchProjects(this.db, filter), repo.projectFacets(this.db, filter)]);
    const count = (key: 'area' | 'type' | 'phase') => {
      const out: Record<string, number> = {};
      for (const f of facets) out[f[key]] = (out[f[key]] ?? 0) + Number(f.n);
      return out;
    };
    // The total rides on each row (count(*) OVER ()); past the last page there is no row to carry it, so count apart.
    const total = rows[0] ? Number(rows[0].total) : query.offset > 0
      ? Number((await repo.searchProjects(this.db, { ...filter, limit: 1, offset: 0 }))[0]?.total ?? 0) : 0;
    const result: ProjectSearchResult = {
      total, limit: query.limit, offset: query.offset,
      items: rows.map((r) => toSummary(r, language)),
      facets: { area: count('area'), type: count('type'), phase: count('phase') },
    };
    if (reference) {
      result.reference = {
        kind: 'municipality', ine5: reference.ine5, name: reference.name, country: 'ES', provinceCode: reference.provinceCode,
        province: reference.province, regionCode: reference.regionCode, region: reference.region, population: reference.population,
        band: populationBand(reference.population), lat: reference.lat, lon: reference.lon,
      };
    }
    return result;
  }

  /**
   * An officer's workspace: their own projects in every status but archived, and (for editors) the
   * review queue of submitted projects, oldest first.
   */
  async workspace(actor: ObsActor | undefined, lang: Language): Promise<{ mine: ProjectSummary[]; queue: ProjectSummary[] }> {
    const a = requireAccount(actor);
    const id = accountId(a);
    const base = { includeDemo: true, lang, limit: 200, offset: 0 } as const;
    const mine = id ? await repo.searchProjects(this.db, { ...base, statuses: ['draft', 'submitted', 'published'], ownerAccountId: id, sort: 'recent' }) : [];
    const queue = isEditor(a) ? await repo.searchProjects(this.db, { ...base, statuses: ['submitted'], sort: 'recent' }) : [];
    return { mine: mine.map((r) => toSummary(r, lang)), queue: queue.map((r) => toSummary(r, lang)) };
  }

  /** Projects like this one (same area, shared tags, overlapping words), published only. */
  async similarProjects(actor: ObsActor | undefined, idOrSlug: string, lang: Language, limit = 5): Promise<ProjectSummary[]> {
    const p = await repo.findProject(this.db, idOrSlug);
    if (!p || !this.canSee(actor, p)) throw new AppError('observatory.project_not_found', { status: 404 });
    const scored = await repo.similarProjects(this.db, p.id, limit);
    if (scored.length === 0) return [];
    const rows = await repo.searchProjects(this.db, {
      statuses: ['published'], ids: scored.map((s) => s.id), includeDemo: true, lang, sort: 'recent', limit, offset: 0,
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return scored.flatMap((s) => {
      const r = byId.get(s.id);
      return r ? [toSummary(r, lang)] : [];
    });
  }

  /**
   * Every change to a project, oldest first, with who made it. Readable by whoever may see the project (anyone once it
   * is published, else its owner and editors): the record is public, and so is how it came to be.
   */
  async history(actor: ObsActor | undefined, idOrSlug: string): Promise<HistoryEntry[]> {
    const p = await repo.findProject(this.db, idOrSlug);
    if (!p || !this.canSee(actor, p)) throw new AppError('observatory.project_not_found', { status: 404 });
    const rows = await repo.listHistory(this.db, p.id);
    // Contacts are people's names, e-mails and phones: a contact removed from the record must not stay readable in its
    // history. Readers other than the owner and editors learn only that the contacts changed.
    const mayReadPersonal = isOwner(actor, p) || isEditor(actor);
    const redact = (changes: HistoryEntry['changes']): HistoryEntry['changes'] =>
      mayReadPersonal ? changes : Object.fromEntries(Object.entries(changes).map(([field, change]) =>
        PERSONAL_FIELDS.has(field) ? [field, { before: null, after: null, redacted: true as const }] : [field, change]));
    return rows.map((h) => ({
      id: Number(h.id), at: h.at.toISOString(), actorAccountId: h.actor_account_id, actorName: h.actor_name, action: h.action, statusFrom: h.status_from,
      statusTo: h.status_to, changes: redact(h.changes), comment: h.comment,
    }));
  }

  /** Records that a council adopted (or is adopting, or is interested in) a project; tells the owner. */
  async adopt(actor: ObsActor | undefined, idOrSlug: string, input: AdoptInput): Promise<ProjectDetail> {
    const a = requireAccount(actor);
    const p = await repo.findProject(this.db, idOrSlug);
    if (!p || p.status !== 'published') throw new AppError('observatory.project_not_found', { status: 404 });
    const ine5 = input.ine5 ?? (input.entityName ? undefined : a.kind === 'account' ? a.ine5 ?? undefined : undefined);
    if (!ine5 && !input.entityName) throw new AppError('observatory.adopter_required', { status: 422 });
    if (ine5) await this.municipality(ine5);
    if (ine5 && ine5 === p.ine5) throw new AppError('observatory.cannot_adopt_own', { status: 422 });
    await this.db.transaction(async (tx) => {
      await repo.upsertAdoption(tx, { projectId: p.id, ine5: ine5 ?? null, entityName: ine5 ? null : input.entityName ?? null,
        stage: input.stage, note: input.note ?? null, accountId: accountId(a) });
      await repo.insertHistory(tx, { projectId: p.id, actorAccountId: accountId(a), action: 'adopt', statusFrom: p.status, statusTo: p.status,
        changes: { adoption: { before: null, after: { ine5: ine5 ?? null, entityName: input.entityName ?? null, stage: input.stage } } } });
      if (p.owner_account_id && p.owner_account_id !== accountId(a)) {
        await repo.insertNotifications(tx, [{ accountId: p.owner_account_id, kind: 'project_adopted', subjectType: 'project', subjectId: p.id,
          data: { slug: p.slug, title: p.title, ine5: ine5 ?? null, entityName: input.entityName ?? null, stage: input.stage } }]);
      }
    });
    return this.getProject(actor, p.id, 'es');
  }

  /** Published records not reviewed for REVIEW_INTERVAL_DAYS (the reminder job's input). */
  async listStaleProjects(now = this.now(), days = REVIEW_INTERVAL_DAYS): Promise<{ id: string; slug: string; ownerAccountId: string | null; lastReviewedAt: string }[]> {
    const before = new Date(now.getTime() - days * 24 * 3600 * 1000);
    const rows = await repo.projectsReviewedBefore(this.db, before);
    return rows.map((p) => ({
      id: p.id, slug: p.slug, ownerAccountId: p.owner_account_id,
      lastReviewedAt: (p.reviewed_at ?? p.published_at ?? p.updated_at).toISOString(),
    }));
  }

  /**
   * The reminder job hook: notifies each stale record's owner (in-app, so it reaches the digest). At most one reminder
   * per record a year, and none again until the record is reviewed or a year has passed since the last one. The check
   * and the insert are one statement, under a transaction-wide advisory lock on PostgreSQL, so instances running the job
   * at the same time cannot both remind. Returns how many reminders were created.
   */
  async remindStaleProjects(now = this.now()): Promise<number> {
    const stale = await this.listStaleProjects(now);
    const yearAgo = now.getTime() - REVIEW_INTERVAL_DAYS * 24 * 3600 * 1000;
    return this.db.transaction(async (tx) => {
      if (this.db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['observatory.review_reminders']);
      let created = 0;
      for (const s of stale) {
        if (!s.ownerAccountId) continue;
        const since = new Date(Math.max(new Date(s.lastReviewedAt).getTime(), yearAgo));
        const isNew = await repo.insertReminderOnce(tx, {
          accountId: s.ownerAccountId, kind: 'review_reminder', subjectType: 'project', subjectId: s.id,
          data: { slug: s.slug, lastReviewedAt: s.lastReviewedAt }, since, at: now,
        });
        if (isNew) created++;
      }
      return created;
    });
  }

  // ------------------------------------------------------------ portfolios

  async portfolio(slug: string, lang: Language): Promise<Portfolio> {
    const p = await repo.findPortfolio(this.db, slug);
    if (!p) throw new AppError('observatory.portfolio_not_found', { status: 404 });
    return {
      slug: p.slug, ine5: p.ine5, title: pickText(p.title, lang).text, description: pickText(p.description, lang).text,
      budgetCents: p.budget_cents, periodStart: p.period_start, periodEnd: p.period_end,
      objectives: p.objectives.map((o) => ({ key: o.key, title: pickText(o.title, lang).text })),
      lines: p.lines.map((l) => ({ name: pickText(l.name, lang).text, objective: l.objective, budgetCents: l.budgetCents ?? null,
        budgetYear: l.budgetYear ?? null, projectSlug: l.projectSlug ?? null })),
      isDemo: p.is_demo,
    };
  }

  async portfolios(lang: Language): Promise<Portfolio[]> {
    const rows = await repo.listPortfolios(this.db);
    return Promise.all(rows.map((r) => this.portfolio(r.slug, lang)));
  }

  // ------------------------------------------------------------ notifications

  /** Creates in-app notifications (used by the forum too). */
  async notify(items: readonly { accountId: string; kind: string; subjectType: string; subjectId: string; data: Record<string, unknown> }[], tx?: Queryable): Promise<void> {
    await repo.insertNotifications(tx ?? this.db, items);
  }

  async notifications(actor: ObsActor | undefined, opts: { onlyUnread?: boolean; limit?: number } = {}): Promise<ObsNotification[]> {
    const a = requireAccount(actor);
    if (a.kind !== 'account') return [];
    const rows = await repo.listNotifications(this.db, a.id, opts.onlyUnread ?? false, opts.limit ?? 50);
    return rows.map((n) => ({ id: Number(n.id), kind: n.kind, subjectType: n.subject_type, subjectId: n.subject_id, data: n.data,
      createdAt: n.created_at.toISOString(), readAt: n.read_at?.toISOString() ?? null }));
  }

  async markNotificationsRead(actor: ObsActor | undefined, ids: number[] | 'all'): Promise<number> {
    const a = requireAccount(actor);
    if (a.kind !== 'account') return 0;
    return repo.markNotificationsRead(this.db, a.id, ids);
  }

  /**
   * Builds one digest e-mail per account from its unread notifications not yet e-mailed since `since`.
   * Pure with respect to sending: `sendDigests` mails them and marks them e-mailed.
   */
  async buildDigests(since: Date): Promise<{ accountId: string; notificationIds: number[]; mail: Mail }[]> {
    const rows = await repo.pendingDigestNotifications(this.db, since);
    const byAccount = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = byAccount.get(r.account_id) ?? [];
      list.push(r);
      byAccount.set(r.account_id, list);
    }
    const out: { accountId: string; notificationIds: number[]; mail: Mail }[] = [];
    for (const [acc, list] of byAccount) {
      const mail = this.digestMail(list);
      if (mail) out.push({ accountId: acc, notificationIds: list.map((n) => Number(n.id)), mail });
    }
    return out;
  }

  private digestMail(list: readonly repo.DigestRow[]): Mail | undefined {
    const first = list[0];
    if (!first) return undefined;
    const lang = first.language;
    const lines = list.map((n) => digestLine(n, lang, this.publicUrl));
    const subject = {
      es: `Observatorio: ${list.length} novedades`, ca: `Observatori: ${list.length} novetats`, en: `Observatory: ${list.length} updates`,
    }[lang];
    const hello = { es: `Hola, ${first.display_name}:`, ca: `Hola, ${first.display_name}:`, en: `Hello ${first.display_name},` }[lang];
    const optOut = {
      es: `Para dejar de recibir este resumen, desmarca la casilla en ${this.publicUrl}/observatory/me`,
      ca: `Per a deixar de rebre este resum, desmarca la casella en ${this.publicUrl}/observatory/me`,
      en: `To stop receiving this digest, untick the box at ${this.publicUrl}/observatory/me`,
    }[lang];
    return {
      to: first.email, subject,
      text: `${hello}\n\n${lines.map((l) => `- ${l.text} ${l.url}`).join('\n')}\n\n${optOut}\n`,
      html: `<p>${escapeHtml(hello)}</p><ul>${lines.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.text)}</a></li>`).join('')}</ul><p>${escapeHtml(optOut)}</p>`,
    };
  }

  /**
   * Sends the digests through `mailer`; returns the number sent. Each account's notifications are claimed (marked
   * e-mailed in one UPDATE ... WHERE emailed_at IS NULL) before the mail goes out, so several instances running the
   * job at once never mail the same notification twice; a failed send releases the claim for the next run.
   */
  async sendDigests(mailer: Mailer, since: Date): Promise<number> {
    const digests = await this.buildDigests(since);
    let sent = 0;
    for (const d of digests) {
      const claimed = new Set(await repo.claimNotificationsForEmail(this.db, d.notificationIds, this.now()));
      if (claimed.size === 0) continue;
      const rows = (await repo.pendingDigestNotifications(this.db, since, { accountId: d.accountId, claimedIds: [...claimed] }));
      const mail = this.digestMail(rows);
      if (!mail) continue;
      try {
        await mailer.send(mail);
      } catch (err) {
        await repo.releaseEmailClaim(this.db, [...claimed]);
        throw err;
      }
      sent++;
    }
    return sent;
  }

  /**
   * The observatory's daily work: e-mail digests of what officers have not read, then the yearly review reminders.
   * Both are idempotent (claims and guards in the database), so every instance may run it.
   */
  async runDailyJobs(mailer: Mailer): Promise<{ digests: number; reminders: number }> {
    // Each part runs even if the other fails (a mail server down must not stop the reminders, nor the reverse).
    const [reminders, digests] = [
      await this.remindStaleProjects().then((n) => ({ n }), (err: unknown) => ({ err })),
      // A week back: a notification missed by a failed run is retried, and older news is stale for an e-mail.
      await this.sendDigests(mailer, new Date(this.now().getTime() - DIGEST_LOOKBACK_MS)).then((n) => ({ n }), (err: unknown) => ({ err })),
    ];
    if ('err' in reminders) throw reminders.err;
    if ('err' in digests) throw digests.err;
    return { digests: digests.n, reminders: reminders.n };
  }

  /** Runs `runDailyJobs` every `intervalMs` (first after `firstRunMs`); returns the function that stops it. */
  startDailyJobs(opts: { mailer: Mailer; intervalMs?: number; firstRunMs?: number; onError: (err: unknown) => void; recorder?: JobRecorder | undefined }): () => void {
    return startJob({
      name: 'observatory-daily',
      run: () => this.runDailyJobs(opts.mailer),
      firstRunMs: opts.firstRunMs ?? 60_000,
      intervalMs: opts.intervalMs ?? DAILY_JOB_INTERVAL_MS,
      onError: opts.onError,
      recorder: opts.recorder,
    });
  }
}

/** "@Elche.ES" -> "elche.es"; refuses what cannot be an e-mail domain. */
function normaliseDomain(domain: string): string {
  const d = domain.trim().replace(/^@/, '').toLowerCase();
  if (!/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d)) {
    throw new AppError('observatory.invalid_domain', { status: 422, params: { domain } });
  }
  return d;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function digestLine(n: repo.NotificationRow, lang: Language, base: string): { text: string; url: string } {
  const d = n.data;
  const title = typeof d.title === 'string' ? d.title : pickText((d.title ?? {}), lang).text || (typeof d.threadTitle === 'string' ? d.threadTitle : '');
  const url =
    n.subject_type === 'project' ? `${base}/observatory/projects/${typeof d.slug === 'string' ? d.slug : n.subject_id}`
    : n.subject_type === 'thread' ? `${base}/observatory/forum/t/${n.subject_id}`
    // Requests have no page of their own: the officer answers (or follows) them in the workspace.
    : n.subject_type === 'request' ? `${base}/observatory/me#requests`
    : `${base}/observatory`;
  const labels: Record<string, Record<Language, string>> = {
    mention: { es: 'Te han mencionado en', ca: 'T\'han mencionat en', en: 'You were mentioned in' },
    reply: { es: 'Nueva respuesta en', ca: 'Nova resposta en', en: 'New reply in' },
    project_thread: { es: 'Nuevo mensaje sobre tu proyecto', ca: 'Nou missatge sobre el teu projecte', en: 'New message about your project' },
    request: { es: 'Nueva solicitud sobre', ca: 'Nova sol·licitud sobre', en: 'New request about' },
    request_status: { es: 'Tu solicitud ha cambiado de estado:', ca: 'La teua sol·licitud ha canviat d\'estat:', en: 'Your request changed status:' },
    project_published: { es: 'Publicado:', ca: 'Publicat:', en: 'Published:' },
    project_rejected: { es: 'Devuelto para revisar:', ca: 'Retornat per a revisar:', en: 'Returned for changes:' },
    project_updated: { es: 'Se ha actualizado un proyecto que sigues:', ca: 'S\'ha actualitzat un projecte que segueixes:', en: 'A project you follow was updated:' },
    project_adopted: { es: 'Otro ayuntamiento ha reutilizado', ca: 'Un altre ajuntament ha reutilitzat', en: 'Another council reused' },
    review_reminder: { es: 'Revisa si sigue vigente:', ca: 'Revisa si continua vigent:', en: 'Please check it is still current:' },
    flag: { es: 'Mensaje denunciado en', ca: 'Missatge denunciat en', en: 'Post flagged in' },
  };
  const label = labels[n.kind]?.[lang] ?? n.kind;
  return { text: `${label} ${title}`.trim(), url };
}
