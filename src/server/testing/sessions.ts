/**
 * The session stores the kernel (src/server/sessions) serves: council sessions in the identity module, officer sessions
 * in the observatory. The kernel's own test drives both through the real repositories, which only this file reaches.
 */
export { IdentityRepository, type CouncilSessionFields, type SessionRow } from '../modules/identity/identity.repository.ts';
export { insertAccount, obsSessionStore } from '../modules/observatory/accounts.repository.ts';
