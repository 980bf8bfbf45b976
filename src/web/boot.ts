import type { Language } from '../shared/languages.ts';

type Localized = { es?: string; ca?: string; en?: string };

export interface BootTenant {
  id: string;
  names: Localized;
  languages: Language[];
  defaultLanguage: Language;
  timeZone: string;
  branding: { primaryColor: string; onPrimaryColor: string; backgroundColor: string; textColor: string; logo?: string };
  procedures: string[];
  offices: { id: string; names: Localized; address: string }[];
  contact: { phone?: string; email?: string; web?: string };
  /** Where a filing can be addressed (absent on servers older than the filings form). */
  departments?: { id: string; names: Localized }[];
}

export interface Boot {
  lang: Language;
  /** "/t/<id>" when the council is chosen by path, "" when by host name. */
  basePath: string;
  tenant: BootTenant | null;
  tenants: { id: string; names: Localized; languages: Language[] }[];
}

/** The server writes this JSON into index.html (a data block, not a script, so the CSP stays strict). */
export function readBoot(): Boot {
  const el = document.getElementById('boot');
  const data = JSON.parse(el?.textContent || '{}') as Partial<Boot>;
  return {
    lang: data.lang ?? 'es',
    basePath: data.basePath ?? '',
    tenant: data.tenant ?? null,
    tenants: data.tenants ?? [],
  };
}

export function localized(text: Localized | undefined, lang: Language, fallback: Language = 'es'): string {
  if (!text) return '';
  return text[lang] ?? text[fallback] ?? text.es ?? text.ca ?? text.en ?? '';
}
