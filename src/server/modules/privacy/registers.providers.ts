import type { Language } from '../../../shared/languages.ts';
import type { PersonalDataProvider } from './privacy.service.ts';

/** What the privacy module needs from the procedure registers: read-only lists of one citizen's records. */
export interface RegisterReaders {
  appointments: { listAllForExport(tenantId: string, dni: string, lang: Language): Promise<unknown[]> };
  filings: { listMine(tenantId: string, dni: string, lang: Language): Promise<unknown[]> };
  payments: { listAll(tenantId: string, dni: string, lang: Language): Promise<unknown[]>; listPayments(tenantId: string, dni: string): Promise<unknown[]> };
  padron: { listMine(tenantId: string, dni: string): Promise<unknown[]> };
}

/**
 * The registers are public records: the council must keep filings (Ley 39/2015, art. 16), tax and payment
 * records (Ley General Tributaria) and issued certificates. They are exported on request but never erased here;
 * the erasure report says so, so the officer can answer the citizen.
 */
const RETAINED = 'public record the council must keep by law (Ley 39/2015; Ley 58/2003 General Tributaria)';

export function registerProviders(r: RegisterReaders, lang: Language = 'es'): PersonalDataProvider[] {
  const keep = async () => ({ erased: 0, retained: RETAINED });
  return [
    { domain: 'appointments', export: (t, dni) => r.appointments.listAllForExport(t, dni, lang), erase: keep },
    { domain: 'filings', export: (t, dni) => r.filings.listMine(t, dni, lang), erase: keep },
    {
      domain: 'taxes',
      export: async (t, dni) => ({ receiptsAndFines: await r.payments.listAll(t, dni, lang), payments: await r.payments.listPayments(t, dni) }),
      erase: keep,
    },
    { domain: 'certificates', export: (t, dni) => r.padron.listMine(t, dni), erase: keep },
  ];
}
