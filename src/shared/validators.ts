/** Spanish identity documents and bank accounts, validated by their check characters. */

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Uppercases and strips spaces, dots and dashes: "12.345.678-z" -> "12345678Z". */
export function normalizeDocumentId(raw: string): string {
  return raw.toUpperCase().replace(/[\s.-]/g, '');
}

/** DNI (8 digits + letter) with a correct check letter. */
export function isValidDni(raw: string): boolean {
  const v = normalizeDocumentId(raw);
  const m = /^(\d{8})([A-Z])$/.exec(v);
  if (!m) return false;
  return DNI_LETTERS[Number(m[1]) % 23] === m[2];
}

/** NIE (X/Y/Z + 7 digits + letter) with a correct check letter. */
export function isValidNie(raw: string): boolean {
  const v = normalizeDocumentId(raw);
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(v);
  if (!m) return false;
  const prefix = { X: '0', Y: '1', Z: '2' }[m[1] as 'X' | 'Y' | 'Z'];
  return DNI_LETTERS[Number(prefix + m[2]) % 23] === m[3];
}

export function isValidDniOrNie(raw: string): boolean {
  return isValidDni(raw) || isValidNie(raw);
}

/** IBAN with a correct ISO 13616 mod-97 checksum (any country). */
export function isValidIban(raw: string): boolean {
  const v = raw.toUpperCase().replace(/\s/g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(v)) return false;
  const rearranged = v.slice(4) + v.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of code) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}
