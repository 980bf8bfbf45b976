import { describe, expect, it } from 'vitest';
import type { PendingDebtView } from '../../assistant.ports.ts';
import { cards, chatWith, payloads, texts } from '../dialog.test-support.ts';

const ibi: PendingDebtView = { id: 'd-ibi', kind: 'receipt', taxName: 'IBI', reference: 'R1', concept: 'Recibo 2026', amountCents: 34550, amountDueCents: 34550, reductionPercent: 0, isInVoluntaryPeriod: true, voluntaryEnd: '2026-12-20' };
const basura: PendingDebtView = { ...ibi, id: 'd-basura', taxName: 'Basuras', concept: 'Tasa 2026', amountCents: 8000, amountDueCents: 8000 };
const fine: PendingDebtView = { id: 'd-fine', kind: 'fine', taxName: 'Traffic fine', reference: 'M1', concept: 'Speeding', amountCents: 20000, amountDueCents: 10000, reductionPercent: 50, isInVoluntaryPeriod: true, voluntaryEnd: '2026-12-23' };

// Intl puts a no-break space (U+00A0) between the amount and the euro sign in Spanish.
describe('the tax and fine payment flows', () => {
  it('lists the pending receipts in Spanish, confirms one and hands over the gateway form', async () => {
    const { chat, log } = chatWith('es', { debts: [ibi, basura, fine] });
    let r = await chat.send('quiero pagar el recibo del ibi');
    expect(chat.state.active?.intent).toBe('tax.pay');
    expect(texts(r)).toBe('Tiene 2 recibos pendientes:\n• IBI — Recibo 2026: 345,50\u00a0€\n• Basuras — Tasa 2026: 80,00\u00a0€\n¿Cuál quiere pagar?');
    expect(payloads(r)).toEqual(['val:d-ibi', 'val:d-basura']);
    r = await chat.send('2');
    expect(texts(r)).toBe('Va a pagar Basuras: 80,00\u00a0€. Le llevaré a la pasarela de pago segura. ¿Seguimos?');
    r = await chat.send('vale');
    expect(texts(r)).toBe('Pulse el botón para pagar 80,00\u00a0€ en la pasarela segura. Cuando termine, recibirá el justificante.');
    expect(cards(r)).toEqual([{ kind: 'payment', title: 'Pagar 80,00\u00a0€', url: 'https://gateway.example/pay', method: 'POST', fields: { order: 'd-basura' } }]);
    expect(log.paymentsStarted).toEqual(['d-basura']);
  });

  it('in English lists only fines, with the reduction and its deadline', async () => {
    const { chat, log } = chatWith('en', { debts: [ibi, fine] });
    let r = await chat.send('I want to pay a traffic fine');
    expect(chat.state.active?.intent).toBe('fine.pay');
    expect(texts(r)).toContain('You have 1 fine to pay:\n• Traffic fine — Speeding: €100.00 with the 50% reduction if you pay by Wednesday 23 December (without it, €200.00)');
    r = await chat.send({ action: 'val:d-fine' });
    expect(texts(r)).toContain('secure payment page. Continue?');
    r = await chat.send('no');
    expect(texts(r)).toContain('Nothing was done');
    expect(log.paymentsStarted).toEqual([]);
  });

  it('in Valencian says there is nothing to pay', async () => {
    const { chat } = chatWith('ca', { debts: [ibi] });
    const r = await chat.send('vull pagar una multa');
    expect(texts(r)).toBe('No teniu multes pendents de pagament.');
    expect(chat.state.active).toBeUndefined();
  });

  it('asks again for an answer that names no debt', async () => {
    const { chat } = chatWith('es', { debts: [ibi, basura] });
    await chat.send('quiero pagar el recibo del ibi');
    const r = await chat.send('pues no se');
    expect(texts(r)).toBe('Elija qué pagar pulsando un botón, o escriba su número (1, 2…).');
    expect(chat.step).toBe('debt');
  });
});
