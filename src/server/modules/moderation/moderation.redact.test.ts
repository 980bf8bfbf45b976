import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { evaluateRedaction, readPiiSet } from './moderation.evaluation.ts';
import { pinoRedactionOptions, redact, redactDeep } from './moderation.redact.ts';

describe('redact', () => {
  it('replaces each kind of personal data with a language-neutral placeholder and reports where it was', () => {
    const text = 'Soy 12345678Z (NIE X1234567L), tel 612 34 56 78, ana@ejemplo.es, IBAN ES91 2100 0418 4502 0005 1332, tarjeta 4111-1111-1111-1111';
    const r = redact(text);
    expect(r.text).toBe('Soy [DNI] (NIE [NIE]), tel [PHONE], [EMAIL], IBAN [IBAN], tarjeta [CARD]');
    expect(r.found.map((f) => f.type)).toEqual(['DNI', 'NIE', 'PHONE', 'EMAIL', 'IBAN', 'CARD']);
    expect(text.slice(r.found[0]?.start, r.found[0]?.end)).toBe('12345678Z');
  });

  it('redacts an identity number whatever its check letter', () => {
    expect(redact('12345678A').text).toBe('[DNI]');
  });

  it('leaves amounts, dates, postcodes and council references alone', () => {
    const text = 'Recibo REC-2026-000123 y REG-2026-000123 de 1.234,56 € del 12/03/2026, CP 03002, referencia 1234567890123';
    expect(redact(text)).toEqual({ text, found: [] });
  });

  it('does not take a 16-digit number that fails Luhn for a card', () => {
    expect(redact('4111 1111 1111 1112').found).toEqual([]);
  });

  it('finds every item of the PII set and redacts nothing in its negatives', () => {
    const e = evaluateRedaction(readPiiSet());
    expect(e.recall).toBe(1);
    expect(e.precision).toBe(1);
    expect(e.negatives).toBeGreaterThanOrEqual(10);
    expect(e.falseRedactionsOnNegatives).toBe(0);
  });

  it('MEDIUM-7: redacts an IBAN whatever follows it (a number, a phone, another IBAN), in lower case or with dashes', () => {
    const cases: [string, string][] = [
      ['IBAN ES91 2100 0418 4502 0005 1332 2 recibos', 'IBAN [IBAN] 2 recibos'],
      ['cuenta ES91 2100 0418 4502 0005 1332 1234', 'cuenta [IBAN] 1234'],
      ['ES91 2100 0418 4502 0005 1332 ES76 2077 0024 0031 0257 5766', '[IBAN] [IBAN]'],
      ['de ES91 2100 0418 4502 0005 1332 a ES76-2077-0024-0031-0257-5766 los 3', 'de [IBAN] a [IBAN] los 3'],
      ['ES9121000418450200051332 ES7620770024003102575766', '[IBAN] [IBAN]'],
      ['mi iban es es91 2100 0418 4502 0005 1332', 'mi iban es [IBAN]'],
      ['ES91-2100-0418-4502-0005-1332-3 recibos', '[IBAN]-3 recibos'],
      ['ES91 2100 0418 4502 0005 1332 612345678', '[IBAN] [PHONE]'],
      ['GB82 WEST 1234 5698 7654 32 10 pounds', '[IBAN] 10 pounds'],
      ['compte PT50 0002 0123 1234 5678 9015 4 i BE68 5390 0754 7034', 'compte [IBAN] i [IBAN]'],
    ];
    for (const [text, expected] of cases) expect(redact(text).text, text).toBe(expected);
  });

  it('MEDIUM-7: redacts a DNI or NIE glued to the name of the document', () => {
    expect(redact('DNI12345678Z').text).toBe('DNI[DNI]');
    expect(redact('mi DNI12345678Z por favor').text).toBe('mi DNI[DNI] por favor');
    expect(redact('dni:12345678-Z').text).toBe('dni:[DNI]');
    expect(redact('DNI-12345678Z').text).toBe('DNI-[DNI]');
    expect(redact('el dni12345678 sin letra').text).toBe('el dni[DNI] sin letra');
    expect(redact('NIEX1234567L').text).toBe('NIE[NIE]');
  });

  it('MEDIUM-7: leaves alone references that look like an IBAN but fail its checksum', () => {
    for (const text of [
      'pedido ES12 3456 7890 1234 5678 9012',
      'referencia del lote AB12 3456 7890 1234 5678 90',
      'ref. GB00 1234 5678 9012 3456',
      'expediente ES00 1234 0000 0000 0000 0000',
      'lote ES9121000418450200051333',
    ]) {
      expect(redact(text), text).toEqual({ text, found: [] });
    }
  });

  it('redacts every string inside a payload', () => {
    expect(redactDeep({ turns: [{ text: 'mi tlf 612345678' }], n: 3 })).toEqual({ turns: [{ text: 'mi tlf [PHONE]' }], n: 3 });
  });
});

describe('pinoRedactionOptions', () => {
  it('makes a real pino logger redact the message and the logged fields', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ ...pinoRedactionOptions(), base: undefined }, sink);
    log.info({ text: 'mi dni es 12345678Z', nested: { email: 'ana@ejemplo.es' } }, 'llamar al 612 345 678');
    log.info('correo ana@ejemplo.es');
    await new Promise((r) => setImmediate(r));
    const all = lines.join('');
    expect(all).not.toMatch(/12345678Z|ana@ejemplo\.es|612 345 678/);
    const first = JSON.parse(lines[0] ?? '{}') as { msg: string; text: string; nested: { email: string } };
    expect(first).toMatchObject({ msg: 'llamar al [PHONE]', text: 'mi dni es [DNI]', nested: { email: '[EMAIL]' } });
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ msg: 'correo [EMAIL]' });
  });
});
