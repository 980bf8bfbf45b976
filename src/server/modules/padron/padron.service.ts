/**
 * Padrón certificates: the register's data through a PadronConnector, sealed by the certificates module.
 * Free of Fastify: the assistant and the CLI call getCertificateData/issueCertificate directly.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { withIdempotencyKey } from '../../db/idempotency.ts';
import { AppError } from '../../errors.ts';
import type { Language } from '../../../shared/languages.ts';
import type { PadronCertificateData, PadronRecord } from '../certificates/index.ts';
import type { Household, Inhabitant, PadronConnector } from '../connectors/index.ts';
import { citizenActor, recordEvent, recordStep, type ProcedureContext } from '../../procedures/index.ts';
import { tenantLanguage, type TenantRegistry } from '../tenants/index.ts';
import { createPadronRepository } from './padron.repository.ts';

export type CertificateKind = 'individual' | 'collective';

export interface IssuedCertificate {
  code: string;
  displayCode: string;
  verifyUrl: string;
  /** Where the signed-in citizen downloads the PDF (relative to the council's base URL). */
  pdfPath: string;
  fileName: string;
  kind: CertificateKind;
  language: Language;
}

/** What the padrón service needs from the certificates module (CertificatesService fits). */
export interface PadronCertificateIssuer {
  issuePadronCertificate(data: PadronCertificateData, subjectDni?: string): Promise<{ code: string; displayCode: string; verifyUrl: string; fileName: string }>;
  originalPdf(code: string): Promise<{ pdf: Buffer; fileName: string }>;
}

export interface PadronDeps {
  db: Db;
  tenants: TenantRegistry;
  connector: PadronConnector;
  certificates: PadronCertificateIssuer;
}

/** "Calle Mayor 8, 2º A, 47800 Medina de Rioseco" -> line, postal code, municipality. */
export function splitAddress(address: string, fallbackMunicipality: string): PadronCertificateData['address'] {
  const parts = address.split(',').map((s) => s.trim()).filter(Boolean);
  const last = parts.at(-1) ?? '';
  const m = /^(\d{5})\s+(.+)$/.exec(last);
  if (m?.[1] && m[2]) return { line: parts.slice(0, -1).join(', ') || address, postalCode: m[1], municipality: m[2] };
  return { line: address, postalCode: '', municipality: fallbackMunicipality };
}

const toPrinted = (i: Inhabitant) => ({ dni: i.dni, givenName: i.givenName, surname: i.surname, birthDate: i.birthDate ?? '', registeredSince: i.registeredSince });

const IDEMPOTENCY_SCOPE = 'padron.certificate';

export type PadronService = ReturnType<typeof createPadronService>;

export function createPadronService(deps: PadronDeps) {
  const { db, tenants, connector } = deps;
  const repo = createPadronRepository(db);

  async function certificateData(tenantId: string, dni: string, opts: { collective: boolean; language?: Language | undefined }): Promise<PadronCertificateData> {
    const council = tenants.loaded(tenantId);
    if (!council) throw new AppError('tenants.not_found', { params: { id: tenantId } });
    const person = await connector.findInhabitant(tenantId, dni);
    if (!person) throw new AppError('padron.not_registered');
    const household: Household | undefined = await connector.findHousehold(tenantId, person.householdId);
    if (!household) throw new AppError('padron.not_registered', { log: `household ${person.householdId} missing` });
    const municipality = council.profile.names.es ?? council.profile.id;
    return {
      council,
      language: tenantLanguage(council.profile, opts.language),
      kind: opts.collective ? 'collective' : 'individual',
      householdId: household.id,
      address: splitAddress(household.address, municipality),
      inhabitants: opts.collective ? household.members.map(toPrinted) : [toPrinted(person)],
    };
  }

  async function issue(tenantId: string, dni: string, input: { kind: CertificateKind; language?: Language | undefined }, ctx: ProcedureContext): Promise<IssuedCertificate> {
    const data = await certificateData(tenantId, dni, { collective: input.kind === 'collective', language: input.language ?? ctx.lang });
    const doc = await deps.certificates.issuePadronCertificate(data, dni);
    await db.transaction(async (tx) => {
      await createPadronRepository(tx).insertCertificateRequest({ id: randomUUID(), tenantId, dni, isCollective: input.kind === 'collective', language: data.language, code: doc.code });
      await recordStep(tx, tenantId, citizenActor(dni), ctx, { action: 'certificate.issued', subjectType: 'document', subjectId: doc.code, details: { kind: input.kind, language: data.language } });
      await recordEvent(tx, tenantId, { ...ctx, lang: data.language }, 'certificate.issued', { data: { kind: input.kind } });
    });
    return {
      code: doc.code,
      displayCode: doc.displayCode,
      verifyUrl: doc.verifyUrl,
      pdfPath: `/t/${tenantId}/api/v1/certificates/padron/${doc.code}/pdf`,
      fileName: doc.fileName,
      kind: input.kind,
      language: data.language,
    };
  }

  return {
    /** The data a padrón certificate prints for the citizen (the household's members when collective). */
    getCertificateData: certificateData,

    /**
     * Issues a sealed certificate for the citizen. With an idempotency key, a retry (double tap at a kiosk, a network
     * retry) returns the first certificate instead of issuing another; the same key with different input is refused.
     */
    async issueCertificate(
      tenantId: string,
      dni: string,
      input: { kind: CertificateKind; language?: Language | undefined },
      ctx: ProcedureContext,
      idempotencyKey?: string,
    ): Promise<IssuedCertificate> {
      if (!idempotencyKey) return issue(tenantId, dni, input, ctx);
      const requestHash = createHash('sha256').update(JSON.stringify({ kind: input.kind, language: input.language ?? null })).digest('hex');
      return withIdempotencyKey(db, { tenantId, scope: `${IDEMPOTENCY_SCOPE}:${dni}`, key: idempotencyKey, requestHash, statusCode: 201 }, () => issue(tenantId, dni, input, ctx));
    },

    /** The PDF of a certificate the citizen was issued; another citizen's code is `padron.not_found` (404). */
    async certificatePdf(tenantId: string, dni: string, code: string, ctx: ProcedureContext): Promise<{ pdf: Buffer; fileName: string }> {
      if (!(await repo.hasCertificate(tenantId, dni, code.toUpperCase()))) throw new AppError('padron.not_found');
      const doc = await deps.certificates.originalPdf(code.toUpperCase());
      await recordStep(db, tenantId, citizenActor(dni), ctx, { action: 'padron.certificate_downloaded', subjectType: 'certificate', subjectId: code.toUpperCase() });
      return doc;
    },

    /**
     * The register's record for the operators' CLI (`ventanilla certificate issue`): implements the certificates
     * module's PadronRecordProvider. Undefined when the person is not registered.
     */
    async findForCertificate(tenantId: string, dni: string, kind: CertificateKind): Promise<PadronRecord | undefined> {
      try {
        const d = await certificateData(tenantId, dni, { collective: kind === 'collective' });
        return { householdId: d.householdId, address: d.address, inhabitants: d.inhabitants };
      } catch (err) {
        if (err instanceof AppError && err.code === 'padron.not_registered') return undefined;
        throw err;
      }
    },

    /** The certificates the citizen was issued, newest first. */
    async listMine(tenantId: string, dni: string): Promise<{ code: string; kind: CertificateKind; language: string; issuedAt: string }[]> {
      const rows = await repo.listCertificates(tenantId, dni);
      return rows.map((r) => ({ code: r.code, kind: r.collective ? 'collective' : 'individual', language: r.language, issuedAt: new Date(r.created_at).toISOString() }));
    },
  };
}
