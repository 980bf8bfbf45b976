import { describe, expect, it } from 'vitest';
import type { AppointmentView } from '../../assistant.ports.ts';
import { cards, chatWith, payloads, texts } from '../dialog.test-support.ts';

const mine: AppointmentView[] = [
  { id: 'a1', code: 'CITA-A1', serviceId: 'padron', serviceName: 'Padrón y certificados', officeId: 'benalua', officeName: 'Oficina de Benalúa', officeAddress: 'Calle 1', startsAt: '2026-12-10T09:00:00+01:00', localDate: '2026-12-10', localTime: '09:00', status: 'booked' },
  { id: 'a0', code: 'CITA-A0', serviceId: 'padron', serviceName: 'Padrón y certificados', officeId: 'centre', officeName: 'Oficina Centro', officeAddress: 'Plaza 1', startsAt: '2026-11-10T09:00:00+01:00', localDate: '2026-11-10', localTime: '09:00', status: 'cancelled' },
];

describe('the appointment management flow', () => {
  it('lists the booked appointments and cancels the chosen one in Spanish', async () => {
    const { chat, log } = chatWith('es', { appointments: mine });
    let r = await chat.send('quiero anular mi cita');
    expect(chat.state.active?.intent).toBe('appointment.manage');
    expect(texts(r)).toBe('¿Qué cita quiere cambiar o anular?');
    // Only booked appointments are offered.
    expect(payloads(r)).toEqual(['val:a1']);
    r = await chat.send({ action: 'val:a1' });
    expect(texts(r)).toBe('¿Qué quiere hacer con la cita?');
    expect(payloads(r)).toEqual(['val:cancel', 'val:reschedule']);
    r = await chat.send('anular');
    expect(texts(r)).toBe('Voy a anular la cita Padrón y certificados — jueves, 10 de diciembre, 09:00. ¿Lo confirmo?');
    r = await chat.send('sí');
    expect(texts(r)).toBe('Cita CITA-A1 anulada. El hueco queda libre para otra persona.');
    expect(log.cancelled).toEqual(['a1']);
  });

  it('in English moves an appointment to another day, at the office it was booked for', async () => {
    const { chat, log } = chatWith('en', { appointments: mine });
    await chat.send('I want to change my appointment');
    expect(chat.step).toBe('pick');
    await chat.send('1');
    let r = await chat.send('change the day');
    expect(chat.step).toBe('date');
    expect(texts(r)).toContain('Which day suits you?');
    r = await chat.send('on friday');
    expect(chat.step).toBe('slot');
    expect(payloads(r)[0]).toBe('val:2026-12-04T09:00:00+01:00');
    r = await chat.send('1');
    expect(texts(r)).toContain('Friday 4 December, 09:00');
    r = await chat.send('yes');
    expect(texts(r)).toContain('CITA-a1');
    expect(cards(r)[0]).toMatchObject({ kind: 'document', url: '/api/v1/appointments/a1/ics' });
    expect(log.rescheduled).toEqual([{ id: 'a1', startsAt: '2026-12-04T09:00:00+01:00', officeId: 'benalua' }]);
  });

  it('in Valencian says there is nothing to manage and offers to book', async () => {
    const { chat } = chatWith('ca', { appointments: [] });
    const r = await chat.send('vull canviar la meua cita');
    expect(texts(r)).toBe('No teniu cap cita pendent.');
    expect(payloads(r)).toEqual(['intent:appointment.book']);
    expect(chat.state.active).toBeUndefined();
  });

  it('asks again when the answer names no action, and goes back to the list', async () => {
    const { chat } = chatWith('es', { appointments: mine });
    await chat.send('quiero anular mi cita');
    await chat.send('1');
    let r = await chat.send('pues no se');
    expect(texts(r)).toBe('Elija «Anular la cita» o «Cambiar el día».');
    r = await chat.send('atrás');
    expect(chat.step).toBe('pick');
    expect(payloads(r)).toEqual(['val:a1']);
  });
});
