/** The audit log (issue 5 item 7, issue 7 item 1): who, what, when, channel, kiosk — one helper for every module. */
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/db.ts';
import type { Channel } from '../../http-types.ts';
import { IdentityRepository } from './identity.repository.ts';

/** Who acts and from where; build it from a request with `auditActor(req)`, or by hand in jobs and the CLI. */
export interface AuditActor {
  tenantId: string;
  actorType: 'citizen' | 'staff' | 'system' | 'anonymous';
  actorId?: string | undefined;
  channel: Channel;
  kioskId?: string | undefined;
  requestId?: string | undefined;
}

export interface AuditRecord {
  /** "<domain>.<verb>", e.g. "certificates.issued", "handoff.accepted". */
  action: string;
  subjectType?: string;
  subjectId?: string;
  /** No secrets, no PINs; personal data only when the action needs it to be understood. */
  details?: Record<string, unknown>;
}

/** The actor of a request: the signed-in citizen or staff member, else anonymous, with channel and kiosk. */
export function auditActor(req: FastifyRequest): AuditActor {
  const auth = req.auth;
  const tenantId = auth?.tenantId ?? req.requireTenant().id;
  return {
    tenantId,
    actorType: auth ? auth.kind : 'anonymous',
    actorId: auth ? (auth.kind === 'citizen' ? auth.dni : auth.staffId) : undefined,
    channel: req.channel,
    kioskId: req.kioskId,
    requestId: req.id,
  };
}

/** Writes one audit entry; pass the transaction's `tx` so the entry commits or rolls back with the work. */
export async function audit(q: Queryable, actor: AuditActor, record: AuditRecord): Promise<void> {
  await new IdentityRepository(q).insertAudit({ ...actor, ...record });
}
