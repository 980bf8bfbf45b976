import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { FIXTURE_CRAWL_DELAY_S, startFixtureSite, type FixtureSite } from './fixtures/fixture-site.ts';
import { AskService, KnowledgeService } from './knowledge.service.ts';
import type { CrawlReport } from './knowledge.schemas.ts';
import { ApertiumTranslator } from './knowledge.translator.ts';

describe('crawling the fixture council website end to end', () => {
  let tdb: TestDb;
  let site: FixtureSite;
  let knowledge: KnowledgeService;
  let ask: AskService;
  let first: CrawlReport;
  let second: CrawlReport;
  let third: CrawlReport;
  let requestsBeforeSecond = 0;
  let pagesAfterFirst: { url: string; language: string }[] = [];

  beforeAll(async () => {
    tdb = await createTestDb();
    site = await startFixtureSite();
    const tenants = new TenantRegistry(tdb.tenants);
    knowledge = new KnowledgeService({ db: tdb.db, tenants, translator: new ApertiumTranslator() });
    ask = new AskService(knowledge, tenants);
    first = await knowledge.crawl('alacant', `${site.baseUrl}/es/index.html`);
    requestsBeforeSecond = site.requests.length;
    pagesAfterFirst = (await tdb.db.query<{ url: string; language: string }>("SELECT url, language FROM knowledge_pages WHERE tenant_id = 'alacant' ORDER BY url")).rows;
    second = await knowledge.crawl('alacant', `${site.baseUrl}/es/index.html`);
    site.changeWastePage();
    site.removeOldPage();
    third = await knowledge.crawl('alacant', `${site.baseUrl}/es/index.html`);
  }, 60_000);

  afterAll(async () => {
    await site.close();
    await tdb.close();
  });

  it('indexes the HTML pages, the PDF and the es/ca pair on the first crawl', async () => {
    expect(first.status).toBe('done');
    expect(first.counts.fetched).toBe(7);
    const urls = pagesAfterFirst;
    expect(urls.map((u) => u.url.replace(site.baseUrl, ''))).toEqual([
      '/ca/index.html',
      '/ca/padro.html',
      '/docs/ordenanza-vados.pdf',
      '/es/basuras.html',
      '/es/fiestas-2019.html',
      '/es/index.html',
      '/es/padron.html',
    ]);
    expect(urls.find((u) => u.url.endsWith('/ca/padro.html'))?.language).toBe('ca');
    expect(urls.find((u) => u.url.endsWith('.pdf'))?.language).toBe('es');
  });

  it('obeys robots.txt: the disallowed page is reported as skipped and never requested', () => {
    expect(first.items).toContainEqual({ url: `${site.baseUrl}/privado/intranet.html`, outcome: 'skipped', reason: 'robots' });
    expect(site.requests.some((r) => r.path.startsWith('/privado/'))).toBe(false);
  });

  it('waits the crawl-delay between requests to the host', () => {
    const times = site.requests.slice(0, requestsBeforeSecond).map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    // Timer granularity allows a couple of ms early.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(FIXTURE_CRAWL_DELAY_S * 1000 - 3);
  });

  it('folds the canonical duplicate and the same-content duplicate into the original page', () => {
    expect(first.items).toContainEqual({ url: `${site.baseUrl}/es/padron-copia.html`, outcome: 'skipped', reason: 'duplicate_canonical' });
    expect(first.items).toContainEqual({ url: `${site.baseUrl}/es/padron.html?utm_source=boletin`, outcome: 'skipped', reason: 'duplicate_content' });
  });

  it('never leaves the site', () => {
    expect(first.items.some((i) => i.url.startsWith('https://example.org'))).toBe(false);
  });

  it('downloads no page body when recrawling an unchanged site', () => {
    expect(second.status).toBe('done');
    expect(second.counts.bodiesDownloaded).toBe(0);
    expect(second.counts.fetched).toBe(0);
    expect(second.counts.unchanged).toBe(9);
  });

  it('reindexes the changed page and drops the removed page on the next crawl', async () => {
    expect(third.counts.fetched).toBe(1);
    expect(third.counts.bodiesDownloaded).toBe(1);
    expect(third.items).toContainEqual({ url: `${site.baseUrl}/es/fiestas-2019.html`, outcome: 'removed', reason: 'http_410' });
    const gone = await tdb.db.query("SELECT 1 FROM knowledge_pages WHERE tenant_id = 'alacant' AND url LIKE '%fiestas-2019%'");
    expect(gone.rows).toHaveLength(0);
    const changed = await ask.ask({ tenantId: 'alacant', question: '¿Qué día recogen los muebles viejos?', lang: 'es' });
    expect(changed.answer).toContain('jueves');
  });

  it('keeps every crawl report, newest first, with the reasons', async () => {
    const list = await knowledge.listCrawls('alacant');
    expect(list.map((c) => c.id)).toEqual([third.id, second.id, first.id]);
    const again = await knowledge.getCrawl('alacant', first.id);
    expect(again.items.length).toBeGreaterThan(0);
    await expect(knowledge.getCrawl('medina-rioseco', first.id)).rejects.toMatchObject({ code: 'knowledge.crawl_not_found' });
  });

  it('answers a Spanish question with a short extract and the official page as source', async () => {
    const r = await ask.ask({ tenantId: 'alacant', question: '¿Dónde pido el certificado de empadronamiento?', lang: 'es' });
    expect(r.handoffSuggested).toBe(false);
    expect(r.language).toBe('es');
    expect(r.sources[0]?.url).toBe(`${site.baseUrl}/es/padron.html`);
    expect(r.answer).toMatch(/sede electrónica|Oficina de Atención Ciudadana/);
    expect(r.confidence).toBeGreaterThanOrEqual(0.45);
  });

  it('answers in Valencian from the hreflang alternate when the site has one', async () => {
    const r = await ask.ask({ tenantId: 'alacant', question: "On puc demanar el certificat d'empadronament?", lang: 'ca' });
    expect(r.language).toBe('ca');
    expect(r.sources[0]?.url).toBe(`${site.baseUrl}/ca/padro.html`);
    expect(r.note).toBeUndefined();
  });

  it('answers in the page language with a note when the site lacks the citizen language', async () => {
    const r = await ask.ask({ tenantId: 'alacant', question: 'How much is the driveway (vado) fee and when is it paid?', lang: 'en' });
    expect(r.sources[0]?.url).toBe(`${site.baseUrl}/docs/ordenanza-vados.pdf`);
    expect(r.language).toBe('es');
    expect(r.note).toBe('This information is only available in Spanish.');
    expect(r.answer).toContain('marzo');
  });

  it('says it does not know and offers a person when nothing on the site answers', async () => {
    const r = await ask.ask({ tenantId: 'alacant', question: '¿A qué hora juega hoy el Hércules contra el Elche?', lang: 'es' });
    expect(r.handoffSuggested).toBe(true);
    expect(r.answer).toContain('persona');
  });

  it('lets a staff FAQ entry outrank crawled content, and edits and deletes it, auditing each change with it', async () => {
    const editor = { tenantId: 'alacant', actorType: 'staff', actorId: 'editor-1', channel: 'web' } as const;
    const faq = await knowledge.createFaq('alacant', {
      question: { es: '¿Cuánto cuesta el certificado de empadronamiento?', ca: "Quant costa el certificat d'empadronament?", en: 'How much does the residence certificate cost?' },
      answer: { es: 'Es gratuito.', ca: 'És gratuït.', en: 'It is free of charge.' },
      url: `${site.baseUrl}/es/padron.html`,
    }, editor);
    const r = await ask.ask({ tenantId: 'alacant', question: 'cuanto cuesta el certificado de empadronamiento', lang: 'es' });
    expect(r.faqId).toBe(faq.id);
    expect(r.answer).toBe('Es gratuito.');
    const en = await ask.ask({ tenantId: 'alacant', question: 'How much does the residence certificate cost?', lang: 'en' });
    expect(en.answer).toBe('It is free of charge.');
    const updated = await knowledge.updateFaq('alacant', faq.id, { question: faq.question, answer: { es: 'No cuesta nada.' }, url: null }, editor);
    expect(updated.answer).toEqual({ es: 'No cuesta nada.' });
    expect(await knowledge.listFaqs('medina-rioseco')).toEqual([]);
    await knowledge.deleteFaq('alacant', faq.id, editor);
    await expect(knowledge.deleteFaq('alacant', faq.id, editor)).rejects.toMatchObject({ code: 'knowledge.faq_not_found' });
    await expect(knowledge.updateFaq('alacant', faq.id, { question: faq.question, answer: faq.answer }, editor)).rejects.toMatchObject({ code: 'knowledge.faq_not_found' });
    // One row per change that happened; the refused delete and update left none (audit and work share a transaction).
    const audit = await tdb.db.query<{ action: string; subject_id: string; actor_id: string }>(
      "SELECT action, subject_id, actor_id FROM audit_log WHERE tenant_id = 'alacant' AND subject_type = 'faq' ORDER BY id",
    );
    expect(audit.rows).toEqual(['knowledge.faq_created', 'knowledge.faq_updated', 'knowledge.faq_deleted'].map((action) => ({ action, subject_id: String(faq.id), actor_id: 'editor-1' })));
  });

  it('finds a page despite typos and missing accents', async () => {
    const r = await ask.ask({ tenantId: 'alacant', question: 'certificado de empadronamineto', lang: 'es' });
    expect(r.sources[0]?.url).toBe(`${site.baseUrl}/es/padron.html`);
  });

  it('keeps councils apart: another council sees none of these pages', async () => {
    const r = await ask.ask({ tenantId: 'medina-rioseco', question: 'certificado de empadronamiento', lang: 'es' });
    expect(r.handoffSuggested).toBe(true);
    expect(r.sources).toEqual([]);
  });
});
