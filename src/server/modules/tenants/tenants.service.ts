import type { Language } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import type { LoadedTenant } from './tenants.loader.ts';
import type { LocalizedText, TenantProfile } from './tenant.schema.ts';

/** The councils this deployment serves, and how a request finds its council. */
export class TenantRegistry {
  private readonly byId = new Map<string, LoadedTenant>();
  private readonly byHost = new Map<string, LoadedTenant>();

  constructor(tenants: readonly LoadedTenant[]) {
    for (const t of tenants) {
      this.byId.set(t.profile.id, t);
      for (const h of t.profile.routing.hostnames) this.byHost.set(h.toLowerCase(), t);
    }
  }

  list(): TenantProfile[] {
    return [...this.byId.values()].map((t) => t.profile);
  }

  find(id: string): TenantProfile | undefined {
    return this.byId.get(id)?.profile;
  }

  /** The profile, or a 404 `tenants.not_found` error. */
  get(id: string): TenantProfile {
    const t = this.find(id);
    if (!t) throw new AppError('tenants.not_found', { params: { id } });
    return t;
  }

  loaded(id: string): LoadedTenant | undefined {
    return this.byId.get(id);
  }

  /** The council that owns a hostname (port ignored), if any. */
  fromHost(host: string | undefined): TenantProfile | undefined {
    if (!host) return undefined;
    const name = host.replace(/:\d+$/, '').toLowerCase();
    return this.byHost.get(name)?.profile;
  }

  /** The only council, when the deployment serves just one: then no routing is needed. */
  single(): TenantProfile | undefined {
    return this.byId.size === 1 ? [...this.byId.values()][0]?.profile : undefined;
  }
}

/** Picks a text in `lang`, else the council's default language, else any. */
export function localize(text: LocalizedText | undefined, lang: Language, tenant?: Pick<TenantProfile, 'defaultLanguage'>): string {
  if (!text) return '';
  return text[lang] ?? (tenant ? text[tenant.defaultLanguage] : undefined) ?? text.es ?? text.ca ?? text.en ?? '';
}

/** The language to use for a council: the wish when enabled there, else its default. */
export function tenantLanguage(tenant: TenantProfile, wish: Language | undefined): Language {
  return wish && tenant.languages.includes(wish) ? wish : tenant.defaultLanguage;
}
