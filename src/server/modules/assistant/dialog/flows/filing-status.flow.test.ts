import { describe, expect, it } from 'vitest';
import type { FilingView } from '../../assistant.ports.ts';
import { chatWith, texts } from '../dialog.test-support.ts';

const filed: FilingView[] = [
  { id: 'f1', registryNumber: 'REG-2026-000042', subject: 'Ruido en mi calle', departmentName: 'Urbanismo', status: 'in_review', createdAt: '2026-11-20T10:00:00Z', receiptCode: null },
  { id: 'f2', registryNumber: 'REG-2026-000043', subject: 'Vado', departmentName: 'Tráfico', status: 'resolved', createdAt: '2026-11-21T10:00:00Z', receiptCode: null },
];

describe('the filing status flow', () => {
  it('answers for the registry number in the message, in Spanish', async () => {
    const { chat } = chatWith('es', { filings: filed });
    const r = await chat.send('cómo va mi instancia REG-2026-000042');
    expect(texts(r)).toBe('REG-2026-000042 «Ruido en mi calle»: en estudio');
    expect(chat.state.active).toBeUndefined();
  });

  it('in English lists the latest filings when no number is given', async () => {
    const { chat } = chatWith('en', { filings: filed });
    const r = await chat.send('what is the status of my application');
    expect(chat.last?.handledAs).toBe('filing.status');
    expect(texts(r).split('\n').slice(1)).toEqual([expect.stringContaining('REG-2026-000042'), expect.stringContaining('REG-2026-000043')]);
  });

  it('in Valencian says so when there are none, and explains an unknown number', async () => {
    const { chat } = chatWith('ca', { filings: [] });
    let r = await chat.send('com va la meua instància');
    expect(texts(r)).toBe('No teniu instàncies presentades.');
    r = await chat.send('com va la meua instància REG-2026-000099');
    expect(texts(r)).toBe('No trobem eixa sol·licitud.');
  });

  it('asks a citizen who is not signed in to sign in first', async () => {
    const { chat } = chatWith('es', { filings: filed }, { citizen: undefined });
    await chat.send('cómo va mi instancia REG-2026-000042');
    expect(chat.step).toBe('signin');
    chat.citizen = { dni: '12345678Z', givenName: 'María' };
    const r = await chat.send({ action: 'val:signed-in' });
    expect(texts(r)).toBe('REG-2026-000042 «Ruido en mi calle»: en estudio');
  });
});
