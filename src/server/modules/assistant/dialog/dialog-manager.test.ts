import { describe, expect, it } from 'vitest';
import { loadDialogState } from './dialog-state.ts';
import { DISAMBIGUATION_MARGIN, LANGUAGE_SWITCH_MIN, MISUNDERSTOOD_BELOW, SECOND_MIN, TOPIC_SWITCH_MIN, initialState } from './dialog.types.ts';
import { cards, chatWith, parseOf, payloads, recordedNlu, texts } from './dialog.test-support.ts';

// The thresholds against recorded NLU parses: each case sits just below and just above its bound.
describe('the turn pipeline thresholds', () => {
  it(`counts a fresh request under ${MISUNDERSTOOD_BELOW} as not understood, and one above it as understood`, async () => {
    const below = chatWith('es', {}, { nlu: recordedNlu(parseOf(['greeting', MISUNDERSTOOD_BELOW - 0.01])) });
    let r = await below.chat.send('hola');
    expect(below.chat.last?.isMisunderstood).toBe(true);
    expect(texts(r)).toContain('no le he entendido');
    const above = chatWith('es', {}, { nlu: recordedNlu(parseOf(['greeting', MISUNDERSTOOD_BELOW + 0.01])) });
    r = await above.chat.send('hola');
    expect(texts(r)).toBe('¡Hola! ¿En qué le puedo ayudar?');
  });

  it('offers a person at the second misunderstanding in a row', async () => {
    const { chat } = chatWith('es', {}, { nlu: recordedNlu(parseOf(['greeting', 0.1]), parseOf(['greeting', 0.1])) });
    await chat.send('asdf');
    const r = await chat.send('qwerty');
    expect(texts(r)).toBe('Perdone, no le estoy entendiendo. ¿Quiere que le atienda una persona?');
    expect(payloads(r)).toEqual(['handoff', 'no']);
    expect(chat.state.pending).toEqual({ kind: 'handoff_offer' });
  });

  it(`asks which one when the two likeliest intents are closer than ${DISAMBIGUATION_MARGIN} and the second reaches ${SECOND_MIN}`, async () => {
    const close = chatWith('es', {}, { nlu: recordedNlu(parseOf(['tax.pay', 0.5], [['appointment.book', 0.5 - DISAMBIGUATION_MARGIN + 0.01]])) });
    const r = await close.chat.send('pagar cita');
    expect(texts(r)).toBe('No estoy seguro de qué necesita. ¿Es una de estas?');
    expect(payloads(r)).toEqual(['intent:tax.pay', 'intent:appointment.book']);
    const apart = chatWith('es', {}, { nlu: recordedNlu(parseOf(['tax.pay', 0.5], [['appointment.book', 0.5 - DISAMBIGUATION_MARGIN - 0.01]])) });
    await apart.chat.send('pagar cita');
    expect(apart.chat.last?.handledAs).toBe('tax.pay');
    const weakSecond = chatWith('es', {}, { nlu: recordedNlu(parseOf(['tax.pay', SECOND_MIN + 0.05], [['appointment.book', SECOND_MIN - 0.01]])) });
    await weakSecond.chat.send('pagar cita');
    expect(weakSecond.chat.state.pending).toBeUndefined();
  });

  it(`treats another procedure at ${TOPIC_SWITCH_MIN} or more as a topic switch, and below it as an answer to the step`, async () => {
    const below = chatWith('es', {}, { nlu: recordedNlu(parseOf(['fine.pay', TOPIC_SWITCH_MIN - 0.01])) });
    await below.chat.send({ action: 'intent:appointment.book' });
    let r = await below.chat.send('algo de multas');
    expect(below.chat.state.active?.intent).toBe('appointment.book');
    expect(texts(r)).toContain('Elija el tipo de cita');
    const above = chatWith('es', {}, { nlu: recordedNlu(parseOf(['fine.pay', TOPIC_SWITCH_MIN + 0.01])) });
    await above.chat.send({ action: 'intent:appointment.book' });
    r = await above.chat.send('algo de multas');
    // Nothing chosen yet and the words answer nothing: it switches without asking (and has no fine to list).
    expect(above.chat.last?.handledAs).toBe('fine.pay');
    expect(texts(r)).toBe('No tiene multas pendientes de pago.');
  });

  it(`switches the conversation's language only at ${LANGUAGE_SWITCH_MIN} or more and with three words or more`, async () => {
    const sure = chatWith('es', {}, { nlu: recordedNlu(parseOf(['greeting', 0.9], [], ['en', LANGUAGE_SWITCH_MIN + 0.01])) });
    expect(texts(await sure.chat.send('hello there friend'))).toBe('Hello! How can I help you?');
    const unsure = chatWith('es', {}, { nlu: recordedNlu(parseOf(['greeting', 0.9], [], ['en', LANGUAGE_SWITCH_MIN - 0.01])) });
    expect(texts(await unsure.chat.send('hello there friend'))).toBe('¡Hola! ¿En qué le puedo ayudar?');
    const short = chatWith('es', {}, { nlu: recordedNlu(parseOf(['greeting', 0.9], [], ['en', 0.99])) });
    await short.chat.send('hello there');
    expect(short.chat.lang).toBe('es');
  });
});

describe('moderation in the turn pipeline', () => {
  it('gives crisis replies with their tel: links in the conversation language and calls a person', async () => {
    const { chat } = chatWith('ca');
    const r = await chat.send('em vull matar');
    expect(chat.last?.handoff).toBe('crisis');
    const links = cards(r).flatMap((c) => c.links ?? []);
    expect(links.map((l) => l.url)).toEqual(['tel:024', 'tel:112']);
    expect(cards(r)[0]?.title).toBe('Telefoneu ara');
  });

  it('marks the third abusive message as the end of the conversation, and not the first two', async () => {
    const { chat } = chatWith('es');
    await chat.send('eres un idiota');
    expect(chat.last?.isClosing).toBe(false);
    await chat.send('idiota');
    expect(chat.last?.isClosing).toBe(false);
    await chat.send('idiota inutil');
    expect(chat.last?.isClosing).toBe(true);
    expect(chat.state.abuseCount).toBe(3);
  });
});

describe('the stored state', () => {
  const oldBooking = {
    misunderstandings: 0,
    abuseCount: 1,
    active: { intent: 'appointment.book', step: 'slot', slots: { serviceId: 'padron', offered: '[{"value":"2026-12-03T09:00:00+01:00","label":"jueves, 3 de diciembre, 09:00"}]' }, history: [] },
  };

  it('loads a valid state as it was', () => {
    const valid = { misunderstandings: 1, pending: { kind: 'switch', to: 'fine.pay' }, active: { intent: 'certificate.padron', step: 'confirm', slots: { kind: 'collective' }, history: [{ step: 'kind', slots: {} }] } };
    expect(loadDialogState(valid)).toEqual(valid);
  });

  it('starts afresh from a state stored before the flows (JSON strings inside slots), keeping the abuse count', () => {
    expect(loadDialogState(oldBooking)).toEqual({ misunderstandings: 0, abuseCount: 1 });
  });

  it('starts afresh from anything else that is not a state', () => {
    for (const bad of [null, 'x', 42, {}, { misunderstandings: -1 }, { misunderstandings: 0, active: { intent: 'pizza.order', step: 'x', slots: {}, history: [] } }, { misunderstandings: 0, pending: { kind: 'switch', to: 'nowhere' } }, { misunderstandings: 0, active: { intent: 'certificate.padron', step: 'kind', slots: { kind: 'everyone' }, history: [] } }]) {
      expect(loadDialogState(bad), JSON.stringify(bad)).toEqual(initialState());
    }
  });

  it('carries on a conversation whose stored state was old-shaped: the next message is answered from the start', async () => {
    const { chat } = chatWith('es');
    chat.state = loadDialogState(oldBooking);
    const r = await chat.send('hola');
    expect(texts(r)).toBe('¡Hola! ¿En qué le puedo ayudar?');
  });
});
