/** The bridge from a request to a ProcedureContext: used by every procedure's routes (HTTP side only). */
import type { FastifyRequest } from 'fastify';
import type { ProcedureContext } from './procedure-context.ts';

export function procedureContext(req: FastifyRequest): ProcedureContext {
  return { channel: req.channel, kioskId: req.kioskId, lang: req.lang, requestId: req.id };
}
