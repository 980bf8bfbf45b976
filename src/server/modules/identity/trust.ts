/** Which CAs the council trusts for citizen certificates: CLIENT_CA_FILE, else the demo CA when DEMO_DATA is on. */
import { readFileSync } from 'node:fs';
import type { Config } from '../../config.ts';
import { loadOrCreateDemoCa } from './pki.ts';
import { createTrustStore, type TrustStore } from './x509.ts';

export type TrustConfig = Pick<Config, 'CLIENT_CA_FILE' | 'CLIENT_CRL_FILE' | 'DEMO_DATA' | 'dataDir'>;

/** The PEM bundle the TLS server names in its certificate request, or undefined when nothing is trusted. */
export function trustedBundlePem(config: TrustConfig): string | undefined {
  if (config.CLIENT_CA_FILE) return readFileSync(config.CLIENT_CA_FILE, 'utf8');
  if (config.DEMO_DATA) return loadOrCreateDemoCa(config.dataDir).certPem;
  return undefined;
}

/** Loads the trust store once (the demo CA is generated on first use, not at every start). */
export function trustStoreLoader(config: TrustConfig): () => TrustStore | undefined {
  let cached: TrustStore | undefined;
  let isLoaded = false;
  return () => {
    if (isLoaded) return cached;
    const bundle = trustedBundlePem(config);
    cached = bundle ? createTrustStore(bundle, config.CLIENT_CRL_FILE ? readFileSync(config.CLIENT_CRL_FILE) : undefined) : undefined;
    isLoaded = true;
    return cached;
  };
}
