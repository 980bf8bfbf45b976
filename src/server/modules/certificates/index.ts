/** Sealed documents: padrón certificates, payment and filing receipts, CSV codes and /verify. */

/** Builds the service and the /verify routes for the composition root. */
export { createCertificatesModule, type CertificatesModuleDeps } from './certificates.module.ts';
/** Issues sealed documents and verifies CSV codes. */
export { CertificatesService, type IssuedDocument, type VerificationResult, type VerificationStatus } from './certificates.service.ts';
/** The CLI command body for `ventanilla certificate issue`, and the padrón data interface the registers implement. */
export { issueCertificateCommand, type IssueCertificateArgs, type PadronRecordProvider } from './certificate-cli.ts';
/** Input types the registers, payments and filings modules fill in. */
export type { PadronCertificateData, PadronRecord, PadronInhabitant, PadronAddress, PadronCertificateKind } from './padron-certificate.renderer.ts';
export type { PaymentReceiptData } from './payment-receipt.renderer.ts';
export type { FilingReceiptData } from './filing-receipt.renderer.ts';
export type { DocumentKind } from './certificates.repository.ts';
/** The council seal: a configured PKCS#12 or a generated demo seal kept in DATA_DIR. */
export { loadOrCreateSeal, sealSourceFromEnv, demoSealCaPem, type Seal, type SealFileSource } from './seal.ts';
/** Signs any finished pdf-lib document with a seal (PAdES, ETSI.CAdES.detached). */
export { signPdfDocument, type SignatureInfo } from './pades-signer.ts';
/** CSV code helpers (canonical form, grouping for display). */
export { formatCsvCode, normalizeCsvCode } from './csv-code.ts';
