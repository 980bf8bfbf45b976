import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { importIpsCases } from './observatory.importer.ts';
import { seedObservatory } from './observatory.seed.ts';
import type { ObsActor } from './observatory.policy.ts';
import { ObservatoryService } from './observatory.service.ts';
import { haversineKm } from './observatory.text.ts';
import { ZProjectSearchQuerySchema, type ProjectInput } from './observatory.schemas.ts';

let t: TestDb;
let svc: ObservatoryService;
const q = (params: Record<string, string>) => ZProjectSearchQuerySchema.parse(params);

async function verifiedAccount(email: string, ine5?: string): Promise<ObsActor> {
  const { verificationToken } = await svc.register({ email, password: 'correct horse battery', displayName: email, language: 'es', ...(ine5 ? { ine5 } : {}) });
  await svc.verifyEmail(verificationToken);
  return (await svc.authenticate(email, 'correct horse battery')).actor;
}

const draft: ProjectInput = {
  title: { es: 'Registro electrónico de apoderamientos', en: 'Electronic register of powers of attorney' },
  ine5: '47086', entityKind: 'municipality', contacts: [], summary: { es: 'Apoderamientos en línea.' }, description: {}, valueText: {},
  metrics: { savedCentsPerYear: 120000 }, barriers: {}, benefits: {}, technologies: ['electronic ID'], methodologies: [], tools: [],
  phase: 'pilot', type: 'processes', area: 'services-procedures', documentation: [],
};

beforeAll(async () => {
  t = await createTestDb();
  svc = new ObservatoryService({ db: t.db });
  await seedObservatory(t.db, svc);
}, 120_000);
afterAll(async () => t.close());

describe('the observatory', () => {
  it('loads the whole gazetteer once and finds Alicante by name without accents', async () => {
    const again = await svc.ensureMunicipalities();
    expect(again).toEqual({ loaded: 0, total: 8132 });
    const [first] = await svc.searchMunicipalities('alacant');
    expect(first).toMatchObject({ ine5: '03014', provinceCode: '03', regionCode: '10', band: '100k-500k' });
    const [jaen] = await svc.searchMunicipalities('jaen');
    expect(jaen?.ine5).toBe('23050');
  });

  it('seeds idempotently: a second run changes nothing', async () => {
    const second = await seedObservatory(t.db, svc);
    expect(second.created).toBe(0);
    expect(second.updated).toBe(0);
    expect(second.unchanged).toBeGreaterThanOrEqual(17);
    const pf = await svc.portfolio('alicante-smart-city-2', 'en');
    expect(pf.lines).toHaveLength(25);
    expect(pf.objectives).toHaveLength(4);
    expect(pf.budgetCents).toBe(2_500_000_000);
    expect(pf.lines.find((l) => l.name === 'Cybersecurity')?.budgetCents).toBe(75_000_000);
  });

  it('finds Km0 projects around Alicante (03014) with great-circle distances', async () => {
    const res = await svc.searchProjects(undefined, q({ near: '03014', km: '50' }), 'es');
    const slugs = res.items.map((i) => i.slug);
    expect(slugs).toContain('al21-capa-inteligencia-artificial');
    expect(slugs).toContain('cita-previa-y-avisos-por-whatsapp');
    expect(slugs).not.toContain('presupuestos-participativos-con-voto-electronico'); // Murcia, ~69 km
    const distances = res.items.map((i) => i.distanceKm ?? -1);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    expect(distances.every((d) => d >= 0 && d <= 50)).toBe(true);
    // Independent check: Alicante (38.34549, -0.48318) to Elx/Elche (38.26536, -0.69885), coordinates from the IGN file.
    const elx = res.items.find((i) => i.council.ine5 === '03065');
    const expected = haversineKm({ lat: 38.34549, lon: -0.48318 }, { lat: 38.26536, lon: -0.69885 });
    expect(expected).toBeGreaterThan(20);
    expect(elx?.distanceKm).toBeCloseTo(expected, 1);
    expect(elx?.council).toMatchObject({ name: 'Elx/Elche', province: 'Alacant/Alicante', population: 238293 });
    expect(res.reference?.name).toBe('Alacant/Alicante');
  });

  it('widens Km0 with km and keeps map coordinates in each result', async () => {
    const res = await svc.searchProjects(undefined, q({ near: '03014', km: '100' }), 'en');
    const murcia = res.items.find((i) => i.council.ine5 === '30030');
    expect(murcia?.distanceKm).toBeGreaterThan(50);
    expect(murcia?.council.lat).toBeCloseTo(37.98, 1);
  });

  it('finds councils like mine elsewhere: same band, far away, municipalities only', async () => {
    const res = await svc.searchProjects(undefined, q({ like: '03014' }), 'en');
    const councils = res.items.map((i) => i.council.name);
    expect(councils).toContain('Valladolid');
    expect(councils).toContain('Gemeente Utrecht');
    expect(councils).not.toContain('Elx/Elche'); // same band but nearby
    expect(councils).not.toContain('Alacant/Alicante');
    expect(councils).not.toContain('Diputació de Barcelona (demo)'); // not a municipality
    expect(res.items.every((i) => i.council.band === '100k-500k')).toBe(true);
    const small = await svc.searchProjects(undefined, q({ like: '47086' }), 'es');
    expect(small.items.map((i) => i.council.ine5).sort()).toEqual(['22907', '46072']); // Villalón is 24 km away
  });

  it('filters by area, type, phase, technology, band, province and region', async () => {
    const a = await svc.searchProjects(undefined, q({ area: 'first-line-care' }), 'es');
    expect(a.items.length).toBeGreaterThanOrEqual(3);
    expect(a.items.every((i) => i.area === 'first-line-care')).toBe(true);
    const b = await svc.searchProjects(undefined, q({ type: 'organisation', phase: 'implemented' }), 'es');
    expect(b.items.map((i) => i.slug)).toContain('oficina-sin-papel-y-trabajo-en-remoto');
    expect(b.items.every((i) => i.type === 'organisation' && i.phase === 'implemented')).toBe(true);
    const c = await svc.searchProjects(undefined, q({ technology: 'rpa' }), 'es');
    expect(c.items.map((i) => i.council.ine5).sort()).toEqual(['03014', '03014', '15030']);
    const d = await svc.searchProjects(undefined, q({ region: '10', band: '20k-50k' }), 'es');
    expect(d.items.map((i) => i.council.ine5).sort()).toEqual(['03140']);
    const e = await svc.searchProjects(undefined, q({ province: '47' }), 'es');
    expect(e.items.map((i) => i.council.ine5).sort()).toEqual(['47186', '47214']);
    expect(e.facets.area['first-line-care']).toBe(1);
  });

  it('searches the full text in Spanish, Valencian and English, ignoring accents and word endings', async () => {
    const es = await svc.searchProjects(undefined, q({ q: 'certificado padron' }), 'es');
    expect(es.items.map((i) => i.slug)).toContain('ciberkioskos-alicante');
    const ca = await svc.searchProjects(undefined, q({ q: 'ciberquioscs barris' }), 'ca');
    expect(ca.items[0]?.slug).toBe('ciberkioskos-alicante');
    expect(ca.items[0]?.title).toBe("Ciberquioscs municipals als barris d'Alacant");
    const en = await svc.searchProjects(undefined, q({ q: 'kiosk neighbourhood' }), 'en');
    expect(en.items[0]?.slug).toBe('ciberkioskos-alicante');
    const accents = await svc.searchProjects(undefined, q({ q: 'inteligencia artificial' }), 'es');
    expect(accents.items[0]?.slug).toBe('al21-capa-inteligencia-artificial');
    const none = await svc.searchProjects(undefined, q({ q: 'zzzxqj' }), 'es');
    expect(none.total).toBe(0);
  });

  it('falls back to another language when a text is missing', async () => {
    const res = await svc.searchProjects(undefined, q({ q: 'Utrecht' }), 'ca');
    expect(res.items[0]).toMatchObject({ title: 'Presupuesto abierto por barrios', textLanguage: 'es' });
    expect(res.items[0]?.summary).toContain('Open data dashboard');
  });

  it('suggests similar projects and shows which councils reused a project', async () => {
    const similar = await svc.similarProjects(undefined, 'al21-capa-inteligencia-artificial', 'es');
    expect(similar.map((s) => s.slug).slice(0, 3)).toContain('asistente-virtual-municipal-multicanal');
    const al21 = await svc.getProject(undefined, 'al21-capa-inteligencia-artificial', 'en');
    expect(al21.adoptions.find((a) => a.stage === 'adopted')?.name).toBe('Jaén');
    expect(al21.adoptionCount).toBe(1);
    expect(al21.portfolio?.slug).toBe('alicante-smart-city-2');
  });

  it('keeps the workflow: a member drafts and submits, cannot publish; an editor publishes; history records it all', async () => {
    const member = await verifiedAccount('tecnica@medinaderioseco.example', '47086');
    const created = await svc.createProject(member, draft);
    expect(created.status).toBe('draft');
    const hidden = await svc.searchProjects(undefined, q({ q: 'apoderamientos' }), 'es');
    expect(hidden.total).toBe(0);
    await expect(svc.getProject(undefined, created.id, 'es')).rejects.toMatchObject({ code: 'observatory.project_not_found' });
    await svc.updateProject(member, created.id, { phase: 'implemented' });
    await svc.submitProject(member, created.id);
    await expect(svc.publishProject(member, created.id)).rejects.toMatchObject({ code: 'observatory.editor_required', status: 403 });
    const stranger = await verifiedAccount('otra@example.org');
    // Someone else's unpublished record does not exist for a stranger, on writes as on reads.
    await expect(svc.updateProject(stranger, created.id, { phase: 'prototype' })).rejects.toMatchObject({ code: 'observatory.project_not_found', status: 404 });

    const editorAcc = await verifiedAccount('editora@example.org');
    const editorId = editorAcc.kind === 'account' ? editorAcc.id : '';
    await svc.setRole({ kind: 'system' }, editorId, 'editor');
    const editor = (await svc.authenticate('editora@example.org', 'correct horse battery')).actor;
    const published = await svc.publishProject(editor, created.id, 'OK');
    expect(published.status).toBe('published');
    const found = await svc.searchProjects(undefined, q({ q: 'apoderamientos' }), 'es');
    expect(found.items[0]?.id).toBe(created.id);

    const history = await svc.history(member, created.id);
    expect(history.map((h) => h.action)).toEqual(['create', 'update', 'submit', 'publish']);
    expect(history[1]?.changes.phase).toEqual({ before: 'pilot', after: 'implemented' });
    const notes = await svc.notifications(member);
    expect(notes[0]?.kind).toBe('project_published');
  });

  it('lists records not reviewed for a year and reminds their owners once', async () => {
    const inAYear = new Date(Date.now() + 366 * 24 * 3600 * 1000);
    const stale = await svc.listStaleProjects(inAYear);
    expect(stale.length).toBeGreaterThanOrEqual(17);
    expect(await svc.listStaleProjects(new Date())).toEqual([]);
    const owned = stale.filter((s) => s.ownerAccountId !== null).length;
    // Two instances running the daily job at the same moment remind each owner once between them.
    const [first, second] = await Promise.all([svc.remindStaleProjects(inAYear), svc.remindStaleProjects(inAYear)]);
    expect(first + second).toBe(owned);
    expect(owned).toBeGreaterThan(0);
    expect(await svc.remindStaleProjects(inAYear)).toBe(0);
    // The daily job runs every day: nothing again within the year, even though nobody reviewed the records...
    const day = 24 * 3600 * 1000;
    expect(await svc.remindStaleProjects(new Date(inAYear.getTime() + day))).toBe(0);
    expect(await svc.remindStaleProjects(new Date(inAYear.getTime() + 364 * day))).toBe(0);
    // ...and once more a year after the first reminder.
    expect(await svc.remindStaleProjects(new Date(inAYear.getTime() + 366 * day))).toBe(owned);
    const reminders = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM global_obs_notifications WHERE kind = 'review_reminder'");
    expect(Number(reminders.rows[0]?.n)).toBe(owned * 2);
  });

  it('registers with argon2id, verifies the e-mail and honours a council domain allow-list', async () => {
    const { account, verificationToken } = await svc.register({ email: 'Ana@Alicante.es', password: 'a long passphrase', displayName: 'Ana', language: 'ca' });
    expect(account.isVerified).toBe(false);
    await expect(svc.authenticate('ana@alicante.es', 'a long passphrase')).rejects.toMatchObject({ code: 'observatory.email_not_verified' });
    const hash = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM global_obs_accounts WHERE id = $1', [account.id]);
    expect(hash.rows[0]?.password_hash.startsWith('$argon2id$')).toBe(true);
    await svc.verifyEmail(verificationToken);
    await expect(svc.verifyEmail(verificationToken)).rejects.toMatchObject({ code: 'observatory.invalid_token' });
    await expect(svc.authenticate('ana@alicante.es', 'wrong password')).rejects.toMatchObject({ code: 'observatory.bad_credentials' });
    expect((await svc.authenticate('ana@alicante.es', 'a long passphrase')).account.handle).toBe('ana');

    await svc.allowDomain({ kind: 'system' }, '03065', 'elche.es');
    await expect(svc.register({ email: 'x@gmail.com', password: 'a long passphrase', displayName: 'X', language: 'es', ine5: '03065' }))
      .rejects.toMatchObject({ code: 'observatory.domain_not_allowed' });
    const ok = await svc.register({ email: 'y@elche.es', password: 'a long passphrase', displayName: 'Y', language: 'es', ine5: '03065' });
    expect(ok.account.ine5).toBe('03065');
  });

  it('imports JRC cases idempotently by case id and places Spanish councils on the map', async () => {
    const csv = readFileSync(new URL('./fixtures/ips-cases-sample.csv', import.meta.url), 'utf8');
    const first = await importIpsCases(t.db, svc, csv);
    expect(first).toMatchObject({ read: 3, created: 3, placedInSpain: 2, skipped: 0 });
    const second = await importIpsCases(t.db, svc, csv);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const mona = await svc.searchProjects(undefined, q({ q: 'chatbot subsidies' }), 'en');
    expect(mona.items[0]).toMatchObject({ title: 'Mona - Public chatbot for companies, "corona" edition', source: 'jrc-ips' });
    expect(mona.items[0]?.council).toMatchObject({ country: 'AT', kind: 'national' });
    const fuengirola = await svc.searchProjects(undefined, q({ near: '29054', km: '5' }), 'en');
    expect(fuengirola.items.map((i) => i.title)).toContain('Fuengirola Town Hall - measuring beach attendance');
    const detail = await svc.getProject(undefined, fuengirola.items[0]?.id ?? '', 'es');
    expect(detail.attribution).toContain('Joint Research Centre');
  });
});
