/** The observatory of local digital transformation: what other domains (forum, CLI, jobs, app) may use. */
/** The service (gazetteer, accounts, projects, documentation files, search, reuse, notifications, digests), its file limits and actor/mailer types. */
export { ObservatoryService } from './observatory.service.ts';
/** Who is acting, and the actor of a stored account. */
export { actorFor, type ObsActor } from './observatory.policy.ts';
/** The account view of a stored account. */
export { toAccount } from './observatory.presenters.ts';
/** Search defaults (km), the yearly review interval, the files' limits. */
export { DEFAULT_NEAR_KM, DEFAULT_LIKE_MIN_KM } from './project-search.service.ts';
export { REVIEW_INTERVAL_DAYS } from './observatory.jobs.ts';
export { PROJECT_FILE_LIMITS } from './project-files.service.ts';
/** The mailer port, the service's dependencies and the project-change event the forum listens to. */
export type { Mailer, Mail, ObservatoryDeps, ProjectChangedEvent, ProjectChangedListener } from './observatory.types.ts';
/** Idempotent seed of the gazetteer, the Smart City 2.0 portfolio and the demo projects. */
export { seedObservatory, type SeedReport } from './observatory.seed.ts';
/** `ventanilla observatory import-cases <csv>`: the JRC IPS-X importer (idempotent by case id). */
export { importIpsCases, parseCsv, JRC_ATTRIBUTION, type ImportReport } from './observatory.importer.ts';
/** Text fallback, population bands and the haversine distance, shared with the web app. */
export { pickText, populationBand, haversineKm } from './observatory.text.ts';
/** Schemas and enums (areas, types, phases, bands, roles) for routes and pages. */
export * from './observatory.schemas.ts';
/** The Fastify plugin and module factory for the composition root. */
export { createObservatoryModule, type ObservatoryModuleDeps } from './observatory.module.ts';
/** The observatory sign-in cookie helpers (reused by the forum's routes). */
export { readObsActor, startObsSession, endObsSession, OBS_COOKIE, OBS_CSRF_HEADER, type ObsSessionOptions } from './observatory.session.ts';
/** Demo officers with known passwords (only when DEMO_DATA is on). */
export { seedDemoOfficers } from './observatory.demo.ts';
