/**
 * What every request carries. Declared here so that every module codes against the same shape;
 * `plugins/context.ts` fills lang and tenant, the identity module fills auth.
 */
import type { Language } from '../shared/languages.ts';
import type { TenantProfile } from './modules/tenants/index.ts';

export type AuthMethod = 'x509' | 'card' | 'oidc' | 'password';
export type StaffRole = 'admin' | 'agent' | 'editor' | 'analyst';
export type Channel = 'web' | 'widget' | 'kiosk' | 'assistant' | 'cli' | 'api' | 'system';

/** A signed-in citizen. `dni` is the normalised DNI/NIE: the key every register uses. */
export interface CitizenAuth {
  kind: 'citizen';
  sessionId: string;
  tenantId: string;
  dni: string;
  givenName: string;
  surname: string;
  method: AuthMethod;
}

export interface StaffAuth {
  kind: 'staff';
  sessionId: string;
  tenantId: string;
  staffId: string;
  name: string;
  roles: StaffRole[];
}

export type Auth = CitizenAuth | StaffAuth;

declare module 'fastify' {
  interface FastifyRequest {
    /** The language to answer in. */
    lang: Language;
    /** The council the request is for, when it names one. */
    tenant: TenantProfile | undefined;
    /** The council, or a 400 `tenants.required` error. */
    requireTenant(): TenantProfile;
    /** Who is signed in (set by the identity module), else undefined. */
    auth: Auth | undefined;
    /** Where the request comes from: the kiosk id when it comes from a registered kiosk. */
    kioskId: string | undefined;
    channel: Channel;
  }
}
