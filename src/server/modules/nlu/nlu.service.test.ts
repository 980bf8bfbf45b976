import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS_DIR, createTestDb, type TestDb } from '../../testing/test-db.ts';
import { TenantRegistry, loadTenantsDir, type LoadedTenant } from '../tenants/index.ts';
import { NluRepository } from './nlu.repository.ts';
import { NluService } from './nlu.service.ts';
import { BUILTIN_INTENTS, loadCorpus, loadEvalSet } from './nlu.training-data.ts';

const NOW = new Date('2026-11-25T10:00:00Z');

describe('the NLU service on citizen-style text', () => {
  const nlu = new NluService();
  const evalSet = loadEvalSet();

  it('has reviewable training files with at least 60 utterances per intent and language, none copied from the evaluation set', () => {
    const corpus = loadCorpus();
    for (const lang of ['es', 'ca', 'en'] as const) {
      for (const intent of BUILTIN_INTENTS) {
        expect(corpus.examples.filter((e) => e.lang === lang && e.intent === intent).length, `${lang} ${intent}`).toBeGreaterThanOrEqual(60);
      }
    }
    const trained = new Set(corpus.examples.map((e) => e.text.toLowerCase()));
    expect(evalSet.filter((e) => trained.has(e.text.toLowerCase()))).toEqual([]);
    for (const lang of ['es', 'ca', 'en'] as const) expect(evalSet.filter((e) => e.lang === lang).length).toBeGreaterThanOrEqual(40);
  });

  it('classifies the held-out set with >= 95 % accuracy overall and >= 90 % in each language, and identifies the language >= 95 %', () => {
    const report = nlu.evaluate().heldOut;
    expect(report.examples).toBe(evalSet.length);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    for (const lang of ['es', 'ca', 'en'] as const) expect(report.perLanguage[lang]?.accuracy ?? 0, lang).toBeGreaterThanOrEqual(0.9);
    expect(report.languageIdAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.confusion.labels).toEqual([...BUILTIN_INTENTS].sort());
  }, 120_000);

  it('reports a deterministic held-out split of the training files with macro-F1 per language', () => {
    const a = nlu.evaluate().split;
    const b = new NluService().evaluate().split;
    expect(a.accuracy).toBe(b.accuracy);
    expect(a.examples).toBeGreaterThan(300);
    expect(a.perLanguage.ca?.macroF1).toBeGreaterThan(0.8);
  }, 120_000);

  it('understands mixed, misspelled and Valencian requests', () => {
    expect(nlu.parse({ text: "hola bon dia vull el certificat d'empadronament" })).toMatchObject({ language: { code: 'ca' }, intent: { name: 'certificate.padron' } });
    expect(nlu.parse({ text: 'kiero pagar una multa' })).toMatchObject({ language: { code: 'es' }, intent: { name: 'fine.pay' } });
    expect(nlu.parse({ text: 'i need a cita for padron' })).toMatchObject({ language: { code: 'en' } });
    expect(nlu.parse({ text: 'ola buenas' })).toMatchObject({ language: { code: 'es' }, intent: { name: 'greeting' } });
    expect(nlu.parse({ text: 'vull pagar el rebut del fem' }).intent.name).toBe('tax.pay');
  });

  it('answers exactly language, intent, alternatives and entities, with softmax confidences', () => {
    const res = nlu.parse({ text: 'quiero cancelar la cita del jueves', now: NOW });
    expect(Object.keys(res)).toEqual(['language', 'intent', 'alternatives', 'entities']);
    expect(res.intent.name).toBe('appointment.manage');
    expect(res.alternatives).toHaveLength(3);
    const total = res.intent.confidence + res.alternatives.reduce((s, a) => s + a.confidence, 0);
    expect(total).toBeLessThanOrEqual(1.0001);
    expect(res.alternatives[0]?.confidence ?? 1).toBeLessThanOrEqual(res.intent.confidence);
    expect(res.entities).toEqual([{ type: 'date', value: '2026-11-26', text: 'jueves', start: 28, end: 34 }]);
  });

  it("falls back to the conversation's language, then the council's default, when the text says too little", () => {
    const tenants = new TenantRegistry(loadedDemoTenants());
    const withTenants = new NluService({ tenants });
    expect(withTenants.parse({ text: 'hola', conversationLang: 'ca', tenantId: 'alacant' }).language.code).toBe('ca');
    expect(withTenants.parse({ text: 'hola', tenantId: 'alacant' }).language.code).toBe('es');
    expect(withTenants.parse({ text: 'hola', lang: 'en', tenantId: 'alacant' }).language).toEqual({ code: 'en', confidence: 1 });
    // Medina de Rioseco speaks es and en only: Valencian text is never labelled ca there.
    expect(withTenants.parse({ text: 'vull pagar', tenantId: 'medina-rioseco' }).language.code).not.toBe('ca');
  });
});

function loadedDemoTenants(): LoadedTenant[] {
  return loadTenantsDir(DEMO_TENANTS_DIR);
}

describe('per-council training and mentored learning', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  }, 120_000);
  afterAll(async () => {
    await t.close();
  }, 60_000);

  it("learns a council's own intents from its profile", () => {
    const loaded = t.tenants.map((lt) =>
      lt.profile.id === 'alacant'
        ? {
            ...lt,
            profile: {
              ...lt.profile,
              intents: [
                {
                  name: 'library.card',
                  utterances: {
                    es: ['quiero el carnet de la biblioteca', 'sacar la tarjeta de la biblioteca', 'carnet de biblioteca', 'hacerme socio de la biblioteca'],
                    ca: ['vull el carnet de la biblioteca', 'traure la targeta de la biblioteca', 'carnet de biblioteca'],
                    en: ['i want a library card', 'get a library card', 'library card please'],
                  },
                  answer: { es: 'El carnet se pide en cualquier biblioteca municipal.', ca: 'El carnet es demana a qualsevol biblioteca municipal.', en: 'Ask for the card at any municipal library.' },
                },
              ],
            },
          }
        : lt,
    );
    const nlu = new NluService({ tenants: new TenantRegistry(loaded) });
    expect(nlu.parse({ text: 'kiero el carnet d la biblioteca', tenantId: 'alacant' }).intent.name).toBe('library.card');
    expect(nlu.intentNames('alacant')).toContain('library.card');
    expect(nlu.intentNames('medina-rioseco')).not.toContain('library.card');
    expect(nlu.customAnswer('alacant', 'library.card', 'ca')?.text).toContain('biblioteca');
  }, 120_000);

  it('retrains without a restart with phrases staff added, and stores the version with its evaluation before and after', async () => {
    const repo = new NluRepository(t.db);
    const nlu = new NluService({ repository: repo, tenants: new TenantRegistry(t.tenants) });
    const text = 'lo del tasazo de la moto';
    const first = await nlu.train('alacant', { trainedBy: 'staff-1' });
    expect(first.before).toBeNull();
    expect(first.version?.exampleCount).toBe(first.examples);
    await nlu.addPhrase({ tenantId: 'alacant', lang: 'es', intent: 'tax.pay', text, source: 'relabel', createdBy: 'staff-1' });
    await nlu.addPhrase({ tenantId: 'alacant', lang: 'es', intent: 'tax.pay', text, source: 'relabel', createdBy: 'staff-1' });
    expect(await repo.listPhrases('alacant')).toHaveLength(1);
    expect(await repo.listPhrases('medina-rioseco')).toHaveLength(0);
    const second = await nlu.train('alacant', { trainedBy: 'staff-1' });
    expect(second.examples).toBe(first.examples + 1);
    expect(second.before?.heldOut.accuracy).toBe(first.after.heldOut.accuracy);
    expect(second.version?.staffPhraseCount).toBe(1);
    expect(nlu.parse({ text, tenantId: 'alacant' }).intent.name).toBe('tax.pay');
    expect((await nlu.versions('alacant')).map((v) => v.id)).toEqual([second.version?.id, first.version?.id]);
    expect(await nlu.versions('medina-rioseco')).toEqual([]);
    // A restart: a new service gets the staff phrase back from the database.
    const restarted = new NluService({ repository: repo, tenants: new TenantRegistry(t.tenants) });
    expect(await restarted.restoreTenantModels()).toEqual(['alacant']);
    expect(restarted.parse({ text, tenantId: 'alacant' }).intent.name).toBe('tax.pay');
  }, 120_000);

  it('refuses phrases for intents the council does not have', async () => {
    const nlu = new NluService({ repository: new NluRepository(t.db), tenants: new TenantRegistry(t.tenants) });
    await expect(nlu.addPhrase({ tenantId: 'alacant', lang: 'es', intent: 'pizza.order', text: 'una pizza' })).rejects.toMatchObject({ code: 'nlu.unknown_intent' });
  });
});
