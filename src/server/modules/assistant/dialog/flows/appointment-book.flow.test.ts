import { describe, expect, it } from 'vitest';
import { cards, chatWith, payloads, texts } from '../dialog.test-support.ts';

describe('the appointment booking flow', () => {
  it('asks service, office and day, offers three free times and books the chosen one in Spanish', async () => {
    const { chat, log } = chatWith('es');
    let r = await chat.send('quiero pedir cita');
    expect(texts(r)).toBe('¿Para qué es la cita?');
    expect(payloads(r)).toEqual(['val:padron', 'val:tributos', 'val:certificado-digital', 'val:curso-competencias-digitales']);
    r = await chat.send({ action: 'val:padron' });
    expect(texts(r)).toBe('¿En qué oficina?');
    expect(payloads(r)).toEqual(['val:centre', 'val:benalua']);
    r = await chat.send('en benalua');
    expect(texts(r)).toContain('¿Qué día le viene bien?');
    expect(payloads(r)).toEqual(['val:soonest']);
    r = await chat.send('pues no se');
    expect(texts(r)).toContain('No he entendido la fecha');
    r = await chat.send({ action: 'val:soonest' });
    expect(texts(r)).toBe('Estas son las horas libres. Elija una:');
    expect(payloads(r)).toEqual(['val:2026-12-03T09:00:00+01:00', 'val:2026-12-03T09:15:00+01:00', 'val:2026-12-03T10:00:00+01:00']);
    r = await chat.send('2');
    expect(texts(r)).toBe('Cita de «Padrón y certificados» en Oficina de Benalúa, el jueves, 3 de diciembre, 09:15. ¿La confirmo?');
    r = await chat.send('si');
    expect(texts(r)).toMatch(/^Cita reservada: Padrón y certificados en Oficina de Benalúa \(Calle 1\), el jueves, 3 de diciembre a las 09:15\. Código: CITA-b1\./);
    expect(cards(r)[0]).toMatchObject({ kind: 'document', url: '/api/v1/appointments/b1/ics', code: 'CITA-b1' });
    expect(log.booked).toEqual([{ dni: '12345678Z', serviceId: 'padron', officeId: 'benalua', startsAt: '2026-12-03T09:15:00+01:00' }]);
    expect(chat.state.active).toBeUndefined();
  });

  it('in English picks the free time the citizen names ("at 10")', async () => {
    const { chat, log } = chatWith('en');
    await chat.send('I want to book an appointment');
    await chat.send({ action: 'val:tributos' });
    // Tributos has one office: the dialog does not ask for it.
    expect(chat.step).toBe('date');
    let r = await chat.send({ action: 'val:soonest' });
    expect(texts(r)).toBe('These are the free times. Choose one:');
    r = await chat.send('at 10');
    expect(chat.step).toBe('confirm');
    expect(texts(r)).toContain('Thursday 3 December, 10:00');
    await chat.send('yes');
    expect(log.booked).toEqual([{ dni: '12345678Z', serviceId: 'tributos', officeId: 'centre', startsAt: '2026-12-03T10:00:00+01:00' }]);
  });

  it('in Valencian says when the day asked for is full and offers the first day with free times', async () => {
    const { chat } = chatWith('ca', { fullDays: ['2026-12-03'] });
    await chat.send('vull demanar cita');
    await chat.send({ action: 'val:tributos' });
    const r = await chat.send({ action: 'val:soonest' });
    expect(texts(r)).toContain('El dijous, 3 de desembre no hi ha hores lliures. El primer dia amb hores és el divendres, 4 de desembre.');
    expect(payloads(r)[0]).toBe('val:2026-12-04T09:00:00+01:00');
    expect(chat.step).toBe('slot');
  });

  it('goes back one step at a time ("arrere"), and "tornar a començar" starts afresh', async () => {
    const { chat } = chatWith('ca');
    await chat.send('vull demanar cita');
    await chat.send({ action: 'val:padron' });
    expect(chat.step).toBe('office');
    let r = await chat.send('arrere');
    expect(texts(r)).toBe('Tornem arrere un pas.\nPer a què és la cita?');
    expect(chat.step).toBe('service');
    expect(chat.state.active?.slots.serviceId).toBeUndefined();
    r = await chat.send('arrere');
    expect(texts(r)).toContain('No hi ha cap pas anterior');
    expect(chat.step).toBe('service');
    r = await chat.send('tornar a començar');
    expect(texts(r)).toContain('Tornem a començar');
    expect(chat.state).toEqual({ misunderstandings: 0 });
  });

  it('asks before leaving a booking half made for another procedure, and stays when told to', async () => {
    const { chat } = chatWith('es');
    await chat.send('quiero pedir cita');
    await chat.send({ action: 'val:padron' });
    let r = await chat.send('quiero pagar una multa');
    expect(texts(r)).toBe('Estábamos con «Pedir cita». ¿Lo dejamos y pasamos a «Pagar una multa»?');
    expect(payloads(r)).toEqual(['switch:yes', 'switch:no']);
    r = await chat.send({ action: 'switch:no' });
    expect(texts(r)).toBe('De acuerdo, seguimos donde estábamos.\n¿En qué oficina?');
    expect(chat.step).toBe('office');
  });

  it('switches at once when nothing was chosen yet', async () => {
    const { chat } = chatWith('es');
    await chat.send('quiero pedir cita');
    const r = await chat.send('necesito el empadronamiento');
    expect(chat.state.active?.intent).toBe('certificate.padron');
    expect(texts(r)).toContain('¿Qué certificado quiere');
  });
});
