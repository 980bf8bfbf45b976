/** The assistant: conversations, the dialog manager, structured replies, hand-off requests, mentored learning. */
import type { Db } from '../../db/db.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { createDbHandoffPort } from './assistant.repository.ts';
import type { AskPort, HandoffPort, ModerationPort, NluPort, PadronCertificatesPort, ProcedurePorts } from './assistant.ports.ts';
import { assistantRoutes } from './assistant.routes.ts';
import { AssistantService, type NluTrainerPort } from './assistant.service.ts';

/** The service (start, message, transcript, subscribe, addStaffMessage, setStatus, review/label/retrain). */
export { AssistantService, TURNS_CHANNEL, type NluTrainerPort, type Requester, type TranscriptTurn, type ReviewItem } from './assistant.service.ts';
/** The ports the assistant codes against (replies, NLU, moderation, Q&A, hand-off, procedures). */
export type * from './assistant.ports.ts';
/** The default hand-off port (a queued row in handoff_requests); the staff inbox builds on it. */
export { createDbHandoffPort } from './assistant.repository.ts';
/** The owner cookie and header of a conversation. */
export { CONVERSATION_COOKIE, CONVERSATION_TOKEN_HEADER } from './assistant.routes.ts';

/** Adapts the padrón service (createPadronService) to the assistant's certificate port. */
export function padronCertificatesPort(padron: {
  issueCertificate(tenantId: string, dni: string, input: { kind: 'individual' | 'collective'; language?: 'es' | 'ca' | 'en' | undefined }, ctx: import('./assistant.ports.ts').ProcedureCtx): Promise<{ code: string; displayCode: string; verifyUrl: string; pdfPath: string }>;
}): PadronCertificatesPort {
  return {
    async issue(tenantId, dni, kind, ctx) {
      const c = await padron.issueCertificate(tenantId, dni, { kind, language: ctx.lang }, ctx);
      return { code: c.code, displayCode: c.displayCode, verifyUrl: c.verifyUrl, pdfUrl: c.pdfPath };
    },
  };
}

/** Builds the assistant for the registry: moderation and every procedure service are required. */
export function createAssistantModule(deps: {
  db: Db;
  tenants: TenantRegistry;
  nlu: NluPort & NluTrainerPort;
  isHttpsOnly: boolean;
  moderation: ModerationPort;
  ask?: AskPort | undefined;
  handoff?: HandoffPort | undefined;
  procedures: ProcedurePorts;
}) {
  const service = new AssistantService({
    db: deps.db,
    tenants: deps.tenants,
    nlu: deps.nlu,
    moderation: deps.moderation,
    ask: deps.ask,
    handoff: deps.handoff ?? createDbHandoffPort(deps.db),
    procedures: deps.procedures,
  });
  return { service, routes: assistantRoutes(service, { isHttpsOnly: deps.isHttpsOnly }) };
}
/** Data protection (retention job, a citizen's export and erasure) over conversations; used by the privacy module. */
export { deleteConversationsBefore, exportConversationsForDni, eraseConversationsForDni, type ConversationExport } from './assistant-privacy.repository.ts';
