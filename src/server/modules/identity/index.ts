/** Identity: who is signed in, sessions, CSRF, guards and the audit log. What other modules may import. */
/** Builds the module (service, OIDC, session plugin options, routes); used by the registry. */
export { createIdentityModule, type IdentityModule } from './identity.module.ts';
/** The service: sign-ins, sessions (`endSession`, `endSessionsForKiosk` for the kiosk wipe), CSRF tokens, staff accounts. */
export { IdentityService, MAX_PIN_ATTEMPTS, SESSION_TTL, STAFF_ROLES, type SignInContext, type SignedIn } from './identity.service.ts';
/** The session + CSRF plugin (register before other modules' routes), cookie and header names. */
export { sessionPlugin, SESSION_COOKIE, CSRF_HEADER } from './session.plugin.ts';
/** Guards: the typed signed-in citizen or staff member, else 401/403. */
export { requireCitizen, requireStaff } from './guards.ts';
/** The audit log helper: who, what, when, channel, kiosk. */
export { audit, auditActor, type AuditActor, type AuditRecord } from './audit.ts';
/** Demo identities (citizens, cards, staff) from data/demo/citizens.yaml, seeded at boot when DEMO_DATA is on. */
export { seedDemoIdentities, readDemoIdentities, DEMO_CITIZENS_PATH } from './demo-seed.ts';
/** The demo PKI: CA, citizen certificate files (PEM + PKCS#12), CRLs. */
export { ensureCitizenCertificateFiles, loadOrCreateDemoCa, createCa, issueCitizenCertificate, createCrl, DEMO_P12_PASSWORD } from './pki.ts';
/** Citizen certificate parsing and verification (DNIe/FNMT subject fields, chain, dates, CRL). */
export { readCitizenSubject, verifyCitizenCertificate, createTrustStore, toX509, CertificateError } from './x509.ts';
