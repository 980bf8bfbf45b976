/**
 * Who may do what in the observatory: the actor, the account guard, owner/editor checks, project visibility and
 * the redaction of personal fields in a project's history. Services call these; routes never decide.
 */
import type { Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import type { AccountRow } from './accounts.repository.ts';
import type { HistoryEntry, ObsRole } from './observatory.schemas.ts';
import { findProject, type ProjectRow } from './projects.repository.ts';

/** Who is acting: a signed-in officer, or the system (seeds, importers, jobs, CLI). */
export type ObsActor =
  | { kind: 'account'; id: string; role: ObsRole; ine5: string | null; isVerified: boolean }
  | { kind: 'system' };

/** The actor for a stored account (what a session resolves to). */
export function actorFor(r: AccountRow): ObsActor {
  return { kind: 'account', id: r.id, role: r.role, ine5: r.ine5, isVerified: r.email_verified_at !== null };
}

/** The actor, or 401 when signed out and 403 when the e-mail is not verified yet. */
export function requireAccount(actor: ObsActor | undefined): ObsActor {
  if (!actor) throw new AppError('observatory.sign_in_required');
  if (actor.kind === 'account' && !actor.isVerified) throw new AppError('observatory.email_not_verified');
  return actor;
}

/** Seeds, importers, jobs and the CLI only (roles, domains, signing someone out). */
export function requireSystem(actor: ObsActor): void {
  if (actor.kind !== 'system') throw new AppError('observatory.forbidden');
}

export const isEditor = (a: ObsActor | undefined): boolean => a?.kind === 'system' || (a?.kind === 'account' && a.role === 'editor');
export const isOwner = (a: ObsActor | undefined, p: { owner_account_id: string | null }): boolean =>
  a?.kind === 'account' && p.owner_account_id !== null && p.owner_account_id === a.id;
/** The acting account's id (null for the system), as stored in owner and history columns. */
export const accountId = (a: ObsActor | undefined): string | null => (a?.kind === 'account' ? a.id : null);

/** Published records are public; drafts and submitted ones only for their owner and editors. */
export function canSee(actor: ObsActor | undefined, p: ProjectRow): boolean {
  return p.status === 'published' || isOwner(actor, p) || isEditor(actor);
}

/**
 * The project as `actor` may see it. Unknown, or a draft/submitted record the actor cannot see, is
 * `project_not_found` (404), so nobody can tell whether someone else's draft exists.
 */
export async function requireVisibleProject(q: Queryable, actor: ObsActor | undefined, idOrSlug: string): Promise<ProjectRow> {
  const p = await findProject(q, idOrSlug);
  if (!p || !canSee(actor, p)) throw new AppError('observatory.project_not_found');
  return p;
}

/** A visible project the actor may change (owner or editor, 403 otherwise) and that is not archived (409). */
export async function requireEditableProject(q: Queryable, actor: ObsActor, idOrSlug: string): Promise<ProjectRow> {
  const p = await requireVisibleProject(q, actor, idOrSlug);
  if (!isOwner(actor, p) && !isEditor(actor)) throw new AppError('observatory.forbidden');
  if (p.status === 'archived') throw new AppError('observatory.invalid_transition', { params: { from: p.status, to: p.status } });
  return p;
}

/** History fields holding personal data (names, e-mails, phones): values only for the record's owner and editors. */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set(['contacts']);

/**
 * Contacts are people's names, e-mails and phones: a contact removed from the record must not stay readable in its
 * history. Readers other than the owner and editors learn only that the contacts changed.
 */
export function redactHistoryChanges(actor: ObsActor | undefined, p: ProjectRow, changes: HistoryEntry['changes']): HistoryEntry['changes'] {
  if (isOwner(actor, p) || isEditor(actor)) return changes;
  return Object.fromEntries(Object.entries(changes).map(([field, change]) =>
    PERSONAL_FIELDS.has(field) ? [field, { before: null, after: null, redacted: true as const }] : [field, change]));
}
