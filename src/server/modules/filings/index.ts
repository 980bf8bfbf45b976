/** Generic filing: gapless registry numbers, attachments all-or-nothing, signed receipts, status history. */
import type { Db } from '../../db/db.ts';
import type { TenantRegistry } from '../tenants/index.ts';
import { filingsRoutes } from './filings.routes.ts';
import { createFilingsService, type ApplicantNames, type FilingLimits, type FilingReceiptIssuer } from './filings.service.ts';
import type { FileStorage } from '../storage/index.ts';
import type { FilingsRegistryConnector } from '../connectors/index.ts';

/** The service (create, register, reconcileFiles, listMine, deliverFilingExports, exportStatus, get, status, attachment, receiptPdf, updateStatus): free of Fastify, for the assistant. */
export { createFilingsService, ACCEPTED_TYPES, DEFAULT_LIMITS, FILING_STATUSES, RECONCILE_GRACE_MS, type FilingsService, type FilingDetail, type FilingSummary, type CreateFilingInput, type NewAttachment, type FilingLimits, type ApplicantNames } from './filings.service.ts';
/** For operators: filings the council's registry refused for good, and sending one again. */
export { filingExportOperations } from './filings.export.ts';
/** The demo filing of each demo citizen (DEMO_DATA), and its stable id. */
export { seedDemoFiling, demoFilingId, demoUuid } from './filings.demo.ts';

/** Builds the filings module for the registry. */
export function createFilingsModule(deps: {
  db: Db;
  tenants: TenantRegistry;
  storage: FileStorage;
  receipts?: FilingReceiptIssuer;
  limits?: Partial<FilingLimits>;
  onError?: (err: unknown, what: string) => void;
  registryFor?: (tenantId: string) => FilingsRegistryConnector | undefined;
  applicants?: ApplicantNames;
}) {
  const service = createFilingsService(deps);
  return { service, routes: filingsRoutes(service) };
}
