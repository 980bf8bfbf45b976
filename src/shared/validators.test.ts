import { describe, expect, it } from 'vitest';
import { isValidDni, isValidIban, isValidNie, normalizeDocumentId } from './validators.ts';

describe('document validators', () => {
  it('accepts DNIs with the right letter and rejects a wrong one', () => {
    expect(isValidDni('12345678Z')).toBe(true);
    expect(isValidDni('12.345.678-z')).toBe(true);
    expect(isValidDni('12345678A')).toBe(false);
    expect(isValidDni('1234567Z')).toBe(false);
  });
  it('accepts NIEs with the right letter', () => {
    expect(isValidNie('X1234567L')).toBe(true);
    expect(isValidNie('Y1234567X')).toBe(true);
    expect(isValidNie('X1234567A')).toBe(false);
  });
  it('validates IBAN checksums', () => {
    expect(isValidIban('ES91 2100 0418 4502 0005 1332')).toBe(true);
    expect(isValidIban('ES92 2100 0418 4502 0005 1332')).toBe(false);
  });
  it('normalises spacing and case', () => {
    expect(normalizeDocumentId(' x-1234567-l ')).toBe('X1234567L');
  });
});
