import { loadOrCreateSeal, type Seal, type SealFileSource } from './seal.ts';

/** The seal of a council, loaded (or generated) once per process and cached: parsing a PKCS#12 costs ~50 ms. */
export type SealProvider = (tenantId: string) => Seal;

export function createSealProvider(dataDir: string, configuredFor: (tenantId: string) => SealFileSource | undefined = () => undefined): SealProvider {
  const cache = new Map<string, Seal>();
  return (tenantId) => {
    let seal = cache.get(tenantId);
    if (!seal) {
      seal = loadOrCreateSeal(dataDir, tenantId, configuredFor(tenantId));
      cache.set(tenantId, seal);
    }
    return seal;
  };
}
