/**
 * The procedures kernel: what every procedure module (padrón, appointments, payments, filings) shares, below them
 * like db/ and jobs/. It knows no procedure: where a step comes from and the audit/event rows it leaves, the bridge
 * from a request, and the outboxes that mirror steps into a council's own systems.
 */
/** Where a procedure step comes from (channel, kiosk, language), and the audit and analytics rows it leaves. */
export { recordStep, recordEvent, citizenActor, systemActor, systemContext, type ProcedureContext, type Actor, type ActorType, type AuditStep } from './procedure-context.ts';
/** Request -> ProcedureContext, for routes (the only Fastify-aware part of the kernel). */
export { procedureContext } from './procedure-http.ts';
/** The sending half of an outbox (retry policy, lease, the three outcomes) and its operator's side. */
export { createOutboxSender, outboxOperations, outboxRetrySeconds, outboxError, isPermanentError, type OutboxEntry, type OutboxSpec, type OutboxOperations } from './outbox.ts';
/** The table half of an outbox of the shared shape: outcome writer, backlog, refused rows, requeue (SQL lives in db/). */
export { outboxTable, type OutboxOutcome, type OutboxBacklogRow, type FailedOutboxRow } from '../db/outbox.ts';
/** Staff routes over the outboxes: deliveries refused for good, and sending one again. */
export { exportsRoutes } from './exports.routes.ts';
export { ZOutboxNameEnum, type OutboxName, type FailedExport } from './exports.schemas.ts';
