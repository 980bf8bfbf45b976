import { describe, expect, it } from 'vitest';
import { foldText, normalizeText, tokenize } from './nlu.normalize.ts';

describe('text normalisation', () => {
  it('lowercases, strips accents and keeps the length so offsets stay valid', () => {
    const text = 'Mañana a las DIEZ, Benalúa';
    expect(foldText(text)).toBe('manana a las diez, benalua');
    expect(foldText(text).length).toBe(text.length);
  });

  it('collapses repeated letters and expands SMS spellings', () => {
    expect(normalizeText('Holaaaa, kiero pagar xq me llego el recibooo')).toBe('hola quiero pagar porque me llego el recibo');
    expect(normalizeText('q tal, x favor')).toBe('que tal por favor');
  });

  it("splits Valencian apostrophes and the middle dot of sol·licitud", () => {
    expect(tokenize("vull el certificat d'empadronament")).toEqual(['vull', 'el', 'certificat', 'de', 'empadronament']);
    expect(tokenize('la meua sol·licitud')).toEqual(['la', 'meua', 'sollicitud']);
  });

  it('keeps document numbers, references and e-mail addresses whole', () => {
    expect(tokenize('DNI 12345678Z, recibo REC-2026-000123, exp 2026/1234, correo ana@example.org')).toEqual([
      'dni', '12345678z', 'recibo', 'rec-2026-000123', 'exp', '2026/1234', 'correo', 'ana@example.org',
    ]);
  });
});
