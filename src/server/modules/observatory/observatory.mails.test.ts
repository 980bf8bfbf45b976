import { describe, expect, it } from 'vitest';
import type { DigestRow } from './notifications.repository.ts';
import { digestMail, verificationMail } from './observatory.mails.ts';

const row = (over: Partial<DigestRow>): DigestRow => ({
  id: 1, account_id: 'a1', kind: 'project_published', subject_type: 'project', subject_id: 'p1', data: { slug: 'p-1', title: 'Cita previa' },
  created_at: new Date('2026-12-01T09:00:00Z'), read_at: null, emailed_at: null, email: 'ana@ayto.example', display_name: 'Ana', language: 'es',
  ...over,
});

describe('observatory e-mails', () => {
  it('escape names and titles in the digest HTML, and keep them as typed in the text part', () => {
    const mail = digestMail('https://v.example', [
      row({ display_name: '<img src=x onerror=alert(1)>' }),
      row({ id: 2, kind: 'mention', subject_type: 'thread', subject_id: 't9', data: { threadTitle: 'Pliegos "abiertos" & <b>datos</b>' } }),
    ]);
    expect(mail?.to).toBe('ana@ayto.example');
    expect(mail?.subject).toBe('Observatorio: 2 novedades');
    expect(mail?.html).not.toMatch(/<img|<b>/);
    expect(mail?.html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(mail?.html).toContain('<a href="https://v.example/observatory/forum/t/t9">Te han mencionado en Pliegos &#34;abiertos&#34; &#38; &#60;b&#62;datos&#60;/b&#62;</a>');
    expect(mail?.text).toContain('- Te han mencionado en Pliegos "abiertos" & <b>datos</b> https://v.example/observatory/forum/t/t9');
    expect(mail?.text).toContain('- Publicado: Cita previa https://v.example/observatory/projects/p-1');
    expect(digestMail('https://v.example', [])).toBeUndefined();
  });

  it('link the verification page with the token, in the account language', () => {
    const mail = verificationMail('https://v.example', {
      id: 'a2', email: 'joan@ajuntament.example', handle: 'joan', displayName: 'Joan', role: 'member', ine5: null, organisation: null, language: 'ca',
      isVerified: false, wantsDigest: true,
    }, 'tok/en+1');
    expect(mail.subject).toBe("Confirma el teu correu a l'Observatori");
    expect(mail.text).toContain('https://v.example/observatory/verify?token=tok%2Fen%2B1');
    expect(mail.html).toContain('<a href="https://v.example/observatory/verify?token=tok%2Fen%2B1">');
  });
});
