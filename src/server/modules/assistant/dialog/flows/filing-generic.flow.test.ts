import { describe, expect, it } from 'vitest';
import { cards, chatWith, payloads, texts } from '../dialog.test-support.ts';

describe('the generic filing flow', () => {
  it('in Valencian asks department, subject and text, offers the form for documents, and files with a receipt', async () => {
    const { chat, log } = chatWith('ca');
    let r = await chat.send('vull presentar una instància');
    expect(texts(r)).toBe('A quin departament va adreçada?');
    expect(payloads(r)).toContain('val:urbanismo');
    r = await chat.send({ action: 'val:urbanismo' });
    expect(texts(r)).toContain('assumpte');
    r = await chat.send('ok');
    expect(texts(r)).toContain('massa curt');
    await chat.send('Soroll al meu carrer');
    // A short text is too short for the body, not for the subject that came before.
    r = await chat.send('curt');
    expect(chat.step).toBe('body');
    expect(texts(r)).toContain('Expliqueu');
    r = await chat.send('Demane que revisen el soroll de les obres del carrer de nit.');
    expect(texts(r)).toBe('Presentaré la vostra instància a Urbanisme amb l’assumpte «Soroll al meu carrer». Quedarà registrada. La presente?');
    const form = cards(r).find((c) => c.kind === 'form');
    expect(form?.url).toBe('/procedures/filing?departmentId=urbanismo&subject=Soroll+al+meu+carrer&body=Demane+que+revisen+el+soroll+de+les+obres+del+carrer+de+nit.');
    expect(payloads(r)).toEqual(['yes', 'no']);
    r = await chat.send('sí');
    expect(texts(r)).toContain('REG-2026-000042');
    expect(cards(r)).toEqual([{ kind: 'document', title: 'Justificant de registre (PDF signat)', url: '/verify/RCPT-0042/pdf', code: 'RCPT-0042', links: [{ title: expect.any(String), url: '/verify/RCPT-0042' }] }]);
    expect(log.filed).toEqual([{ dni: '12345678Z', departmentId: 'urbanismo', subject: 'Soroll al meu carrer', body: 'Demane que revisen el soroll de les obres del carrer de nit.' }]);
  });

  it('in Spanish and English files to the department named, and leaves a long text out of the form link', async () => {
    const { chat, log } = chatWith('es');
    await chat.send('quiero presentar una instancia');
    await chat.send('registro general');
    await chat.send('Ruido en mi calle');
    const long = 'Solicito que revisen el ruido. '.repeat(60);
    const r = await chat.send(long);
    expect(new URL(cards(r)[0]?.url ?? '', 'http://x').searchParams.has('body')).toBe(false);
    await chat.send('sí');
    expect(log.filed[0]).toMatchObject({ departmentId: 'registro-general', subject: 'Ruido en mi calle' });
    const en = chatWith('en');
    await en.chat.send('I want to submit an application');
    expect(en.chat.step).toBe('department');
  });

  it('goes back from the text to the subject', async () => {
    const { chat } = chatWith('es');
    await chat.send('quiero presentar una instancia');
    await chat.send({ action: 'val:urbanismo' });
    await chat.send('Ruido en mi calle');
    const r = await chat.send('atrás');
    expect(chat.step).toBe('subject');
    expect(texts(r)).toContain('Escriba el asunto');
  });
});
