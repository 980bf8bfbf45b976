/** Which CAs the council trusts for citizen certificates: CLIENT_CA_FILE, else the demo CA when DEMO_DATA is on. */
import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../../config.ts';
import { loadOrCreateDemoCa } from './pki.ts';
import { createTrustStore, parseCrls, type TrustStore } from './x509.ts';

export type TrustConfig = Pick<Config, 'CLIENT_CA_FILE' | 'CLIENT_CRL_FILE' | 'DEMO_DATA' | 'dataDir'>;

/** The PEM bundle the TLS server names in its certificate request, or undefined when nothing is trusted. */
export function trustedBundlePem(config: TrustConfig): string | undefined {
  if (config.CLIENT_CA_FILE) return readFileSync(config.CLIENT_CA_FILE, 'utf8');
  if (config.DEMO_DATA) return loadOrCreateDemoCa(config.dataDir).certPem;
  return undefined;
}

/** How often the CRL file's modification time is looked at (ms): a refreshed list applies within a minute. */
const CRL_CHECK_MS = 60_000;

/**
 * Loads the trust store once (the demo CA is generated on first use, not at every start) and reloads the CRL
 * file when it changes, so the operator's cron that fetches fresh CRLs needs no restart. A file that cannot be
 * read or parsed keeps the previous lists and is reported through onCrlError.
 */
export function trustStoreLoader(config: TrustConfig, opts: { onCrlError?: (err: unknown) => void; now?: () => number } = {}): () => TrustStore | undefined {
  const now = opts.now ?? Date.now;
  let cached: TrustStore | undefined;
  let isLoaded = false;
  let crlMtime = 0;
  let checkedAt = 0;
  const crlFile = config.CLIENT_CRL_FILE;
  return () => {
    if (!isLoaded) {
      const bundle = trustedBundlePem(config);
      cached = bundle ? createTrustStore(bundle, crlFile ? readFileSync(crlFile) : undefined) : undefined;
      if (crlFile) crlMtime = statSync(crlFile).mtimeMs;
      checkedAt = now();
      isLoaded = true;
    } else if (cached && crlFile && now() - checkedAt >= CRL_CHECK_MS) {
      checkedAt = now();
      try {
        const mtime = statSync(crlFile).mtimeMs;
        if (mtime !== crlMtime) {
          cached = { ...cached, crls: parseCrls(readFileSync(crlFile), cached.certificates) };
          crlMtime = mtime;
        }
      } catch (err) {
        opts.onCrlError?.(err);
      }
    }
    return cached;
  };
}
