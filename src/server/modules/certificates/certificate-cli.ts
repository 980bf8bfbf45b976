import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Language } from '../../../shared/languages.ts';
import type { Queryable } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { audit } from '../identity/index.ts';
import type { LoadedTenant } from '../tenants/index.ts';
import type { CertificatesService, IssuedDocument } from './certificates.service.ts';
import type { PadronCertificateKind, PadronRecord } from './padron-certificate.renderer.ts';

/**
 * Where padrón data come from: the registers module implements it (embedded database, REST or RPA connector).
 * Returns undefined when the person is not registered in the council.
 */
export interface PadronRecordProvider {
  findForCertificate(tenantId: string, dni: string, kind: PadronCertificateKind): Promise<PadronRecord | undefined>;
}

export interface IssueCertificateArgs {
  tenantId: string;
  dni: string;
  isCollective: boolean;
  /** The output file; "-" is not supported: PDFs on a terminal help nobody. */
  out: string;
  /** Defaults to the council's default language. */
  language?: Language;
}

/**
 * `ventanilla certificate issue --tenant <id> --dni <DNI> [--collective] --out <file>`: issues, seals and stores a
 * padrón certificate exactly as the citizen channels do, writes it to a file and returns what to print.
 */
export async function issueCertificateCommand(
  args: IssueCertificateArgs,
  deps: { db: Queryable; service: CertificatesService; tenants: { loaded(id: string): LoadedTenant | undefined }; padron: PadronRecordProvider },
): Promise<Omit<IssuedDocument, 'pdf'> & { out: string }> {
  const council = deps.tenants.loaded(args.tenantId);
  if (!council) throw new AppError('tenants.not_found', { params: { id: args.tenantId } });
  const dni = args.dni.trim().toUpperCase();
  const kind: PadronCertificateKind = args.isCollective ? 'collective' : 'individual';
  const record = await deps.padron.findForCertificate(args.tenantId, dni, kind);
  if (!record) throw new AppError('certificates.no_padron_record');
  const language = args.language && council.profile.languages.includes(args.language) ? args.language : council.profile.defaultLanguage;
  const doc = await deps.service.issuePadronCertificate({ ...record, council, language, kind }, dni);
  const out = path.resolve(args.out);
  await writeFile(out, doc.pdf);
  // An operator's issue is a procedure step like any other: who (the OS account), what, when, channel.
  await audit(deps.db, { tenantId: args.tenantId, actorType: 'system', actorId: `cli:${os.userInfo().username}`, channel: 'system' }, {
    action: 'certificates.issued', subjectType: 'certificate', subjectId: doc.code, details: { kind, via: 'cli' },
  });
  const { pdf: _pdf, ...meta } = doc;
  return { ...meta, out };
}
