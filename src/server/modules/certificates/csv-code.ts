import { randomBytes } from 'node:crypto';

/**
 * Secure verification codes (CSV, "código seguro de verificación"): 20 symbols of Crockford's base32
 * (no I, L, O, U), 5 bits each = 100 random bits, so guessing a valid code is hopeless even without rate limits.
 * Shown in groups of four: "7GQ2-M4XK-0ZC9-W1HT-B6PD".
 */
export const CSV_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CSV_LENGTH = 20;

/** A fresh random code in its canonical form (20 symbols, no dashes). */
export function generateCsvCode(): string {
  // 32 symbols divide 256 evenly, so taking the low 5 bits of each byte is unbiased.
  const bytes = randomBytes(CSV_LENGTH);
  let out = '';
  for (const b of bytes) out += CSV_ALPHABET[b & 31];
  return out;
}

/**
 * The canonical form of what a person typed or scanned, or undefined when it cannot be a code: case, spaces and
 * dashes are ignored and the look-alikes O->0, I/L->1 are mapped, as Crockford's alphabet intends.
 */
export function normalizeCsvCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const s = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== CSV_LENGTH) return undefined;
  for (const ch of s) if (!CSV_ALPHABET.includes(ch)) return undefined;
  return s;
}

/** "7GQ2M4XK0ZC9W1HTB6PD" -> "7GQ2-M4XK-0ZC9-W1HT-B6PD", easier to read aloud and type. */
export function formatCsvCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}
