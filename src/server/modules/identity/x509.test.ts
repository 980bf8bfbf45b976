import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCa, createCrl, issueCitizenCertificate } from './pki.ts';
import { trustStoreLoader } from './trust.ts';
import { CertificateError, createTrustStore, toX509, verifyCitizenCertificate } from './x509.ts';

// A DNIe-shaped hierarchy: a root the council trusts, an issuing CA the card presents, the citizen.
const root = createCa('AC RAIZ DEMO');
const issuing = createCa('AC DEMO 004', { issuer: root });
const citizen = issueCitizenCertificate(issuing, { dni: '12345678Z', givenName: 'María', surname: 'García López' });
const leaf = toX509(citizen.certPem);
const chain = [toX509(issuing.certPem)];
const serial = (pem: string) => toX509(pem).serialNumber;

const problemOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof CertificateError ? err.problem : String(err);
  }
};

describe('citizen certificate checks', () => {
  it('accepts a chain through the issuing CA the card presents, and reads the DNI', () => {
    const store = createTrustStore(root.certPem);
    expect(verifyCitizenCertificate(leaf, store, { presentedChain: chain })).toMatchObject({ dni: '12345678Z' });
    expect(problemOf(() => verifyCitizenCertificate(leaf, store))).toBe('untrusted');
  });

  it("checks the leaf against its issuing CA's CRL and the issuing CA against the root's", () => {
    // The council's bundle holds the root and the issuing CA (whose CRL it loads); the card need not present it.
    const bundle = root.certPem + issuing.certPem;
    const leafRevoked = createTrustStore(bundle, createCrl(issuing, [serial(citizen.certPem)]));
    expect(problemOf(() => verifyCitizenCertificate(leaf, leafRevoked))).toBe('revoked');
    const caRevoked = createTrustStore(bundle, createCrl(root, [serial(issuing.certPem)]));
    expect(problemOf(() => verifyCitizenCertificate(leaf, caRevoked))).toBe('revoked');
    expect(problemOf(() => verifyCitizenCertificate(leaf, createTrustStore(root.certPem, createCrl(root, [serial(issuing.certPem)])), { presentedChain: chain }))).toBe('revoked');
    // A root list that does not name the issuing CA leaves the citizen signed in.
    const other = createTrustStore(root.certPem, createCrl(root, ['0badc0de']));
    expect(verifyCitizenCertificate(leaf, other, { presentedChain: chain })).toMatchObject({ dni: '12345678Z' });
  });

  it('reads several PEM CRLs from one file and fails closed once a list is past its next update', () => {
    const pem = (der: Buffer) => `-----BEGIN X509 CRL-----\n${der.toString('base64')}\n-----END X509 CRL-----\n`;
    // Dates from the real clock: the certificates above were issued today.
    const day = 86_400_000;
    const issued = new Date();
    const store = createTrustStore(root.certPem + issuing.certPem, pem(createCrl(root, [], issued)) + pem(createCrl(issuing, [], issued)));
    expect(store.crls).toHaveLength(2);
    expect(verifyCitizenCertificate(leaf, store, { presentedChain: chain, now: new Date(issued.getTime() + 5 * day) })).toMatchObject({ dni: '12345678Z' });
    // The lists promised a new one within a week: a week and a day later they may be hiding a revocation.
    expect(problemOf(() => verifyCitizenCertificate(leaf, store, { presentedChain: chain, now: new Date(issued.getTime() + 8 * day) }))).toBe('crl_stale');
  });

  it('refuses a certificate that is not valid yet', () => {
    const future = issueCitizenCertificate(root, { dni: '12345678Z', givenName: 'María', surname: 'García López', notBefore: new Date(Date.now() + 86_400_000) });
    expect(problemOf(() => verifyCitizenCertificate(toX509(future.certPem), createTrustStore(root.certPem)))).toBe('not_yet_valid');
  });

  it('picks up a replaced CRL file without a restart', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-crl-reload-'));
    const caFile = path.join(dir, 'ca.pem');
    const crlFile = path.join(dir, 'crl.der');
    writeFileSync(caFile, root.certPem + issuing.certPem);
    writeFileSync(crlFile, createCrl(issuing, []));
    let clock = 1_000_000;
    const load = trustStoreLoader({ CLIENT_CA_FILE: caFile, CLIENT_CRL_FILE: crlFile, DEMO_DATA: false, dataDir: dir }, { now: () => clock });
    expect(verifyCitizenCertificate(leaf, load() ?? createTrustStore(root.certPem))).toMatchObject({ dni: '12345678Z' });
    // The operator's cron drops in a list that revokes María's certificate.
    writeFileSync(crlFile, createCrl(issuing, [serial(citizen.certPem)]));
    utimesSync(crlFile, new Date(), new Date(Date.now() + 5_000));
    expect(load()?.crls[0]?.revokedSerials.size).toBe(0); // not looked at again within the minute
    clock += 61_000;
    expect(problemOf(() => verifyCitizenCertificate(leaf, load() ?? createTrustStore(root.certPem)))).toBe('revoked');
  });
});
