/** What the observatory's services share: their dependencies, the mailer port and the project-change event. */
import type { Db, Queryable } from '../../db/db.ts';
import type { FileStorage, UploadLimits } from '../storage/index.ts';
import type { Text } from './observatory.schemas.ts';

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

/** ObservatoryDeps with the defaults filled in: what every part of the observatory is built with. */
export interface ObsContext {
  db: Db;
  now: () => Date;
  /** Without a trailing slash. */
  publicUrl: string;
  storage: FileStorage | undefined;
  onError: (err: unknown, what: string) => void;
}

export function obsContext(deps: ObservatoryDeps): ObsContext {
  return {
    db: deps.db,
    now: deps.now ?? (() => new Date()),
    publicUrl: (deps.publicUrl ?? 'http://localhost:3000').replace(/\/$/, ''),
    storage: deps.storage,
    onError: deps.onError ?? (() => undefined),
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
