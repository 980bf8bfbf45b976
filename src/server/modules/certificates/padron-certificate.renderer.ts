import type { Language } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { localize, type LoadedTenant } from '../tenants/index.ts';
import { BrandedDocument, formatCalendarDate, formatDate, type DocumentContext } from './document-layout.ts';
import { signPdfDocument } from './pades-signer.ts';

/** One person as the padrón lists them. Dates are calendar dates 'YYYY-MM-DD'. */
export interface PadronInhabitant {
  /** The full, normalised DNI/NIE: a certificate shows it whole. */
  dni: string;
  givenName: string;
  surname: string;
  birthDate: string;
  /** The date of registration in the municipality. */
  registeredSince: string;
}

export interface PadronAddress {
  /** Street, number, floor and door as the council writes them ("Calle Mayor 3, 2º B"). */
  line: string;
  postalCode: string;
  municipality: string;
  province?: string;
}

/** What the register returns for a certificate: the household at the citizen's address. */
export interface PadronRecord {
  householdId: string;
  address: PadronAddress;
  /** individual: exactly the person; collective: everyone in the household. */
  inhabitants: PadronInhabitant[];
}

export type PadronCertificateKind = 'individual' | 'collective';

/** Everything a padrón certificate shows; the registers module builds it. */
export interface PadronCertificateData extends PadronRecord {
  council: LoadedTenant;
  language: Language;
  kind: PadronCertificateKind;
}

function invalid(reason: string): AppError {
  return new AppError('certificates.invalid_data', { params: { reason } });
}

/** Rejects data that would print a wrong certificate; the message names the field. */
export function validatePadronData(data: PadronCertificateData): void {
  if (data.kind === 'individual' && data.inhabitants.length !== 1) throw invalid('an individual certificate names exactly one inhabitant');
  if (data.kind === 'collective' && data.inhabitants.length < 1) throw invalid('a collective certificate names at least one inhabitant');
  const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
  data.inhabitants.forEach((p, i) => {
    if (!p.dni.trim() || !p.givenName.trim() || !p.surname.trim()) throw invalid(`inhabitants[${i}] needs dni, givenName and surname`);
    if (!isDate(p.birthDate)) throw invalid(`inhabitants[${i}].birthDate must be YYYY-MM-DD`);
    if (!isDate(p.registeredSince)) throw invalid(`inhabitants[${i}].registeredSince must be YYYY-MM-DD`);
  });
  if (!data.address.line.trim() || !data.address.municipality.trim()) throw invalid('address needs line and municipality');
}

/** Renders and seals a padrón certificate (individual or collective) in the citizen's language. */
export async function renderPadronCertificate(data: PadronCertificateData, ctx: DocumentContext): Promise<Buffer> {
  validatePadronData(data);
  const lang = ctx.language;
  const profile = ctx.council.profile;
  const councilName = localize(profile.names, lang, profile);
  const title = t(lang, data.kind === 'individual' ? 'certificates:padron.titleIndividual' : 'certificates:padron.titleCollective');
  const doc = await BrandedDocument.create(ctx, title, `${title} - ${data.householdId}`);
  doc.heading(title);
  doc.paragraph(
    data.kind === 'individual'
      ? t(lang, 'certificates:padron.certifiesIndividual', { council: councilName })
      : t(lang, 'certificates:padron.certifiesCollective', { council: councilName, count: data.inhabitants.length }),
  );
  const a = data.address;
  doc.fields([
    [t(lang, 'certificates:padron.address'), [a.line, `${a.postalCode} ${a.municipality}`.trim(), a.province].filter(Boolean).join(', ')],
    [t(lang, 'certificates:padron.household'), data.householdId],
  ]);
  doc.table(
    [t(lang, 'certificates:padron.name'), t(lang, 'certificates:padron.id'), t(lang, 'certificates:padron.birthDate'), t(lang, 'certificates:padron.registeredSince')],
    data.inhabitants.map((p) => [`${p.givenName} ${p.surname}`, p.dni, formatCalendarDate(p.birthDate, lang), formatCalendarDate(p.registeredSince, lang)]),
    [0.42, 0.18, 0.18, 0.22],
  );
  doc.paragraph(t(lang, 'certificates:padron.closing', { place: a.municipality, date: formatDate(ctx.issuedAt, lang, profile.timeZone) }));
  return signPdfDocument(doc.doc, ctx.seal, {
    reason: title,
    location: `${councilName}, ${a.municipality}`,
    contactInfo: ctx.verifyUrl,
    signingTime: ctx.issuedAt,
  });
}
