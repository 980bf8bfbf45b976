import type { Language } from '../../../shared/languages.ts';
import { t } from '../../i18n.ts';
import { localize, type LoadedTenant } from '../tenants/index.ts';
import { BrandedDocument, formatDateTime, formatMoney, type DocumentContext } from './document-layout.ts';
import { signPdfDocument } from './pades-signer.ts';

/** A paid receipt, fine or liquidation; the payments module builds it after the gateway confirms. */
export interface PaymentReceiptData {
  council: LoadedTenant;
  language: Language;
  /** The council's reference for the debt ("IBI-2026-000123"). */
  reference: string;
  /** What was paid, already in the citizen's language ("Impuesto sobre Bienes Inmuebles 2026"). */
  concept: string;
  period?: string;
  payer: { dni: string; name: string };
  /** Integer cents. */
  amountCents: number;
  paidAt: Date;
  gateway: string;
  orderId: string;
  authorisationCode?: string;
}

/** Renders and seals the payment receipt (justificante de pago). */
export async function renderPaymentReceipt(data: PaymentReceiptData, ctx: DocumentContext): Promise<Buffer> {
  const lang = ctx.language;
  const profile = ctx.council.profile;
  const councilName = localize(profile.names, lang, profile);
  const title = t(lang, 'certificates:paymentReceipt.title');
  const doc = await BrandedDocument.create(ctx, title, `${title} - ${data.reference}`);
  doc.heading(title);
  doc.paragraph(t(lang, 'certificates:paymentReceipt.intro', { council: councilName }));
  const rows: [string, string][] = [
    [t(lang, 'certificates:paymentReceipt.reference'), data.reference],
    [t(lang, 'certificates:paymentReceipt.concept'), data.concept],
  ];
  if (data.period) rows.push([t(lang, 'certificates:paymentReceipt.period'), data.period]);
  rows.push(
    [t(lang, 'certificates:paymentReceipt.payer'), `${data.payer.name} (${data.payer.dni})`],
    [t(lang, 'certificates:paymentReceipt.amount'), formatMoney(data.amountCents, lang)],
    [t(lang, 'certificates:paymentReceipt.paidAt'), formatDateTime(data.paidAt, lang, profile.timeZone)],
    [t(lang, 'certificates:paymentReceipt.gateway'), `${data.gateway} / ${data.orderId}`],
  );
  if (data.authorisationCode) rows.push([t(lang, 'certificates:paymentReceipt.authorisation'), data.authorisationCode]);
  doc.fields(rows);
  return signPdfDocument(doc.doc, ctx.seal, { reason: title, location: councilName, contactInfo: ctx.verifyUrl, signingTime: ctx.issuedAt });
}
