import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { seedDemoIdentities } from '../identity/index.ts';
import { cards, options, sendChat, signIn, startChat, texts } from './assistant.test-support.ts';

// The payments and filings dialogs through the app as deployed: the registry's services, receipts included.
let ta: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  ta = await createTestApp();
  app = ta.app;
  await seedDemoIdentities(ta.t.db);
  await seedDemoRegisters(ta.t.db, ta.t.tenants.map((x) => x.profile));
}, 180_000);
afterAll(async () => {
  await ta.close();
});

async function conversation(lang: 'es' | 'ca' | 'en', card: string, pin: string) {
  const conv = await startChat(app, { lang, session: await signIn(app, card, pin) });
  return (msg: { text?: string; action?: string }) => sendChat(app, conv, msg);
}

describe('payments and filings by chat', () => {
  it('lists fines in English with the 50% reduction, confirms and returns a payment card for the gateway', async () => {
    const say = await conversation('en', '4000000000000003', '3456');
    let r = await say({ text: 'I want to pay a traffic fine' });
    expect(texts(r)).toContain('You have 1 fine to pay:');
    expect(texts(r)).toMatch(/€\d+\.\d{2} with the 50% reduction if you pay by .* \(without it, €\d+\.\d{2}\)/);
    const pick = options(r).find((o) => o.payload.startsWith('val:'));
    r = await say({ action: pick?.payload ?? '' });
    expect(texts(r)).toContain('secure payment page. Continue?');
    r = await say({ text: 'yes' });
    const pay = cards(r)[0];
    // The card carries the gateway's own form (the sandbox: a signed GET; Redsys: a signed POST).
    expect(pay).toMatchObject({ kind: 'payment', method: expect.stringMatching(/^(GET|POST)$/), title: expect.stringContaining('Pay €') });
    const rows = await ta.t.db.query<{ id: string; status: string }>(`SELECT id, status FROM payments WHERE tenant_id = 'alacant' AND dni = 'X1234567L'`);
    expect(rows.rows.map((x) => x.status)).toEqual(['created']);
    // The form goes to the deployed gateway (the sandbox) with a signed order that returns to this payment.
    expect(pay?.url).toMatch(/\/payments\/sandbox\/[0-9A-Z]+$/);
    const [signed = ''] = (pay?.fields?.p ?? '').split('.');
    const order = JSON.parse(Buffer.from(signed, 'base64url').toString('utf8')) as { urlOk: string; language: string };
    expect(order.urlOk).toContain(`/t/alacant/payments/${rows.rows[0]?.id ?? 'missing'}?result=ok`);
    expect(order.language).toBe('en');
  });

  it('lists pending receipts in Spanish with euros formatted for Spain, and "no" pays nothing', async () => {
    const say = await conversation('es', '4000000000000001', '1234');
    let r = await say({ text: 'quiero pagar el recibo del ibi' });
    expect(texts(r)).toMatch(/Tiene \d+ recibos pendientes:/);
    expect(texts(r)).toMatch(/\d+,\d{2}\s€/);
    r = await say({ text: '1' });
    expect(texts(r)).toContain('¿Seguimos?');
    r = await say({ text: 'no' });
    expect(texts(r)).toContain('No se ha hecho ningún trámite');
    const rows = await ta.t.db.query(`SELECT 1 FROM payments WHERE tenant_id = 'alacant' AND dni = '12345678Z'`);
    expect(rows.rows).toHaveLength(0);
  });

  it('files a generic application in Valencian (department, subject, text, confirmation) with its signed receipt, then reports its status', async () => {
    const say = await conversation('ca', '4000000000000004', '4567');
    let r = await say({ text: 'vull presentar una instància' });
    expect(texts(r)).toContain('A quin departament va adreçada?');
    r = await say({ action: 'val:urbanismo' });
    expect(texts(r)).toContain('assumpte');
    r = await say({ text: 'ok' });
    expect(texts(r)).toContain('massa curt');
    await say({ text: 'Soroll al meu carrer' });
    r = await say({ text: 'Demane que revisen el soroll de les obres del carrer de nit.' });
    expect(texts(r)).toContain('Presentaré la vostra instància a Urbanisme amb l’assumpte «Soroll al meu carrer»');
    // Before filing, the way to add documents: the form, with what was said already filled in.
    const form = cards(r).find((c) => c.kind === 'form');
    const url = new URL(form?.url ?? '', 'http://x');
    expect(url.pathname).toBe('/procedures/filing');
    expect(Object.fromEntries(url.searchParams)).toEqual({ departmentId: 'urbanismo', subject: 'Soroll al meu carrer', body: 'Demane que revisen el soroll de les obres del carrer de nit.' });
    r = await say({ text: 'sí' });
    const reg = /REG-\d{4}-\d{6}/.exec(texts(r))?.[0] ?? '';
    expect(reg).toMatch(/^REG-\d{4}-\d{6}$/);
    // Filed: the sealed receipt as a document card, whose verification page and PDF answer.
    const stored = await ta.t.db.query<{ receipt_code: string }>(`SELECT receipt_code FROM filings WHERE tenant_id = 'alacant' AND registry_number = $1`, [reg]);
    const code = stored.rows[0]?.receipt_code ?? 'missing';
    expect(cards(r)).toEqual([{ kind: 'document', title: 'Justificant de registre (PDF signat)', url: `/verify/${code}/pdf`, code, links: [{ title: expect.any(String), url: `/verify/${code}` }] }]);
    const pdf = await app.inject({ method: 'GET', url: `/verify/${code}/pdf`, headers: { 'x-tenant': 'alacant' } });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    r = await say({ text: `com va la meua instància ${reg}` });
    expect(texts(r)).toContain(`${reg} «Soroll al meu carrer»: registrada`);
  });

  it('says plainly when the council does not offer a procedure, does nothing and shows what it offers', async () => {
    const conv = await startChat(app, { lang: 'es', headers: { 'x-tenant': 'medina-rioseco' } });
    const r = await sendChat(app, conv, { text: 'quiero pagar una multa de tráfico' });
    expect(texts(r)).toBe('«Pagar una multa» no se puede hacer desde el asistente de este ayuntamiento. No se ha hecho ningún trámite.');
    expect(cards(r)).toHaveLength(0);
    const offered = options(r).map((o) => o.payload);
    expect(offered).not.toContain('intent:fine.pay');
    expect(offered).toContain('intent:tax.pay');
  });
});
