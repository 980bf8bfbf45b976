import type { TenantProfile } from './tenant.schema.ts';

/** The part of a profile the browser may see (no kiosk token hashes). */
export function publicTenant(t: TenantProfile) {
  return {
    id: t.id,
    names: t.names,
    languages: t.languages,
    defaultLanguage: t.defaultLanguage,
    timeZone: t.timeZone,
    branding: { ...t.branding, logo: t.branding.logo ? '/branding/logo' : undefined },
    procedures: t.procedures,
    offices: t.offices.map((o) => ({ id: o.id, names: o.names, address: o.address, coordinates: o.coordinates, openingHours: o.openingHours })),
    contact: t.contact,
    departments: t.departments.map((d) => ({ id: d.id, names: d.names })),
  };
}
export type PublicTenant = ReturnType<typeof publicTenant>;
