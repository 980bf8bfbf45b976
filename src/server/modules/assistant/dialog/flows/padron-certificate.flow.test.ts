import { describe, expect, it } from 'vitest';
import { cards, chatWith, payloads, texts } from '../dialog.test-support.ts';

describe('the padrón certificate flow', () => {
  it('asks which certificate, confirms and issues it in Spanish, with a document card to download and verify', async () => {
    const { chat, log } = chatWith('es');
    let r = await chat.send('quiero el certificado de empadronamiento');
    expect(texts(r)).toBe('¿Qué certificado quiere: solo usted (individual) o todas las personas de su casa (colectivo)?');
    expect(payloads(r)).toEqual(['val:individual', 'val:collective']);
    r = await chat.send({ action: 'val:individual' });
    expect(texts(r)).toBe('Voy a emitir su certificado de empadronamiento Individual, firmado por el ayuntamiento. ¿Lo confirmo?');
    expect(payloads(r)).toEqual(['yes', 'no']);
    r = await chat.send('sí');
    expect(texts(r)).toBe('Aquí tiene su certificado, firmado por el ayuntamiento. Código de verificación: ABC-123.');
    expect(cards(r)).toEqual([{ kind: 'document', title: 'Certificado de empadronamiento individual (PDF firmado)', url: '/t/alacant/api/v1/certificates/padron/ABC123/pdf', code: 'ABC-123', links: [{ title: 'Comprobar que es auténtico', url: '/verify/ABC123' }] }]);
    expect(log.certificates).toEqual([{ dni: '12345678Z', kind: 'individual' }]);
    expect(chat.state.active).toBeUndefined();
  });

  it('in Valencian takes "col·lectiu" from the first message and goes straight to the confirmation', async () => {
    const { chat, log } = chatWith('ca');
    let r = await chat.send('vull el certificat de padró col·lectiu');
    expect(chat.step).toBe('confirm');
    expect(texts(r)).toContain('Ho confirme?');
    r = await chat.send("d'acord");
    expect(texts(r)).toContain('Codi de verificació: ABC-123');
    expect(log.certificates).toEqual([{ dni: '12345678Z', kind: 'collective' }]);
  });

  it('in English asks the citizen to sign in first, then carries on where it was', async () => {
    const { chat, log } = chatWith('en', {}, { citizen: undefined });
    let r = await chat.send('I need my certificate of registration on the padron');
    expect(chat.step).toBe('signin');
    expect(cards(r)).toEqual([{ kind: 'signin', title: 'Sign in', url: '/signin?next=/assistant' }]);
    expect(payloads(r)).toEqual(['val:signed-in', 'cmd:cancel']);
    // Pressing "I have signed in" without a session asks again.
    r = await chat.send({ action: 'val:signed-in' });
    expect(chat.step).toBe('signin');
    expect(cards(r)).toHaveLength(1);
    chat.citizen = { dni: 'X1234567L', givenName: 'Amina' };
    r = await chat.send({ action: 'val:signed-in' });
    expect(chat.step).toBe('kind');
    expect(texts(r)).toContain('Which certificate');
    await chat.send('family');
    expect(chat.step).toBe('confirm');
    r = await chat.send('yes');
    expect(texts(r)).toContain('ABC-123');
    expect(log.certificates).toEqual([{ dni: 'X1234567L', kind: 'collective' }]);
  });

  it('asks again with the options when the answer names none, and goes back from the confirmation to the question', async () => {
    const { chat } = chatWith('es');
    await chat.send('quiero el certificado de empadronamiento');
    let r = await chat.send('pues no se');
    expect(texts(r)).toBe('Elija «Individual» (solo usted) o «Colectivo» (todos los de su casa). Puede pulsar un botón.');
    expect(payloads(r)).toEqual(['val:individual', 'val:collective']);
    await chat.send('colectivo');
    expect(chat.step).toBe('confirm');
    r = await chat.send('atrás');
    expect(texts(r)).toBe('Volvemos al paso anterior.\n¿Qué certificado quiere: solo usted (individual) o todas las personas de su casa (colectivo)?');
    expect(chat.step).toBe('kind');
    // Nothing comes before the first question.
    r = await chat.send('atrás');
    expect(texts(r)).toContain('No hay un paso anterior al que volver.');
    expect(chat.step).toBe('kind');
  });

  it('issues nothing on "no", on "cancel" or while the confirmation is unanswered', async () => {
    const { chat, log } = chatWith('es');
    await chat.send('quiero el certificado de empadronamiento individual');
    let r = await chat.send('quizás mañana');
    expect(texts(r)).toBe('Responda «sí» para confirmar o «no» para dejarlo.');
    r = await chat.send('no');
    expect(texts(r)).toContain('No se ha hecho ningún trámite');
    expect(payloads(r)).toContain('intent:certificate.padron');
    await chat.send('quiero el certificado de empadronamiento individual');
    r = await chat.send('cancelar');
    expect(texts(r)).toBe('Hecho: lo he dejado. No se ha hecho ningún trámite. ¿Necesita otra cosa?');
    expect(log.certificates).toEqual([]);
    expect(chat.state.active).toBeUndefined();
  });
});
