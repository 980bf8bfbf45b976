/**
 * Citizen certificates (DNIe, FNMT): reading the Spanish subject fields and checking a certificate
 * against the council's trusted CA bundle, its validity dates and an optional CRL.
 * Signatures and dates are checked by Node's native X509Certificate (RSA and EC alike); the subject
 * is read from the DER with node-forge's ASN.1 reader, because Node's string form escapes UTF-8
 * names ("MUÑOZ") inconsistently across versions.
 */
import { createPublicKey, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { isValidDniOrNie, normalizeDocumentId } from '../../../shared/validators.ts';

/** OIDs of the subject attributes we read. */
const OID = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  givenName: '2.5.4.42',
} as const;

export interface CitizenCertificateSubject {
  /** Normalised DNI/NIE with a valid check letter. */
  dni: string;
  givenName: string;
  surname: string;
  commonName: string;
}

export type CertificateProblem = 'unreadable' | 'untrusted' | 'expired' | 'not_yet_valid' | 'revoked' | 'crl_stale' | 'no_identity' | 'not_client';

/** Thrown by the checks; `problem` goes to the log and the audit entry, never to the user. */
export class CertificateError extends Error {
  constructor(readonly problem: CertificateProblem, detail?: string) {
    super(detail ? `${problem}: ${detail}` : problem);
    this.name = 'CertificateError';
  }
}

/** Splits a PEM bundle into its certificates (a bundle may hold roots and intermediates). */
export function splitPemBundle(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Accepts PEM, DER, or PEM with its line breaks flattened to spaces/tabs (as some proxies send it). */
export function toX509(input: string | Buffer): X509Certificate {
  try {
    if (Buffer.isBuffer(input)) return new X509Certificate(input);
    let text = input.trim();
    // nginx $ssl_client_escaped_cert is URL-encoded.
    if (text.includes('%2F') || text.includes('%0A') || text.startsWith('-----BEGIN%20')) text = decodeURIComponent(text);
    const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
    const body = (m?.[1] ?? text).replace(/[^A-Za-z0-9+/=]/g, '');
    return new X509Certificate(Buffer.from(body, 'base64'));
  } catch (err) {
    throw new CertificateError('unreadable', err instanceof Error ? err.message : undefined);
  }
}

function subjectAttributes(cert: X509Certificate): Map<string, string> {
  const out = new Map<string, string>();
  const asn = forge.asn1.fromDer(forge.util.createBuffer(cert.raw.toString('binary')));
  // Certificate ::= SEQUENCE { tbsCertificate, ... }; tbs: [0] version?, serial, sigAlg, issuer, validity, subject, ...
  const tbs = (asn.value as forge.asn1.Asn1[])[0];
  if (!tbs || !Array.isArray(tbs.value)) throw new CertificateError('unreadable', 'no tbsCertificate');
  const fields = tbs.value;
  const first = fields[0];
  const offset = first && first.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const subject = fields[offset + 4];
  if (!subject || !Array.isArray(subject.value)) throw new CertificateError('unreadable', 'no subject');
  for (const rdn of subject.value) {
    if (!Array.isArray(rdn.value)) continue;
    for (const atv of rdn.value) {
      if (!Array.isArray(atv.value) || atv.value.length < 2) continue;
      const [oidNode, valueNode] = atv.value;
      if (!oidNode || !valueNode || typeof oidNode.value !== 'string' || typeof valueNode.value !== 'string') continue;
      const oid = forge.asn1.derToOid(forge.util.createBuffer(oidNode.value));
      const raw = valueNode.value;
      const text =
        valueNode.type === forge.asn1.Type.UTF8
          ? forge.util.decodeUtf8(raw)
          : valueNode.type === forge.asn1.Type.BMPSTRING
            ? Buffer.from(raw, 'binary').swap16().toString('utf16le')
            : raw;
      if (!out.has(oid)) out.set(oid, text);
    }
  }
  return out;
}

/**
 * Maps the subject to a citizen. DNIe 3.0/4.0 and current FNMT certificates carry serialNumber
 * "IDCES-<DNI>" (ETSI EN 319 412-1); older ones carry the bare DNI, or only "… - NIF <DNI>" in the CN.
 */
export function readCitizenSubject(cert: X509Certificate): CitizenCertificateSubject {
  const attrs = subjectAttributes(cert);
  const commonName = attrs.get(OID.commonName) ?? '';
  const candidates: string[] = [];
  const serial = attrs.get(OID.serialNumber);
  if (serial) candidates.push(serial.replace(/^(IDC|PNO)ES-?/i, ''));
  const nif = /NIF[:\s]+([0-9XYZ][0-9]{7}[A-Z])/i.exec(commonName);
  if (nif?.[1]) candidates.push(nif[1]);
  const dni = candidates.map(normalizeDocumentId).find(isValidDniOrNie);
  if (!dni) throw new CertificateError('no_identity', 'no valid DNI/NIE in the subject');
  let givenName = attrs.get(OID.givenName) ?? '';
  let surname = attrs.get(OID.surname) ?? '';
  // DNIe CN: "GARCÍA LÓPEZ, MARÍA (AUTENTICACIÓN)" — the fallback when GN/SN are absent.
  if (!givenName || !surname) {
    const m = /^([^,]+),\s*([^(]+?)\s*(\(.*\))?$/.exec(commonName);
    if (m?.[1] && m[2]) {
      surname ||= m[1].trim();
      givenName ||= m[2].trim();
    }
  }
  return { dni, givenName, surname, commonName };
}

/** A parsed CRL: the revoked serial numbers, checked against the issuer's signature. */
export interface RevocationList {
  issuer: X509Certificate;
  revokedSerials: Set<string>;
  nextUpdate: Date | undefined;
}

/** Hex serial without leading zeros, lower-case: the one form we compare. */
export function normalizeSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+/, '') || '0';
}

const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** Byte span of the first DER element inside `buf` at `at` (header + content). */
function derSpan(buf: Buffer, at: number): { start: number; contentStart: number; end: number } {
  const lenByte = buf[at + 1] ?? 0;
  let len = lenByte;
  let header = 2;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[at + 2 + i] ?? 0);
    header = 2 + n;
  }
  return { start: at, contentStart: at + header, end: at + header + len };
}

function asnTime(node: forge.asn1.Asn1): Date | undefined {
  if (typeof node.value !== 'string') return undefined;
  if (node.type === forge.asn1.Type.UTCTIME) return forge.asn1.utcTimeToDate(node.value);
  if (node.type === forge.asn1.Type.GENERALIZEDTIME) return forge.asn1.generalizedTimeToDate(node.value);
  return undefined;
}

/**
 * Reads a CRL (PEM or DER) and checks its signature against one of the trusted certificates.
 * An unsigned or foreign CRL is refused: a forged list could otherwise hide nothing but revoke anyone.
 */
export function parseCrl(input: Buffer | string, trusted: readonly X509Certificate[]): RevocationList {
  const text = Buffer.isBuffer(input) ? input.toString('latin1') : input;
  const pem = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/.exec(text);
  const der = pem?.[1] ? Buffer.from(pem[1].replace(/\s/g, ''), 'base64') : Buffer.isBuffer(input) ? input : Buffer.from(input, 'latin1');
  const outer = derSpan(der, 0);
  const tbsSpan = derSpan(der, outer.contentStart);
  const tbsDer = der.subarray(tbsSpan.start, tbsSpan.end);
  const asn = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const parts = asn.value as forge.asn1.Asn1[];
  const [tbs, sigAlg, sigValue] = parts;
  if (!tbs || !sigAlg || !sigValue || !Array.isArray(tbs.value) || !Array.isArray(sigAlg.value) || typeof sigValue.value !== 'string') {
    throw new Error('not a CRL');
  }
  const algOidNode = sigAlg.value[0];
  const algOid = algOidNode && typeof algOidNode.value === 'string' ? forge.asn1.derToOid(forge.util.createBuffer(algOidNode.value)) : '';
  const hash = SIGNATURE_HASHES[algOid];
  if (!hash) throw new Error(`unsupported CRL signature algorithm ${algOid}`);
  // BIT STRING: the first byte counts unused bits.
  const signature = Buffer.from(sigValue.value, 'binary').subarray(1);
  const issuer = trusted.find((ca) => {
    try {
      return cryptoVerify(hash, tbsDer, createPublicKey(ca.publicKey.export({ type: 'spki', format: 'pem' })), signature);
    } catch {
      return false;
    }
  });
  if (!issuer) throw new Error('the CRL is not signed by a trusted CA');
  const fields = tbs.value;
  let i = fields[0]?.type === forge.asn1.Type.INTEGER ? 1 : 0;
  i += 3; // signature algorithm, issuer, thisUpdate
  let nextUpdate: Date | undefined;
  const maybeNext = fields[i];
  if (maybeNext && (maybeNext.type === forge.asn1.Type.UTCTIME || maybeNext.type === forge.asn1.Type.GENERALIZEDTIME)) {
    nextUpdate = asnTime(maybeNext);
    i += 1;
  }
  const revokedSerials = new Set<string>();
  const list = fields[i];
  if (list && list.tagClass === forge.asn1.Class.UNIVERSAL && list.type === forge.asn1.Type.SEQUENCE && Array.isArray(list.value)) {
    for (const entry of list.value) {
      const serialNode = Array.isArray(entry.value) ? entry.value[0] : undefined;
      if (serialNode && typeof serialNode.value === 'string') revokedSerials.add(normalizeSerial(forge.util.bytesToHex(serialNode.value)));
    }
  }
  return { issuer, revokedSerials, nextUpdate };
}

/** Every CRL in a file: one DER, or any number of PEM blocks (one per CA of the bundle, say). */
export function parseCrls(input: Buffer | string, trusted: readonly X509Certificate[]): RevocationList[] {
  const text = Buffer.isBuffer(input) ? input.toString('latin1') : input;
  const blocks = text.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g);
  return blocks ? blocks.map((b) => parseCrl(b, trusted)) : [parseCrl(input, trusted)];
}

export interface TrustStore {
  /** Roots and intermediates the council trusts for citizen sign-in. */
  certificates: X509Certificate[];
  /** Revocation lists, each signed by (and covering the certificates issued by) a trusted CA. */
  crls: RevocationList[];
}

/** Loads a trust store from PEM text (bundle) and optional CRLs. */
export function createTrustStore(bundlePem: string, crl?: Buffer | string): TrustStore {
  const certificates = splitPemBundle(bundlePem).map((p) => new X509Certificate(p));
  if (certificates.length === 0) throw new Error('the CA bundle holds no certificate');
  return { certificates, crls: crl === undefined ? [] : parseCrls(crl, certificates) };
}

/**
 * Each link of the chain against the CRL of the CA that issued it (the leaf against its issuing CA's list, an
 * intermediate against the root's). A CA without a configured list is not checked; a configured list past its
 * nextUpdate fails closed, as a stale list could hide a revocation.
 */
function checkRevocation(path: readonly X509Certificate[], store: TrustStore, now: Date): void {
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i];
    const issuer = path[i + 1];
    if (!cert || !issuer) continue;
    const crl = store.crls.find((c) => c.issuer.fingerprint256 === issuer.fingerprint256);
    if (!crl) continue;
    if (crl.nextUpdate && crl.nextUpdate < now) throw new CertificateError('crl_stale', issuer.subject);
    if (crl.revokedSerials.has(normalizeSerial(cert.serialNumber))) throw new CertificateError('revoked', cert.subject);
  }
}

/**
 * Checks the certificate: validity dates, a chain of signatures up to a certificate in the trust
 * store (through presented or trusted intermediates), and the CRL. Returns the citizen it names.
 */
export function verifyCitizenCertificate(
  leaf: X509Certificate,
  store: TrustStore,
  opts: { now?: Date; presentedChain?: X509Certificate[] } = {},
): CitizenCertificateSubject {
  const now = opts.now ?? new Date();
  const inDates = (c: X509Certificate): void => {
    if (new Date(c.validFrom) > now) throw new CertificateError('not_yet_valid', c.subject);
    if (new Date(c.validTo) < now) throw new CertificateError('expired', c.subject);
  };
  inDates(leaf);
  if (leaf.ca) throw new CertificateError('not_client', 'a CA certificate cannot sign in');
  const trusted = store.certificates;
  const pool = [...trusted, ...(opts.presentedChain ?? [])];
  let current = leaf;
  const path = [leaf];
  // Bounded walk: real chains have 2-4 links.
  for (let depth = 0; depth < 6; depth++) {
    const anchor = trusted.find((t) => current.checkIssued(t) && current.verify(t.publicKey));
    if (anchor) {
      inDates(anchor);
      path.push(anchor);
      // A trusted intermediate still answers to its root's CRL: follow the trusted issuers up to the root.
      for (let up = path.length; up < 8; up++) {
        const top = path[path.length - 1];
        const parent = top && trusted.find((t) => t.fingerprint256 !== top.fingerprint256 && top.checkIssued(t) && top.verify(t.publicKey));
        if (!parent || path.includes(parent)) break;
        path.push(parent);
      }
      checkRevocation(path, store, now);
      return readCitizenSubject(leaf);
    }
    const next = pool.find((c) => c.ca && current.checkIssued(c) && current.verify(c.publicKey));
    if (!next || next.fingerprint256 === current.fingerprint256) break;
    inDates(next);
    path.push(next);
    current = next;
  }
  throw new CertificateError('untrusted', leaf.issuer);
}
