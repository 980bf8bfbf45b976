import { describe, expect, it } from 'vitest';
import { extractEntities, type Entity } from './nlu.entities.ts';

// Wednesday 25 November 2026, 11:00 in Alicante.
const NOW = new Date('2026-11-25T10:00:00Z');
const CTX = {
  now: NOW,
  timeZone: 'Europe/Madrid',
  offices: [
    { id: 'centre', names: { es: 'Oficina de Atención Ciudadana Centro', ca: "Oficina d'Atenció Ciutadana Centre" }, aliases: ['centro', 'ayuntamiento'] },
    { id: 'benalua', names: { es: 'Oficina de Benalúa' }, aliases: ['benalua', 'benalúa'] },
  ],
};
const ents = (text: string) => extractEntities(text, CTX);
const pick = (list: Entity[], type: Entity['type']) => list.filter((e) => e.type === type).map((e) => e.value);

describe('entity extraction', () => {
  it('finds a DNI and a NIE with a valid check letter, and flags a wrong letter', () => {
    const text = 'mi dni es 12.345.678-z y el de mi mujer X1234567L, el de mi hijo 12345678A';
    const list = ents(text);
    expect(pick(list, 'dni')).toEqual(['12345678Z']);
    expect(pick(list, 'nie')).toEqual(['X1234567L']);
    expect(pick(list, 'invalid_document_id')).toEqual(['12345678A']);
    const dni = list.find((e) => e.type === 'dni');
    expect(dni && text.slice(dni.start, dni.end)).toBe('12.345.678-z');
  });

  it('resolves relative days and parts of the day in Spanish: "mañana por la tarde"', () => {
    const list = ents('quiero cita mañana por la tarde');
    expect(pick(list, 'date')).toEqual(['2026-11-26']);
    expect(pick(list, 'part_of_day')).toEqual(['afternoon']);
  });

  it('reads "dijous que ve a les deu" as next week\'s Thursday at 10:00 Madrid time', () => {
    const list = ents('vull cita dijous que ve a les deu');
    expect(pick(list, 'date')).toEqual(['2026-12-03']);
    expect(pick(list, 'time')).toEqual(['10:00']);
    expect(pick(list, 'datetime')).toEqual(['2026-12-03T10:00:00+01:00']);
  });

  it('reads "next Tuesday at 10" and "the 3rd of December" in English', () => {
    expect(pick(ents('next Tuesday at 10'), 'datetime')).toEqual(['2026-12-01T10:00:00+01:00']);
    expect(pick(ents('can I come on the 3rd of December'), 'date')).toEqual(['2026-12-03']);
  });

  it('takes an absolute date without a year as the next one, and keeps summer time offsets', () => {
    expect(pick(ents('el 3 de diciembre'), 'date')).toEqual(['2026-12-03']);
    expect(pick(ents('el 3 de junio a las 10:30'), 'datetime')).toEqual(['2027-06-03T10:30:00+02:00']);
    expect(pick(ents('el 15/01 a las 9'), 'datetime')).toEqual(['2027-01-15T09:00:00+01:00']);
  });

  it('reads afternoon hours the way people say them: "a las 5" is 17:00, "at 5pm" too', () => {
    expect(pick(ents('a las 5'), 'time')).toEqual(['17:00']);
    expect(pick(ents('at 5pm'), 'time')).toEqual(['17:00']);
    expect(pick(ents('a les nou i mitja del mati'), 'time')).toEqual(['09:30']);
  });

  it('turns money amounts into integer cents', () => {
    expect(pick(ents('son 25,50 € de la multa'), 'money')).toEqual([2550]);
    expect(pick(ents('me cobraron 1.234 euros'), 'money')).toEqual([123400]);
    expect(pick(ents('it was €12.5'), 'money')).toEqual([1250]);
  });

  it('recognises receipt, fine and file references', () => {
    expect(pick(ents('pagar el recibo rec-2026-000123'), 'receipt_ref')).toEqual(['REC-2026-000123']);
    expect(pick(ents('recibo numero 1234567890'), 'receipt_ref')).toEqual(['1234567890']);
    expect(pick(ents('la multa MUL 2026 004512'), 'fine_ref')).toEqual(['MUL-2026-004512']);
    expect(pick(ents('la multa del expediente 2026/1234'), 'fine_ref')).toEqual(['2026/1234']);
    expect(pick(ents('como va el expediente 2026/1234'), 'file_ref')).toEqual(['2026/1234']);
  });

  it('finds e-mail addresses and Spanish phone numbers', () => {
    const list = ents('mi correo es Ana.Perez@Example.org y mi movil +34 612 345 678 o 965 14 91 00');
    expect(pick(list, 'email')).toEqual(['ana.perez@example.org']);
    expect(pick(list, 'phone')).toEqual(['+34612345678', '+34965149100']);
  });

  it("finds the council's offices by name or alias, without accents, with offsets into the original", () => {
    const text = 'cita en Benalúa o si no en la Oficina de Atencion Ciudadana Centro';
    const list = ents(text).filter((e) => e.type === 'office');
    expect(list.map((e) => e.value)).toEqual(['benalua', 'centre']);
    expect(list.map((e) => text.slice(e.start, e.end))).toEqual(['Benalúa', 'Oficina de Atencion Ciudadana Centro']);
  });

  it('reads yes and no at the start of a short answer in the three languages', () => {
    expect(pick(ents('Sí, vale'), 'yes_no')).toEqual(['yes']);
    expect(pick(ents("d'acord"), 'yes_no')).toEqual(['yes']);
    expect(pick(ents('yes please'), 'yes_no')).toEqual(['yes']);
    expect(pick(ents('no, gracias'), 'yes_no')).toEqual(['no']);
    expect(pick(ents('si no pago la multa que me pasa'), 'yes_no')).toEqual([]);
  });
});
