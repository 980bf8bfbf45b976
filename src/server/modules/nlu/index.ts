/** Natural-language understanding: language identification, intents with alternatives, entities. */
import type { Db } from '../../db/db.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { NluRepository } from './nlu.repository.ts';
import { nluRoutes } from './nlu.routes.ts';
import { NluService } from './nlu.service.ts';

/** The service (used by the assistant, the kiosk and the CLI) and its routes. */
export function createNluModule(deps: { db: Db; tenants: TenantRegistry }) {
  const service = new NluService({ repository: new NluRepository(deps.db), tenants: deps.tenants });
  return { service, routes: nluRoutes(service) };
}
/** The NLU service class; `parse` is synchronous and needs no database. */
export { NluService, LANGUAGE_CONFIDENCE_THRESHOLD } from './nlu.service.ts';
/** Shapes returned by the service. */
export type { ParseInput, ParseResult, TrainResult, EvaluationSummary } from './nlu.service.ts';
/** Entity shape and types. */
export type { Entity, EntityType } from './nlu.entities.ts';
/** The built-in intent catalogue. */
export { BUILTIN_INTENTS, type BuiltinIntent } from './nlu.training-data.ts';
/** Text normalisation shared with moderation and Q&A (lowercase, no accents, SMS spellings). */
export { normalizeText, foldText, tokenize } from './nlu.normalize.ts';
/** A small deterministic PRNG (mulberry32): seeded shuffles and the seeded fuzz. */
export { seededRandom } from './nlu.classifier.ts';
/** Zod schemas of the parse API. */
export { ZParseRequestSchema, ZParseResponseSchema } from './nlu.schemas.ts';
/** CLI-callable functions: parse, train, eval. */
export { nluCliParse, nluCliTrain, nluCliEval, formatEvaluation } from './nlu.cli.ts';
