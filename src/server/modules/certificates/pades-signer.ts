import { createHash, sign as rsaSign } from 'node:crypto';
import forge from 'node-forge';
import type { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf, Signer } from '@signpdf/signpdf';
import type { Seal } from './seal.ts';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const CTX = asn1.Class.CONTEXT_SPECIFIC;
const T = asn1.Type;

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SET, true, v);
const octets = (b: Buffer) => asn1.create(U, T.OCTETSTRING, false, b.toString('binary'));
const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const nul = () => asn1.create(U, T.NULL, false, '');
const der = (a: forge.asn1.Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** The issuer Name and serial INTEGER exactly as encoded in the certificate (re-encoding could change bytes). */
function issuerAndSerial(certDer: Buffer): { issuer: forge.asn1.Asn1; serial: forge.asn1.Asn1 } {
  const cert = asn1.fromDer(forge.util.createBuffer(certDer.toString('binary')));
  const tbs = (cert.value as forge.asn1.Asn1[])[0];
  const fields = (tbs?.value ?? []) as forge.asn1.Asn1[];
  // tbsCertificate starts with an optional [0] version.
  const off = fields[0]?.tagClass === CTX ? 1 : 0;
  const serial = fields[off];
  const issuer = fields[off + 2];
  if (!serial || !issuer) throw new Error('seal certificate: cannot read issuer and serial');
  return { issuer, serial };
}

/**
 * A CAdES-BES detached signature (the content of a PAdES baseline B-B signature): content type, message digest and
 * ESS signing-certificate-v2 as signed attributes, no signing-time attribute (PAdES puts the time in the /M entry).
 * The RSA operation uses node's native crypto: forge's pure-JS RSA would cost ~30 ms a document.
 */
export function createCadesDetached(content: Buffer, seal: Seal): Buffer {
  const [certDer] = seal.chainDer;
  if (!certDer) throw new Error('seal has no certificate');
  const { issuer, serial } = issuerAndSerial(certDer);
  const sha256Alg = seq([oid(OID.sha256), nul()]);
  const essCertIdV2 = seq([octets(sha256(certDer)), seq([seq([asn1.create(CTX, 4, true, [issuer])]), serial])]);
  const attributes = [
    seq([oid(OID.contentType), set([oid(OID.data)])]),
    seq([oid(OID.messageDigest), set([octets(sha256(content))])]),
    seq([oid(OID.signingCertificateV2), set([seq([seq([essCertIdV2])])])]),
  ];
  // DER wants a SET OF sorted by encoding; verifiers hash the bytes as sent, so send them sorted.
  const sorted = attributes.map((a) => ({ a, d: der(a) })).sort((x, y) => Buffer.compare(x.d, y.d)).map((x) => x.a);
  const signature = rsaSign('sha256', der(set(sorted)), seal.privateKey);
  const signerInfo = seq([
    int(1),
    seq([issuer, serial]),
    sha256Alg,
    asn1.create(CTX, 0, true, sorted),
    seq([oid(OID.rsaEncryption), nul()]),
    octets(signature),
  ]);
  const certs = seal.chainDer.map((d) => asn1.fromDer(forge.util.createBuffer(d.toString('binary'))));
  const signedData = seq([int(1), set([sha256Alg]), seq([oid(OID.data)]), asn1.create(CTX, 0, true, certs), set([signerInfo])]);
  return der(seq([oid(OID.signedData), asn1.create(CTX, 0, true, [signedData])]));
}

/** Adapts a seal to @signpdf's Signer contract. */
class SealSigner extends Signer {
  constructor(private readonly seal: Seal) {
    super();
  }
  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return createCadesDetached(pdfBuffer, this.seal);
  }
}

export interface SignatureInfo {
  /** Why the document is signed, shown by PDF readers ("Certificado de empadronamiento"). */
  reason: string;
  /** The council's name and place. */
  location: string;
  contactInfo: string;
  signingTime: Date;
}

const signPdf = new SignPdf();

/**
 * Signs a finished pdf-lib document with the council's seal (PAdES, ETSI.CAdES.detached) and returns the bytes.
 * One helper for every document kind so they are all signed the same way.
 */
export async function signPdfDocument(pdfDoc: PDFDocument, seal: Seal, info: SignatureInfo): Promise<Buffer> {
  pdflibAddPlaceholder({
    pdfDoc,
    reason: info.reason,
    contactInfo: info.contactInfo,
    name: seal.commonName,
    location: info.location,
    signingTime: info.signingTime,
    subFilter: 'ETSI.CAdES.detached',
    // Bytes reserved for the CMS: two ~1 KB certificates, a 256-byte signature and attributes fit in 8 KB.
    signatureLength: 8192,
    appName: 'Ventanilla',
  });
  const unsigned = await pdfDoc.save({ useObjectStreams: false });
  return signPdf.sign(Buffer.from(unsigned), new SealSigner(seal), info.signingTime);
}
