import type { Language } from '../../../shared/languages.ts';
import { t } from '../../i18n.ts';
import { localize, type LoadedTenant } from '../tenants/index.ts';
import { BrandedDocument, formatDateTime, type DocumentContext } from './document-layout.ts';
import { signPdfDocument } from './pades-signer.ts';

/** A registered filing; the filings module builds it once the entry is stored. */
export interface FilingReceiptData {
  council: LoadedTenant;
  language: Language;
  /** "REG-2026-000123". */
  registryNumber: string;
  registeredAt: Date;
  applicant: { dni: string; name: string };
  /** The department's name in the citizen's language. */
  department: string;
  subject: string;
  /** The filing's text; long texts wrap onto further pages. */
  text?: string;
  attachments: { name: string; sizeBytes: number; sha256: string }[];
}

function formatSize(bytes: number, lang: Language): string {
  const nf = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : `${lang}-ES`, { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${nf.format(bytes)} B`;
  if (bytes < 1024 * 1024) return `${nf.format(bytes / 1024)} KB`;
  return `${nf.format(bytes / (1024 * 1024))} MB`;
}

/** Renders and seals the filing receipt (justificante de registro). */
export async function renderFilingReceipt(data: FilingReceiptData, ctx: DocumentContext): Promise<Buffer> {
  const lang = ctx.language;
  const profile = ctx.council.profile;
  const councilName = localize(profile.names, lang, profile);
  const title = t(lang, 'certificates:filingReceipt.title');
  const doc = await BrandedDocument.create(ctx, title, `${title} - ${data.registryNumber}`);
  doc.heading(title);
  doc.paragraph(t(lang, 'certificates:filingReceipt.intro', { council: councilName }));
  doc.fields([
    [t(lang, 'certificates:filingReceipt.number'), data.registryNumber],
    [t(lang, 'certificates:filingReceipt.registeredAt'), formatDateTime(data.registeredAt, lang, profile.timeZone)],
    [t(lang, 'certificates:filingReceipt.applicant'), `${data.applicant.name} (${data.applicant.dni})`],
    [t(lang, 'certificates:filingReceipt.department'), data.department],
    [t(lang, 'certificates:filingReceipt.subject'), data.subject],
  ]);
  if (data.text) {
    doc.paragraph(`${t(lang, 'certificates:filingReceipt.summary')}:`);
    doc.paragraph(data.text, 10);
  }
  doc.paragraph(t(lang, 'certificates:filingReceipt.attachments', { count: data.attachments.length }));
  if (data.attachments.length > 0) {
    doc.table(
      [t(lang, 'certificates:filingReceipt.attachmentName'), t(lang, 'certificates:filingReceipt.attachmentSize'), t(lang, 'certificates:filingReceipt.attachmentHash')],
      // The full hash lets anyone check a copy of an attachment against the receipt.
      data.attachments.map((f) => [f.name, formatSize(f.sizeBytes, lang), f.sha256]),
      [0.34, 0.12, 0.54],
    );
  }
  return signPdfDocument(doc.doc, ctx.seal, { reason: title, location: councilName, contactInfo: ctx.verifyUrl, signingTime: ctx.issuedAt });
}
