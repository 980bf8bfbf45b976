/**
 * The one password helper (staff passwords, card PINs, observatory officers): argon2id with the library's
 * defaults (m=19 MiB, t=2, p=1: OWASP's minimum).
 */
import { randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

/** A hash of a random secret, made once per process: unknown accounts are verified against it. */
let dummyHash: Promise<string> | undefined;

export function hashPassword(secret: string): Promise<string> {
  return argonHash(secret);
}

/**
 * Verifies `secret` against `hash`. With no hash (an unknown account) it verifies against a throw-away one
 * and answers false, so an unknown account costs the same time as a known one (no enumeration by timing).
 * A malformed stored hash (a seed owner's '!') is a wrong password, never an error.
 */
export async function verifyPassword(hash: string | undefined, secret: string): Promise<boolean> {
  if (hash) return argonVerify(hash, secret).catch(() => false);
  dummyHash ??= argonHash(randomBytes(16).toString('hex'));
  await argonVerify(await dummyHash, secret).catch(() => false);
  return false;
}
