import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { seedDemoRegisters } from '../connectors/demo-seed.ts';
import { createFilingsService } from '../filings/index.ts';
import { createLocalFileStorage } from '../storage/index.ts';
import { createModerationModule } from '../moderation/index.ts';
import { createNluModule } from '../nlu/index.ts';
import { createPaymentsService } from '../payments/index.ts';
import { SandboxGateway } from '../payments/gateway/index.ts';
import { TenantRegistry, type TenantProfile } from '../tenants/index.ts';
import { createDbHandoffPort } from './assistant.repository.ts';
import type { Reply } from './assistant.ports.ts';
import { AssistantService, type Requester } from './assistant.service.ts';

// The payments and filings dialogs against the real services on a real database (the registry does not wire
// payments yet, so these run at the service level).
let t: TestDb;
let service: AssistantService;
let tenant: TenantProfile;

beforeAll(async () => {
  t = await createTestDb();
  const tenants = new TenantRegistry(t.tenants);
  tenant = tenants.get('alacant');
  await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile));
  const publicUrl = 'http://127.0.0.1:9';
  const payments = createPaymentsService({
    db: t.db,
    tenants,
    gateways: { sandbox: new SandboxGateway({ secret: 'assistant-test-secret-0123456789abcdef', publicUrl, deliver: async () => undefined }) },
    defaultGateway: 'sandbox',
    publicUrl,
  });
  const filings = createFilingsService({ db: t.db, tenants, storage: createLocalFileStorage(mkdtempSync(path.join(os.tmpdir(), 'vt-asst-'))) });
  service = new AssistantService({
    db: t.db,
    tenants,
    nlu: createNluModule({ db: t.db, tenants }).service,
    moderation: createModerationModule().port,
    handoff: createDbHandoffPort(t.db),
    procedures: { payments, filings },
  });
}, 60_000);
afterAll(async () => {
  await service.close();
  await t.close();
});

const texts = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'text' ? [r.text] : [])).join('\n');
const options = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'quick_replies' ? r.options : []));
const cards = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'card' ? [r.card] : []));

async function conversation(lang: 'es' | 'ca' | 'en', dni: string) {
  const who: Requester = { ownerToken: undefined, citizen: { dni, givenName: 'Demo' } };
  const started = await service.start(tenant, { lang, channel: 'web' }, who);
  const owner: Requester = { ...who, ownerToken: started.ownerToken };
  return async (msg: { text?: string; action?: string }) => (await service.message(tenant, started.id, msg, owner)).replies;
}

describe('payments and filings by chat', () => {
  it('lists fines in English with the 50% reduction, confirms and returns a payment card for the gateway', async () => {
    const say = await conversation('en', 'X1234567L');
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
    expect(pay?.url).toBeTruthy();
    expect(Object.keys(pay?.fields ?? {}).length).toBeGreaterThan(0);
    const rows = await t.db.query<{ status: string }>(`SELECT status FROM payments WHERE tenant_id = 'alacant' AND dni = 'X1234567L'`);
    expect(rows.rows).toEqual([{ status: 'created' }]);
  });

  it('lists pending receipts in Spanish with euros formatted for Spain, and "no" pays nothing', async () => {
    const say = await conversation('es', '12345678Z');
    let r = await say({ text: 'quiero pagar el recibo del ibi' });
    expect(texts(r)).toMatch(/Tiene \d+ recibos pendientes:/);
    expect(texts(r)).toMatch(/\d+,\d{2}\s€/);
    r = await say({ text: '1' });
    expect(texts(r)).toContain('¿Seguimos?');
    r = await say({ text: 'no' });
    expect(texts(r)).toContain('No se ha hecho ningún trámite');
    const rows = await t.db.query(`SELECT 1 FROM payments WHERE tenant_id = 'alacant' AND dni = '12345678Z'`);
    expect(rows.rows).toHaveLength(0);
  });

  it('files a generic application in Valencian (department, subject, text, confirmation) and then reports its status', async () => {
    const say = await conversation('ca', '34567890V');
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
    const handed = new URL(form?.url ?? '', 'http://x').searchParams;
    expect(new URL(form?.url ?? '', 'http://x').pathname).toBe('/procedures/filing');
    expect(Object.fromEntries(handed)).toEqual({ departmentId: 'urbanismo', subject: 'Soroll al meu carrer', body: 'Demane que revisen el soroll de les obres del carrer de nit.' });
    r = await say({ text: 'sí' });
    const reg = /REG-\d{4}-\d{6}/.exec(texts(r))?.[0];
    expect(reg).toBeTruthy();
    // Filed: no card points anywhere that does not exist (the receipt card comes when receipts are wired).
    expect(cards(r).filter((c) => c.kind === 'form')).toEqual([]);
    r = await say({ text: `com va la meua instància ${reg ?? ''}` });
    expect(texts(r)).toContain(`${reg ?? ''} «Soroll al meu carrer»: registrada`);
  });

  it('ends in a clearly labelled "not available yet" reply when a procedure service is not wired, never a fake success', async () => {
    const say = await conversation('es', '12345678Z');
    const r = await say({ text: 'quiero pedir cita' });
    expect(texts(r)).toContain('«Pedir cita» todavía no está disponible desde el asistente (no disponible aún)');
    expect(cards(r)).toHaveLength(0);
  });
});
