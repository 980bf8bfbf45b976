/**
 * What every procedure step knows about where it comes from, and the audit row it leaves.
 * Free of Fastify: the routes, the assistant, the kiosk and jobs all build a ProcedureContext.
 */
import type { Queryable } from '../db/db.ts';
import type { Channel } from '../http-types.ts';
import { recordAnalyticsEvent } from '../modules/analytics/index.ts';
import { audit } from '../modules/identity/index.ts';
import type { Language } from '../../shared/languages.ts';

export interface ProcedureContext {
  channel: Channel;
  /** The registered kiosk the request came from, if any. */
  kioskId?: string | undefined;
  lang: Language;
  requestId?: string | undefined;
}

export type ActorType = 'citizen' | 'staff' | 'system' | 'anonymous';

export interface Actor {
  type: ActorType;
  /** DNI for citizens, staff id for staff. */
  id: string | undefined;
}

/** A citizen actor: the DNI is the key every register uses. */
export const citizenActor = (dni: string): Actor => ({ type: 'citizen', id: dni });
export const systemActor: Actor = { type: 'system', id: undefined };

/** A context for jobs and the CLI. */
export const systemContext = (lang: Language = 'es'): ProcedureContext => ({ channel: 'system', lang });

export interface AuditStep {
  action: string;
  subjectType?: string;
  subjectId?: string;
  /** Never personal data beyond ids: the audit log is read by staff. */
  details?: Record<string, unknown>;
}

/**
 * Writes one audit_log row (who, what, when, channel, kiosk). Called with the transaction's `tx`
 * so that a step and its audit row commit or roll back together.
 */
export async function recordStep(q: Queryable, tenantId: string, actor: Actor, ctx: ProcedureContext, step: AuditStep): Promise<void> {
  // One writer of audit_log for the whole app: the identity module's.
  await audit(q, { tenantId, actorType: actor.type, actorId: actor.id, channel: ctx.channel, kioskId: ctx.kioskId, requestId: ctx.requestId }, step);
}

/** Writes one analytics event row (the staff figures are computed from these), through the analytics module that owns `events`. */
export async function recordEvent(
  q: Queryable,
  tenantId: string,
  ctx: ProcedureContext,
  type: string,
  extra: { amountCents?: number; data?: Record<string, unknown> } = {},
): Promise<void> {
  await recordAnalyticsEvent(q, { tenantId, type, language: ctx.lang, channel: ctx.channel, kioskId: ctx.kioskId, amountCents: extra.amountCents, data: extra.data });
}

