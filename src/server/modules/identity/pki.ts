/**
 * The demo PKI: a certification authority generated into DATA_DIR/secrets/pki on first use and kept
 * across restarts, issuing DNIe-like citizen certificates (PEM + PKCS#12) and the TLS server certificate
 * for the client-certificate endpoint. Real deployments trust the real CAs (CLIENT_CA_FILE) instead.
 * Keys come from Node's native generator (fast); node-forge builds the certificates.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface KeyAndCert {
  certPem: string;
  keyPem: string;
}

export interface CitizenCertificateFiles {
  dni: string;
  certFile: string;
  keyFile: string;
  p12File: string;
  /** Password of the PKCS#12 file (demo value). */
  p12Password: string;
}

/** The demo PKCS#12 password: demo certificates protect nothing real. */
export const DEMO_P12_PASSWORD = 'demo';

export function pkiDir(dataDir: string): string {
  return path.join(dataDir, 'secrets', 'pki');
}

function newRsaKey(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

/** A positive serial number of 16 random bytes, as CAs must use unpredictable serials. */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString('hex');
}

type Attr = { type?: string; shortName?: string; value: string; valueTagClass?: number };
const UTF8 = forge.asn1.Type.UTF8;

/**
 * A self-signed CA (also used by tests to make a foreign CA), or, given an issuer, a subordinate CA signed by it
 * (the DNIe's chain is AC RAIZ DNIE 2 → AC DNIE 00x → citizen).
 */
export function createCa(commonName: string, opts: { years?: number; issuer?: KeyAndCert } = {}): KeyAndCert {
  const key = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicPem);
  cert.serialNumber = randomSerial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + (opts.years ?? 20) * 365 * 24 * 3600_000);
  const subject: Attr[] = [
    { shortName: 'C', value: 'ES' },
    { shortName: 'O', value: 'Ventanilla demo', valueTagClass: UTF8 },
    { shortName: 'CN', value: commonName, valueTagClass: UTF8 },
  ];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? forge.pki.certificateFromPem(opts.issuer.certPem).subject.attributes : subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(opts.issuer?.keyPem ?? key.privatePem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privatePem };
}

export interface CitizenCertificateInput {
  dni: string;
  givenName: string;
  surname: string;
  notBefore?: Date;
  notAfter?: Date;
}

/**
 * Issues a DNIe-like authentication certificate: subject C=ES, serialNumber=IDCES-<DNI>, SN, GN and
 * CN "SURNAME, NAME (AUTENTICACIÓN)" as the DNIe does; clientAuth usage.
 */
export function issueCitizenCertificate(ca: KeyAndCert, c: CitizenCertificateInput): KeyAndCert {
  const key = newRsaKey();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicPem);
  cert.serialNumber = randomSerial();
  const now = new Date();
  cert.validity.notBefore = c.notBefore ?? new Date(now.getTime() - 24 * 3600_000);
  cert.validity.notAfter = c.notAfter ?? new Date(now.getTime() + 5 * 365 * 24 * 3600_000);
  const subject: Attr[] = [
    { shortName: 'C', value: 'ES' },
    { type: '2.5.4.5', value: `IDCES-${c.dni}` },
    { type: '2.5.4.4', value: c.surname.toUpperCase(), valueTagClass: UTF8 },
    { type: '2.5.4.42', value: c.givenName.toUpperCase(), valueTagClass: UTF8 },
    { shortName: 'CN', value: `${c.surname.toUpperCase()}, ${c.givenName.toUpperCase()} (AUTENTICACIÓN)`, valueTagClass: UTF8 },
  ];
  cert.setSubject(subject);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privatePem };
}

/** A TLS server certificate for localhost and 127.0.0.1 (the demo client-certificate endpoint). */
export function issueServerCertificate(ca: KeyAndCert, hostnames: string[] = ['localhost']): KeyAndCert {
  const key = newRsaKey();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicPem);
  cert.serialNumber = randomSerial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + 2 * 365 * 24 * 3600_000);
  cert.setSubject([{ shortName: 'CN', value: hostnames[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...hostnames.map((h) => ({ type: 2, value: h })), { type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privatePem };
}

/** PKCS#12 (DER) with the key, the certificate and the CA, as a citizen would import it into a browser. */
export function toPkcs12(kc: KeyAndCert, caPem: string, password: string, friendlyName: string): Buffer {
  const p12 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(kc.keyPem),
    [forge.pki.certificateFromPem(kc.certPem), forge.pki.certificateFromPem(caPem)],
    password,
    { algorithm: '3des', friendlyName },
  );
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/**
 * A CRL (DER) signed by the CA listing the given serial numbers (hex). Built by hand because
 * node-forge cannot write CRLs; used by the demo and the tests.
 */
export function createCrl(ca: KeyAndCert, revokedSerialsHex: string[], now = new Date()): Buffer {
  const a = forge.asn1;
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const alg = a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
    a.create(a.Class.UNIVERSAL, a.Type.OID, false, a.oidToDer('1.2.840.113549.1.1.11').getBytes()),
    a.create(a.Class.UNIVERSAL, a.Type.NULL, false, ''),
  ]);
  const time = (d: Date) => a.create(a.Class.UNIVERSAL, a.Type.UTCTIME, false, a.dateToUtcTime(d));
  const intBytes = (hex: string) => {
    const h = hex.length % 2 ? `0${hex}` : hex;
    const bytes = forge.util.hexToBytes(h);
    return (bytes.charCodeAt(0) & 0x80) !== 0 ? `\x00${bytes}` : bytes;
  };
  const revoked = revokedSerialsHex.map((s) =>
    a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [a.create(a.Class.UNIVERSAL, a.Type.INTEGER, false, intBytes(s)), time(now)]),
  );
  const tbsFields = [
    a.create(a.Class.UNIVERSAL, a.Type.INTEGER, false, '\x01'),
    alg,
    forge.pki.distinguishedNameToAsn1(caCert.subject),
    time(now),
    time(new Date(now.getTime() + 7 * 24 * 3600_000)),
  ];
  if (revoked.length) tbsFields.push(a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, revoked));
  const tbs = a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, tbsFields);
  const tbsDer = Buffer.from(a.toDer(tbs).getBytes(), 'binary');
  const signature = cryptoSign('sha256', tbsDer, createPrivateKey(ca.keyPem));
  const crl = a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
    tbs,
    alg,
    a.create(a.Class.UNIVERSAL, a.Type.BITSTRING, false, `\x00${signature.toString('binary')}`),
  ]);
  return Buffer.from(a.toDer(crl).getBytes(), 'binary');
}

/**
 * Writes files into `dir` atomically as a set: a temporary sibling directory renamed into place, so two
 * processes starting at once never mix one CA's key with another's certificate. Returns false when
 * another process won the race (its files stay).
 */
function writeDirOnce(dir: string, files: Record<string, string | Buffer>): boolean {
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(tmp, name), content, { mode: 0o600 });
  try {
    renameSync(tmp, dir);
    return true;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}

/** The demo CA, generated on first use into DATA_DIR/secrets/pki/ca and reused afterwards. */
export function loadOrCreateDemoCa(dataDir: string): KeyAndCert {
  const dir = path.join(pkiDir(dataDir), 'ca');
  if (!existsSync(path.join(dir, 'ca.key.pem'))) {
    mkdirSync(pkiDir(dataDir), { recursive: true, mode: 0o700 });
    const ca = createCa('Ventanilla Demo Citizen CA');
    writeDirOnce(dir, { 'ca.cert.pem': ca.certPem, 'ca.key.pem': ca.keyPem });
  }
  return { certPem: readFileSync(path.join(dir, 'ca.cert.pem'), 'utf8'), keyPem: readFileSync(path.join(dir, 'ca.key.pem'), 'utf8') };
}

/** The demo TLS server certificate for the client-certificate endpoint (localhost, 127.0.0.1). */
export function loadOrCreateDemoServerCertificate(dataDir: string): KeyAndCert {
  const dir = path.join(pkiDir(dataDir), 'server');
  if (!existsSync(path.join(dir, 'server.key.pem'))) {
    const kc = issueServerCertificate(loadOrCreateDemoCa(dataDir));
    writeDirOnce(dir, { 'server.cert.pem': kc.certPem, 'server.key.pem': kc.keyPem });
  }
  return { certPem: readFileSync(path.join(dir, 'server.cert.pem'), 'utf8'), keyPem: readFileSync(path.join(dir, 'server.key.pem'), 'utf8') };
}

/** The demo citizen's certificate files (PEM cert, PEM key, PKCS#12), created when missing. */
export function ensureCitizenCertificateFiles(dataDir: string, c: { dni: string; givenName: string; surname: string }): CitizenCertificateFiles {
  const dir = path.join(pkiDir(dataDir), 'citizens', c.dni);
  const files: CitizenCertificateFiles = {
    dni: c.dni,
    certFile: path.join(dir, 'cert.pem'),
    keyFile: path.join(dir, 'key.pem'),
    p12File: path.join(dir, 'certificate.p12'),
    p12Password: DEMO_P12_PASSWORD,
  };
  if (!existsSync(files.p12File)) {
    mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    const ca = loadOrCreateDemoCa(dataDir);
    const kc = issueCitizenCertificate(ca, c);
    writeDirOnce(dir, {
      'cert.pem': kc.certPem,
      'key.pem': kc.keyPem,
      'certificate.p12': toPkcs12(kc, ca.certPem, DEMO_P12_PASSWORD, `${c.givenName} ${c.surname}`),
    });
  }
  return files;
}
