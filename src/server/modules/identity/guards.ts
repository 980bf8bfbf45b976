/** Guards other modules call at the top of a handler: the typed signed-in person, or 401/403. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import type { CitizenAuth, StaffAuth, StaffRole } from '../../http-types.ts';

/**
 * The session's council must be the request's council: a session from one council is never valid on
 * another (the body may name the council after the session was read, so this is checked again here).
 */
function sameCouncil(req: FastifyRequest, tenantId: string): boolean {
  return !req.tenant || req.tenant.id === tenantId;
}

/** The signed-in citizen, or 401 `common.unauthorized`. */
export function requireCitizen(req: FastifyRequest): CitizenAuth {
  const auth = req.auth;
  if (!auth || auth.kind !== 'citizen' || !sameCouncil(req, auth.tenantId)) throw new AppError('common.unauthorized');
  return auth;
}

/**
 * The signed-in staff member holding at least one of `roles` (any role when none is given), else 401
 * (not signed in as staff) or 403 (signed in, wrong role). `admin` passes every role check.
 */
export function requireStaff(req: FastifyRequest, ...roles: StaffRole[]): StaffAuth {
  const auth = req.auth;
  if (!auth || auth.kind !== 'staff' || !sameCouncil(req, auth.tenantId)) throw new AppError('common.unauthorized');
  if (roles.length === 0 || auth.roles.includes('admin') || roles.some((r) => auth.roles.includes(r))) return auth;
  throw new AppError('common.forbidden');
}
