import { describe, expect, it } from 'vitest';
import { appointmentIcs, foldIcsLines } from './appointments.ics.ts';

const VALENCIAN = {
  uid: 'cita-1@alacant.example',
  title: 'Cita: Padró i certificats — Oficina d’Atenció Ciutadana Centre',
  description: 'Porteu el DNI o NIE. Si no podeu vindre, anul·leu-la des de «Les meues cites» per a deixar el lloc a una altra persona.',
  location: 'Plaça de l’Ajuntament 1, 03002 Alacant — Oficina d’Atenció Ciutadana Centre',
  startsAt: new Date('2026-12-10T09:00:00Z'),
  endsAt: new Date('2026-12-10T09:15:00Z'),
  organizerName: 'Ajuntament d’Alacant (demo) — Atenció Ciutadana',
  organizerEmail: 'cites@alacant.example',
};

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe('appointment calendar files (RFC 5545)', () => {
  it('keeps every line within 75 octets when the text has accents, ’ and —, and unfolds back to the full text', () => {
    const ics = appointmentIcs(VALENCIAN);
    const lines = ics.split('\r\n');
    const tooLong = lines.filter((l) => Buffer.byteLength(l, 'utf8') > 75);
    expect(tooLong).toEqual([]);
    // Continuations begin with exactly one space, and at least the summary, description and location were folded.
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.startsWith('\t'))).toBe(false);
    const whole = unfold(ics);
    expect(whole).toContain(`SUMMARY:${VALENCIAN.title}`);
    expect(whole).toContain('LOCATION:Plaça de l’Ajuntament 1\\, 03002 Alacant — Oficina d’Atenció Ciutadana Centre');
    expect(whole).toContain('«Les meues cites»');
  });

  it('never splits a character: a line of 3-octet characters folds between them', () => {
    const line = `X-NOTE:${'—'.repeat(60)}`;
    const folded = foldIcsLines(`BEGIN:VCALENDAR\r\n${line}\r\nEND:VCALENDAR`);
    for (const l of folded.split('\r\n')) {
      expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
      expect(Buffer.from(l, 'utf8').toString('utf8')).toBe(l);
    }
    expect(unfold(folded)).toBe(`BEGIN:VCALENDAR\r\n${line}\r\nEND:VCALENDAR`);
  });
});
