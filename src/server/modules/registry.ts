/**
 * The composition root: builds each domain's repository and service with explicit dependencies
 * and registers its routes. Add a module here with one block.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { createMailer } from '../mail/index.ts';
import { jobRecorderFor, registerOutboxGauges } from '../plugins/metrics.ts';
import { widgetCorsPlugin } from '../plugins/widget-cors.ts';
import type { Bus } from '../bus/bus.ts';
import type { Db } from '../db/db.ts';
import { createAssistantModule, padronCertificatesPort } from './assistant/index.ts';
import { createHandoffModule } from './handoff/index.ts';
import { createPrivacyModule, registerProviders, RETENTION_INTERVAL_MS } from './privacy/index.ts';
import { createKnowledgeModule } from './knowledge/index.ts';
import { createCertificatesModule, sealSourceFromEnv } from './certificates/index.ts';
import { createModerationModule } from './moderation/index.ts';
import { createIdentityModule, sessionPlugin } from './identity/index.ts';
import { createAnalyticsModule } from './analytics/index.ts';
import { createKiosksRoutes, createKiosksService, kioskPlugin } from './kiosks/index.ts';
import { createNluModule } from './nlu/index.ts';
import { createObservatoryModule } from './observatory/index.ts';
import { createForumModule } from './forum/index.ts';
import { createProcedureModules } from './procedures.composition.ts';
import { createFileStorage } from './storage/index.ts';
import { startJob } from '../jobs/index.ts';
import { SpeechService, speechRoutes } from './speech/index.ts';
import { systemRoutes } from './system/index.ts';
import { tenantsRoutes, type LoadedTenant, type TenantRegistry } from './tenants/index.ts';

export interface ModuleDeps {
  config: Config;
  db: Db;
  /** Pub/sub between instances (Redis or LISTEN/NOTIFY) for live features. */
  bus: Bus;
  tenants: TenantRegistry;
  loadedTenants: readonly LoadedTenant[];
}

export async function registerModules(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  // Kiosk identification first (sign-ins record the kiosk), then identity: its session plugin sets
  // req.auth and checks CSRF for every module registered after it.
  // The embeddable widget calls the assistant from the council's own websites (issue 6).
  await app.register(widgetCorsPlugin, { publicUrl: deps.config.PUBLIC_URL });
  const kiosks = createKiosksService(deps.db);
  await app.register(kioskPlugin, { kiosks });
  const identity = createIdentityModule({ db: deps.db, config: deps.config });
  await app.register(sessionPlugin, identity.session);
  await app.register(identity.routes);
  await app.register(systemRoutes(deps.db));
  await app.register(tenantsRoutes(deps.tenants));
  await app.register(createKiosksRoutes({ kiosks, identity: identity.service, isHttpsOnly: deps.config.isHttpsOnly }));
  await app.register(speechRoutes(new SpeechService()));
  await app.register(createAnalyticsModule(deps.db).routes);
  const certificates = createCertificatesModule({
    db: deps.db,
    tenants: deps.tenants,
    publicUrl: deps.config.PUBLIC_URL,
    dataDir: deps.config.dataDir,
    sealSourceFor: (tenantId) => sealSourceFromEnv(deps.config.sealEnv, tenantId),
  });
  await app.register(certificates.routes);
  // One mailer for the whole app (SMTP_URL, else .eml files in DATA_DIR/outbox): procedures' receipts and reminders,
  // the observatory's verification e-mails and digests.
  const mailer = createMailer({ smtpUrl: deps.config.SMTP_URL, from: deps.config.MAIL_FROM, outboxDir: path.join(deps.config.dataDir, 'outbox') });
  app.addHook('onClose', async () => mailer.close());
  // Procedures (issue 5): padrón certificates, appointments, payments, filings over the embedded registers.
  // Background jobs record their runs on /metrics; the outboxes' backlog is read at each scrape.
  const jobRecorder = jobRecorderFor(app.metrics);
  const procedures = createProcedureModules({ db: deps.db, tenants: deps.tenants, config: deps.config, certificates: certificates.service, mailer, log: app.log, jobRecorder });
  registerOutboxGauges(app.metrics, procedures.exportBacklogs);
  await procedures.register(app);
  app.addHook('onClose', async () => procedures.close());
  // Knowledge (issue 4): Q&A from the councils' websites; the assistant's question turns use knowledge.ask.
  const knowledge = createKnowledgeModule({ db: deps.db, tenants: deps.tenants });
  await app.register(knowledge.routes);
  const recrawls = knowledge.service.scheduleRecrawls(deps.tenants.list(), (err) => app.log.error({ err }, 'scheduled recrawl failed'));
  app.addHook('onClose', async () => recrawls.stop());
  const nlu = createNluModule({ db: deps.db, tenants: deps.tenants });
  await app.register(nlu.routes);
  // Assistant (issue 3): conversations over the NLU, carrying out the procedures through the same service instances
  // the forms use (all of them are required; a council's profile chooses which it offers).
  // Hand-off inbox (issue 7): its port queues the assistant's requests; it answers through the assistant (late-bound).
  const handoff = createHandoffModule({ db: deps.db, bus: deps.bus, tenants: deps.tenants, conversations: () => assistant.service, sessions: identity.service });
  const assistant = createAssistantModule({
    handoff: handoff.service.port(),
    ask: knowledge.ask,
    db: deps.db,
    tenants: deps.tenants,
    nlu: nlu.service,
    moderation: createModerationModule().port,
    isHttpsOnly: deps.config.isHttpsOnly,
    procedures: {
      appointments: procedures.appointments,
      payments: procedures.payments,
      filings: procedures.filings,
      padronCertificates: padronCertificatesPort(procedures.padron),
    },
  });
  await app.register(assistant.routes);
  app.addHook('onClose', async () => assistant.service.close());
  await app.register(handoff.routes);
  // Data protection (issue 7): transcript retention job per council, a citizen's export and erasure.
  const privacy = createPrivacyModule({ db: deps.db, tenants: deps.tenants, handoff: handoff.repository, extraProviders: registerProviders(procedures) });
  await app.register(privacy.routes);
  if (deps.config.NODE_ENV !== 'test') {
    const stopRetention = privacy.service.startRetentionJob({ intervalMs: RETENTION_INTERVAL_MS, firstRunMs: 60_000, onError: (err) => app.log.error({ err }, 'retention job failed'), recorder: jobRecorder });
    app.addHook('onClose', async () => stopRetention());
  }
  // Observatory + forum (issue 8): global, cross-council; officers sign in with their own cookie (vt_obs).
  const obsSession = { secret: deps.config.SESSION_SECRET, isHttpsOnly: deps.config.isHttpsOnly };
  // Verification e-mails through the app's mailer.
  const obsMail = { send: (m: { to: string; subject: string; text: string }) => mailer.send({ to: m.to, subject: m.subject, text: m.text }).then(() => undefined) };
  // Project documentation files: DATA_DIR/files/_observatory, or the S3 bucket under the "observatory" prefix.
  const obsStorage = createFileStorage(deps.config, 'observatory');
  app.addHook('onClose', async () => obsStorage.close?.());
  const observatory = createObservatoryModule({
    db: deps.db, session: obsSession, storage: obsStorage, publicUrl: deps.config.PUBLIC_URL,
    mailer: obsMail,
    onError: (err, what) => app.log.error({ err }, what),
  });
  await app.register(observatory.routes);
  if (deps.config.NODE_ENV !== 'test') {
    // Daily digests and yearly review reminders; both are idempotent, so every instance may run them.
    const stopObsJobs = observatory.service.startDailyJobs({
      firstRunMs: 60_000,
      mailer: obsMail,
      onError: (err) => app.log.error({ err }, 'observatory daily jobs failed'),
      recorder: jobRecorder,
    });
    app.addHook('onClose', async () => stopObsJobs());
    // Files of filings and of observatory projects whose record never committed (a crash or lost connection between
    // writing them and the commit) or whose removal did not finish, and stale temporary files of both stores: at
    // start-up, then every 15 minutes. Claimed rows: any instance may run it. Each area knows whether its records exist.
    const stopFileReconciler = startJob({
      name: 'pending-files',
      firstRunMs: 5_000,
      intervalMs: 15 * 60_000,
      recorder: jobRecorder,
      onError: (err) => app.log.error({ err }, 'pending files reconciler failed'),
      async run() {
        // One area failing (its store is down) does not keep the other from being reconciled.
        const areas = [['filings', () => procedures.filings.reconcileFiles()], ['observatory', () => observatory.service.reconcileFiles()]] as const;
        let failure: unknown;
        for (const [area, reconcile] of areas) {
          try {
            const done = await reconcile();
            if (done.deleted.length + done.tempSwept.length > 0) app.log.warn({ area, deleted: done.deleted, tempSwept: done.tempSwept }, 'pending files reconciled');
          } catch (err) {
            failure ??= err;
          }
        }
        if (failure !== undefined) throw failure;
      },
    });
    app.addHook('onClose', async () => stopFileReconciler());
  }
  await app.register(createForumModule({ db: deps.db, observatory: observatory.service, session: obsSession }).routes);
}
