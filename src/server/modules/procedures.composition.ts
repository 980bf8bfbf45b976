/**
 * The procedures' part of the composition root: builds the procedure modules (padrón, appointments, payments,
 * filings) with their connectors and gateways, their jobs and routes. Called only from registry.ts (and from tests
 * that start the procedures as the server does); one place to swap the embedded registers for a council's own.
 */
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { startJob, type JobRecorder } from '../jobs/index.ts';
import { createHttpSmsSender, createMailer, type Mailer, type SmsSender } from '../mail/index.ts';
import { exportsRoutes, type OutboxBacklogRow } from '../procedures/index.ts';
import { appointmentExportOperations, createAppointmentsModule, type AppointmentsService } from './appointments/index.ts';
import type { CertificatesService } from './certificates/index.ts';
import {
  createConfiguredAppointmentCalendars,
  createConfiguredFilingsRegistries,
  createConfiguredPadronConnector,
  createConfiguredTaxConnectors,
  type ConfiguredPadron,
  type PadronConnector,
} from './connectors/index.ts';
import { createFilingsModule, filingExportOperations, type FilingsService } from './filings/index.ts';
import { createEmbeddedPadronConnector, createPadronModule, padronNames, type PadronService } from './padron/index.ts';
import { createConfiguredGateways, SandboxGateway, sandboxGatewayRoutes, type PaymentGateway } from './payments/gateway/index.ts';
import { createPaymentsModule, paymentExportOperations, registerRefundMetrics, type PaymentsService } from './payments/index.ts';
import { createFileStorage, type FileStorage } from './storage/index.ts';
import type { TenantRegistry } from './tenants/index.ts';

export interface ProcedureModulesDeps {
  db: Db;
  tenants: TenantRegistry;
  config: Pick<Config, 'PUBLIC_URL' | 'SESSION_SECRET' | 'SMTP_URL' | 'MAIL_FROM' | 'SMS_URL' | 'SMS_TOKEN' | 'SMS_FROM' | 'dataDir' | 'NODE_ENV' | 'connectorEnv' | 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_PREFIX' | 'S3_FORCE_PATH_STYLE'> & Partial<Pick<Config, 'ALLOW_SANDBOX_PAYMENTS'>>;
  certificates: CertificatesService;
  log: FastifyBaseLogger;
  /** Overrides: another register, mailer, storage or extra gateways for councils on the sandbox (profiles name Redsys themselves). */
  padronConnector?: PadronConnector;
  /** The app's one mailer (registry.ts shares it with the observatory); a caller that hands it in closes it. */
  mailer?: Mailer;
  /** Replaces the SMS_URL sender (or turns SMS on without it). */
  sms?: SmsSender;
  storage?: FileStorage;
  gateways?: Record<string, PaymentGateway>;
  defaultGateway?: string;
  /** Minutes between reminder runs (appointments 24 h ahead, payment periods); 0 turns the jobs off. Off under NODE_ENV=test. */
  jobIntervalMinutes?: number;
  /** Where the background job's runs are recorded (the /metrics registry). */
  jobRecorder?: JobRecorder | undefined;
}

export interface ProcedureModules {
  padron: PadronService;
  appointments: AppointmentsService;
  payments: PaymentsService;
  filings: FilingsService;
  /** Each outbox's rows still to deliver or refused, for the /metrics gauges. */
  exportBacklogs: Record<'payments' | 'filings' | 'appointments', () => Promise<OutboxBacklogRow[]>>;
  /** Registers every route plugin of the procedures (and the sandbox gateway's page). */
  register(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

/** The tenant in a notification URL we built ourselves: `${PUBLIC_URL}/t/<tenant>/api/v1/payments/notifications/<gw>`. */
function tenantOfNotifyUrl(url: string): string | undefined {
  return /\/t\/([a-z0-9][a-z0-9-]{0,62})\/api\/v1\/payments\/notifications\//.exec(url)?.[1];
}

export function createProcedureModules(deps: ProcedureModulesDeps): ProcedureModules {
  const isOwnMailer = deps.mailer === undefined;
  const mailer = deps.mailer ?? createMailer({ smtpUrl: deps.config.SMTP_URL, from: deps.config.MAIL_FROM, outboxDir: path.join(deps.config.dataDir, 'outbox') });
  // Off unless SMS_URL is set: reminders then go by e-mail only.
  const sms = deps.sms ?? (deps.config.SMS_URL ? createHttpSmsSender({ url: deps.config.SMS_URL, token: deps.config.SMS_TOKEN, from: deps.config.SMS_FROM }) : undefined);
  const onError = (err: unknown, what: string) => deps.log.error({ err }, `procedures: ${what} failed`);
  // Each council's profile chooses its padrón (embedded, REST or RPA); a connector handed in overrides them all.
  let configured: ConfiguredPadron | undefined;
  const connector = deps.padronConnector ?? (configured = createConfiguredPadronConnector(createEmbeddedPadronConnector(deps.db), deps.tenants.list(), deps.config.connectorEnv));
  const padron = createPadronModule({ db: deps.db, tenants: deps.tenants, connector, certificates: deps.certificates });
  // Councils whose calendar or queue system is another system (connectors.appointments: rest); a missing token stops the start.
  const calendarFor = createConfiguredAppointmentCalendars(deps.tenants.list(), deps.config.connectorEnv);
  const appointments = createAppointmentsModule({ db: deps.db, tenants: deps.tenants, mailer, onMailError: (err) => onError(err, 'appointment e-mail'), calendarFor, onError });

  // The sandbox hands its notification straight to the payments service (same process): no loopback HTTP request.
  const late: { payments?: PaymentsService } = {};
  const sandbox = new SandboxGateway({
    secret: deps.config.SESSION_SECRET,
    publicUrl: deps.config.PUBLIC_URL,
    deliver: async (notifyUrl, fields) => {
      const tenantId = tenantOfNotifyUrl(notifyUrl);
      if (!tenantId || !late.payments) throw new Error(`sandbox: cannot route notification to ${notifyUrl}`);
      await late.payments.handleNotification(tenantId, 'sandbox', fields);
    },
  });
  const taxConnectorFor = createConfiguredTaxConnectors(deps.tenants.list(), deps.config.connectorEnv);
  // Each council's profile names its card gateway (payments.gateway); a missing merchant secret stops the start.
  const tenantGateway = createConfiguredGateways(deps.tenants.list(), deps.config.connectorEnv, {
    isSandboxAllowed: deps.config.NODE_ENV !== 'production' || deps.config.ALLOW_SANDBOX_PAYMENTS === true,
  });
  const paymentsModule = createPaymentsModule({
    taxConnectorFor,
    tenantGateway,
    db: deps.db,
    tenants: deps.tenants,
    gateways: { sandbox, ...deps.gateways },
    defaultGateway: deps.defaultGateway ?? 'sandbox',
    publicUrl: deps.config.PUBLIC_URL,
    receipts: deps.certificates,
    mailer,
    ...(sms ? { sms } : {}),
    onError,
  });
  // Councils whose official registry is another system (connectors.filings: rest); a missing token stops the start.
  const registryFor = createConfiguredFilingsRegistries(deps.tenants.list(), deps.config.connectorEnv);
  const storage = deps.storage ?? createFileStorage(deps.config, 'filings');
  const filings = createFilingsModule({
    db: deps.db,
    tenants: deps.tenants,
    storage,
    receipts: deps.certificates,
    onError,
    registryFor,
    applicants: padronNames(deps.db),
  });
  late.payments = paymentsModule.service;
  // What operators see of the registry, calendar and tax-system outboxes: the staff routes and the /metrics gauges share them.
  const outboxes = { filings: filingExportOperations(deps.db), appointments: appointmentExportOperations(deps.db), payments: paymentExportOperations(deps.db) };
  return {
    padron: padron.service,
    appointments: appointments.service,
    payments: paymentsModule.service,
    filings: filings.service,
    exportBacklogs: {
      payments: () => paymentsModule.service.exportBacklog(),
      filings: () => outboxes.filings.backlog(),
      appointments: () => outboxes.appointments.backlog(),
    },
    async register(app) {
      const minutes = deps.jobIntervalMinutes ?? (deps.config.NODE_ENV === 'test' ? 0 : 15);
      if (minutes > 0) {
        // Each part apart, so a mail server or tax system that is down holds nothing else back; all are idempotent
        // (claimed rows), so several instances running them at once send nothing twice.
        const parts: [string, () => Promise<number>, string][] = [
          ['reminders', async () => (await appointments.service.sendReminders()) + (await paymentsModule.service.sendReminders()), 'reminders sent'],
          // Payments the tax systems have not acknowledged yet (down, or this process died before sending).
          ['payment exports', () => paymentsModule.service.deliverPaymentExports(), 'payments recorded in tax systems'],
          // Refunds a gateway could not take yet (down when the case opened, or this process died before sending).
          ['payment refunds', () => paymentsModule.service.deliverRefunds(), 'refunds sent to payment gateways'],
          ['filing exports', () => filings.service.deliverFilingExports(), 'filings delivered to council registries'],
          ['appointment exports', () => appointments.service.deliverAppointmentExports(), 'appointment events delivered to council calendars'],
        ];
        const stop = startJob({
          name: 'procedures',
          firstRunMs: minutes * 60_000,
          intervalMs: minutes * 60_000,
          recorder: deps.jobRecorder,
          onError: (err) => onError(err, 'job'),
          async run() {
            const failures: unknown[] = [];
            for (const [what, part, done] of parts) {
              try {
                const n = await part();
                if (n > 0) deps.log.info({ n }, `procedures: ${done}`);
              } catch (err) {
                onError(err, what);
                failures.push(err);
              }
            }
            if (failures.length) throw new AggregateError(failures, `${failures.length} of ${parts.length} parts failed`);
          },
        });
        app.addHook('onClose', async () => stop());
      }
      await app.register(padron.routes);
      await app.register(appointments.routes);
      // Refund cases (HIGH-1) on /metrics, read at each scrape.
      if (app.hasDecorator('metrics')) registerRefundMetrics(app.metrics, () => paymentsModule.service.refundCounts());
      await app.register(paymentsModule.routes);
      await app.register(sandboxGatewayRoutes(sandbox));
      await app.register(filings.routes);
      await app.register(
        exportsRoutes(outboxes, {
          filings: () => filings.service.deliverFilingExports(),
          appointments: () => appointments.service.deliverAppointmentExports(),
          payments: () => paymentsModule.service.deliverPaymentExports(),
        }),
      );
    },
    close: async () => {
      // A mailer handed in belongs to the caller (registry.ts), who closes it.
      if (isOwnMailer) mailer.close();
      await configured?.close();
      // A storage handed in belongs to the caller, who closes it.
      if (!deps.storage) storage.close?.();
    },
  };
}
