import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Language } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import { isUniqueViolation } from '../../db/db.ts';
import { localize, type LoadedTenant } from '../tenants/index.ts';
import type { CertificatesRepository, DocumentKind, IssuedDocumentRow } from './certificates.repository.ts';
import { formatCsvCode, generateCsvCode, normalizeCsvCode } from './csv-code.ts';
import type { DocumentContext } from './document-layout.ts';
import { renderFilingReceipt, type FilingReceiptData } from './filing-receipt.renderer.ts';
import { renderPadronCertificate, type PadronCertificateData } from './padron-certificate.renderer.ts';
import { renderPaymentReceipt, type PaymentReceiptData } from './payment-receipt.renderer.ts';
import type { SealProvider } from './seal-provider.ts';

export interface CertificatesServiceDeps {
  repository: CertificatesRepository;
  /** The councils (TenantRegistry fits): for the council's name on the verification page. */
  tenants: { loaded(id: string): LoadedTenant | undefined };
  seals: SealProvider;
  /** The address citizens use; QR codes point at `${publicUrl}/verify/<code>`. */
  publicUrl: string;
  /** Root for documents kept as files (file_path is relative to it). */
  dataDir: string;
  now?: () => Date;
}

/** A sealed document just issued: the bytes to hand to the citizen and what identifies them. */
export interface IssuedDocument {
  tenantId: string;
  kind: DocumentKind;
  language: Language;
  /** Canonical CSV code (20 symbols). */
  code: string;
  /** Grouped for people: "7GQ2-M4XK-0ZC9-W1HT-B6PD". */
  displayCode: string;
  verifyUrl: string;
  sha256: string;
  issuedAt: Date;
  fileName: string;
  pdf: Buffer;
}

export type VerificationStatus = 'authentic' | 'revoked' | 'not_found';

/** What /verify shows. No personal data: whoever holds the code can download the original anyway. */
export interface VerificationResult {
  status: VerificationStatus;
  document?: {
    code: string;
    displayCode: string;
    kind: DocumentKind;
    language: Language;
    tenantId: string;
    councilName: string;
    issuedAt: Date;
    revokedAt: Date | null;
    sha256: string;
    sizeBytes: number;
  };
}

/** Issues sealed documents with a secure verification code and answers whether a code belongs to one. */
export class CertificatesService {
  private readonly now: () => Date;

  constructor(private readonly deps: CertificatesServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  verifyUrl(code: string): string {
    return `${this.deps.publicUrl.replace(/\/+$/, '')}/verify/${code}`;
  }

  /** A padrón certificate, individual or collective, sealed and stored for verification. */
  async issuePadronCertificate(data: PadronCertificateData, subjectDni?: string): Promise<IssuedDocument> {
    const kind: DocumentKind = data.kind === 'individual' ? 'padron_individual' : 'padron_collective';
    const subject = subjectDni ?? data.inhabitants[0]?.dni ?? null;
    return this.issue(kind, data.council, data.language, subject, data.householdId, (ctx) => renderPadronCertificate(data, ctx));
  }

  /** The signed payment receipt (justificante de pago). */
  async issuePaymentReceipt(data: PaymentReceiptData): Promise<IssuedDocument> {
    return this.issue('payment_receipt', data.council, data.language, data.payer.dni, data.reference, (ctx) => renderPaymentReceipt(data, ctx));
  }

  /** The signed filing receipt (justificante de registro). */
  async issueFilingReceipt(data: FilingReceiptData): Promise<IssuedDocument> {
    return this.issue('filing_receipt', data.council, data.language, data.applicant.dni, data.registryNumber, (ctx) => renderFilingReceipt(data, ctx));
  }

  private async issue(
    kind: DocumentKind,
    council: LoadedTenant,
    language: Language,
    subjectDni: string | null,
    reference: string | null,
    render: (ctx: DocumentContext) => Promise<Buffer>,
  ): Promise<IssuedDocument> {
    const seal = this.deps.seals(council.profile.id);
    // Milliseconds dropped: the PDF's signing time and the stored row must agree to the second on both engines.
    const issuedAt = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    // A collision of 100 random bits will not happen; the loop only makes the unique constraint the final word.
    for (let attempt = 0; ; attempt++) {
      const code = generateCsvCode();
      const verifyUrl = this.verifyUrl(code);
      const pdf = await render({ council, language, code, verifyUrl, issuedAt, seal });
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      try {
        await this.deps.repository.insert({ tenantId: council.profile.id, code, kind, language, subjectDni, reference, sha256, pdf, issuedAt });
      } catch (err) {
        if (isUniqueViolation(err) && attempt < 3) continue;
        throw err;
      }
      return { tenantId: council.profile.id, kind, language, code, displayCode: formatCsvCode(code), verifyUrl, sha256, issuedAt, fileName: `${kind}-${code}.pdf`, pdf };
    }
  }

  /**
   * Whether a code belongs to a document we issued. Malformed and unknown codes get the same answer, so the
   * response says nothing about how close a guess was.
   */
  async verify(input: string, lang: Language = 'es'): Promise<VerificationResult> {
    const code = normalizeCsvCode(input);
    if (!code) return { status: 'not_found' };
    const row = await this.deps.repository.findByCode(code);
    if (!row) return { status: 'not_found' };
    return { status: row.revokedAt ? 'revoked' : 'authentic', document: this.present(row, lang) };
  }

  private present(row: IssuedDocumentRow, lang: Language): NonNullable<VerificationResult['document']> {
    const council = this.deps.tenants.loaded(row.tenantId);
    return {
      code: row.code,
      displayCode: formatCsvCode(row.code),
      kind: row.kind,
      language: row.language,
      tenantId: row.tenantId,
      councilName: council ? localize(council.profile.names, lang, council.profile) : row.tenantId,
      issuedAt: row.issuedAt,
      revokedAt: row.revokedAt,
      sha256: row.sha256,
      sizeBytes: row.sizeBytes,
    };
  }

  /** The council's time zone for showing times (Europe/Madrid when the council is unknown here). */
  councilTimeZone(tenantId: string): string {
    return this.deps.tenants.loaded(tenantId)?.profile.timeZone ?? 'Europe/Madrid';
  }

  /** The original signed bytes for a code, or a 404 `certificates.not_found`. */
  async originalPdf(input: string): Promise<{ pdf: Buffer; fileName: string }> {
    const code = normalizeCsvCode(input);
    const row = code ? await this.deps.repository.findByCode(code) : undefined;
    const content = code && row ? await this.deps.repository.findContent(code) : undefined;
    if (!code || !row || !content) throw new AppError('certificates.not_found');
    let pdf = content.pdf;
    if (!pdf && content.filePath) {
      const root = path.resolve(this.deps.dataDir);
      const file = path.resolve(root, content.filePath);
      // Never leave DATA_DIR, whatever the row says.
      if (!file.startsWith(root + path.sep)) throw new AppError('certificates.not_found', { log: `file_path outside DATA_DIR: ${content.filePath}` });
      pdf = await readFile(file);
    }
    if (!pdf) throw new AppError('certificates.not_found');
    return { pdf, fileName: `${row.kind}-${row.code}.pdf` };
  }

  /** The documents issued about a citizen in a council, newest first (for "my documents"). */
  async listForCitizen(tenantId: string, dni: string): Promise<IssuedDocumentRow[]> {
    return this.deps.repository.listBySubject(tenantId, dni);
  }

  /** Revokes a document (staff): /verify then says it is no longer valid. */
  async revoke(tenantId: string, input: string, reason: string): Promise<void> {
    const code = normalizeCsvCode(input);
    const isDone = code ? await this.deps.repository.revoke(tenantId, code, reason, this.now()) : false;
    if (!isDone) throw new AppError('certificates.not_found');
  }
}
