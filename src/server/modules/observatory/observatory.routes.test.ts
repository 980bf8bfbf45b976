import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { ObservatoryService, OBS_CSRF_HEADER, seedObservatory } from './index.ts';

let ta: TestApp;
let svc: ObservatoryService;
type Json = Record<string, unknown>;

beforeAll(async () => {
  ta = await createTestApp();
  svc = new ObservatoryService({ db: ta.t.db });
  await seedObservatory(ta.t.db, svc);
}, 120_000);
afterAll(async () => ta.close());

describe('GET /api/v1/observatory/projects', () => {
  it('answers Km0 around 03014 with each council and distance_km, nearest first', async () => {
    const res = await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/projects?near=03014&km=50&lang=en' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ total: number; items: { slug: string; distanceKm: number; council: Json }[] }>();
    expect(body.total).toBeGreaterThanOrEqual(6);
    expect(body.items[0]?.council).toMatchObject({ ine5: '03014', name: 'Alacant/Alicante', province: 'Alacant/Alicante', population: 349282 });
    expect(body.items[0]?.distanceKm).toBe(0);
    const elx = body.items.find((i) => i.council.ine5 === '03065');
    expect(elx?.distanceKm).toBeGreaterThan(20);
    expect(elx?.distanceKm).toBeLessThan(21);
  });

  it('combines q, area, type and like, and rejects a bad INE code with 400', async () => {
    const res = await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/projects?q=asistente&area=first-line-care&type=services&like=03014' });
    const slugs = res.json<{ items: { slug: string }[] }>().items.map((i) => i.slug);
    expect(slugs).toEqual(['asistente-virtual-municipal-multicanal']);
    const bad = await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/projects?near=3014' });
    expect(bad.statusCode).toBe(400);
    const unknown = await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/projects?near=99999&lang=en' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error: { code: string; message: string } }>().error).toEqual({
      code: 'observatory.unknown_municipality', message: 'There is no municipality with INE code 99999.',
    });
  });

  it('pages through the results with limit and offset, always giving the total', async () => {
    const page = async (q: string) => (await ta.app.inject({ method: 'GET', url: `/api/v1/observatory/projects?${q}` })).json<{ total: number; limit: number; offset: number; items: { id: string }[] }>();
    const all = await page('limit=500');
    expect(all.total).toBeGreaterThanOrEqual(10);
    expect(all.items).toHaveLength(all.total);
    const first = await page('limit=4');
    const second = await page('limit=4&offset=4');
    expect(first).toMatchObject({ total: all.total, limit: 4, offset: 0 });
    expect(second).toMatchObject({ total: all.total, limit: 4, offset: 4 });
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(all.items.slice(0, 8).map((i) => i.id));
    const past = await page('limit=4&offset=10000');
    expect(past).toMatchObject({ total: all.total, items: [] });
    expect((await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/projects?limit=501' })).statusCode).toBe(400);
  });

  it('serves the municipality picker', async () => {
    const res = await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/municipalities?q=medina%20de%20rioseco' });
    expect(res.json<Json[]>()[0]).toMatchObject({ ine5: '47086', band: '1k-5k', region: 'Castilla y León' });
  });
});

describe('the workflow over HTTP', () => {
  it('lets a signed-in member create and submit with the CSRF token, but not publish', async () => {
    const { verificationToken } = await svc.register({ email: 'tec@example.org', password: 'correct horse battery', displayName: 'Tec', language: 'es', ine5: '47086' });
    const verified = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/accounts/verify', payload: { token: verificationToken } });
    expect(verified.json<Json>().isVerified).toBe(true);
    const login = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email: 'tec@example.org', password: 'correct horse battery' } });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const payload = { title: { es: 'Bandos municipales por mensajería' }, ine5: '47086', phase: 'pilot', type: 'services', area: 'first-line-care' };
    const noToken = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/projects', headers: { cookie }, payload });
    expect(noToken.statusCode).toBe(403);
    const created = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/projects', headers: { cookie, [OBS_CSRF_HEADER]: csrf }, payload });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const submitted = await ta.app.inject({ method: 'POST', url: `/api/v1/observatory/projects/${id}/submit`, headers: { cookie, [OBS_CSRF_HEADER]: csrf } });
    expect(submitted.json<Json>()).toMatchObject({ status: 'submitted' });
    const publish = await ta.app.inject({ method: 'POST', url: `/api/v1/observatory/projects/${id}/publish?lang=ca`, headers: { cookie, [OBS_CSRF_HEADER]: csrf } });
    expect(publish.statusCode).toBe(403);
    expect(publish.json<{ error: Json }>().error.code).toBe('observatory.editor_required');
    const anonymous = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/projects', payload });
    expect(anonymous.statusCode).toBe(401);
  });

  it('ends the session on the server at sign-out, so a copied cookie no longer works', async () => {
    await svc.register({ email: 'out@example.org', password: 'correct horse battery', displayName: 'Out', language: 'ca' })
      .then((r) => svc.verifyEmail(r.verificationToken));
    const signIn = async () => {
      const login = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email: 'out@example.org', password: 'correct horse battery' } });
      expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly/i);
      return { cookie: String(login.headers['set-cookie']).split(';')[0] ?? '', csrf: login.json<{ csrfToken: string }>().csrfToken };
    };
    const who = async (cookie: string) =>
      (await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/session', headers: { cookie } })).json<{ account: { email: string } | null }>().account;
    const a = await signIn();
    const b = await signIn();
    expect(a.cookie).not.toBe(b.cookie);
    expect(await who(a.cookie)).toMatchObject({ email: 'out@example.org' });
    // Without the CSRF token a cross-site page cannot sign the officer out.
    expect((await ta.app.inject({ method: 'DELETE', url: '/api/v1/observatory/session', headers: { cookie: a.cookie } })).statusCode).toBe(403);
    const out = await ta.app.inject({ method: 'DELETE', url: '/api/v1/observatory/session', headers: { cookie: a.cookie, [OBS_CSRF_HEADER]: a.csrf } });
    expect(out.statusCode).toBe(204);
    // The old cookie, replayed, is nobody; the other device is still signed in until the operator ends it.
    expect(await who(a.cookie)).toBeNull();
    const replay = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/notifications/read', headers: { cookie: a.cookie, [OBS_CSRF_HEADER]: a.csrf }, payload: { ids: 'all' } });
    expect(replay.statusCode).toBe(401);
    expect(await who(b.cookie)).toMatchObject({ email: 'out@example.org' });
    expect(await svc.endSessionsByEmail({ kind: 'system' }, 'out@example.org')).toBe(1);
    expect(await who(b.cookie)).toBeNull();
    await expect(svc.endSessionsByEmail({ kind: 'account', id: 'x', role: 'moderator', ine5: null, isVerified: true }, 'out@example.org')).rejects.toMatchObject({ code: 'observatory.forbidden' });
  });

  it('posts on a project thread over HTTP and the owner sees the notification', async () => {
    await svc.register({ email: 'v@example.org', password: 'correct horse battery', displayName: 'V', language: 'en' })
      .then((r) => svc.verifyEmail(r.verificationToken));
    const login = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email: 'v@example.org', password: 'correct horse battery' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/forum/threads', headers: { cookie, [OBS_CSRF_HEADER]: csrf },
      payload: { projectId: 'ciberkioskos-alicante', body: 'How many staff hours did the kiosks save? <script>x</script>' } });
    expect(res.statusCode).toBe(201);
    const thread = res.json<{ id: string; posts: { bodyHtml: string }[] }>();
    expect(thread.posts[0]?.bodyHtml).not.toContain('script');
    const owner = await ta.t.db.query<{ kind: string; subject_id: string }>(
      `SELECT n.kind, n.subject_id FROM global_obs_notifications n JOIN global_obs_accounts a ON a.id = n.account_id
       WHERE a.email = 'innovacion@alicante.demo.invalid'`);
    expect(owner.rows).toContainEqual({ kind: 'project_thread', subject_id: thread.id });
  });

  it('lets the signed-in officer turn the e-mail digest off and on, with the CSRF token', async () => {
    await svc.register({ email: 'digest@example.org', password: 'correct horse battery', displayName: 'D', language: 'es' })
      .then((r) => svc.verifyEmail(r.verificationToken));
    const login = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email: 'digest@example.org', password: 'correct horse battery' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const csrf = login.json<{ csrfToken: string; account: Json }>().csrfToken;
    expect(login.json<{ account: Json }>().account.wantsDigest).toBe(true);
    const noToken = await ta.app.inject({ method: 'PATCH', url: '/api/v1/observatory/account', headers: { cookie }, payload: { wantsDigest: false } });
    expect(noToken.statusCode).toBe(403);
    const anonymous = await ta.app.inject({ method: 'PATCH', url: '/api/v1/observatory/account', payload: { wantsDigest: false } });
    expect(anonymous.statusCode).toBe(401);
    const off = await ta.app.inject({ method: 'PATCH', url: '/api/v1/observatory/account', headers: { cookie, [OBS_CSRF_HEADER]: csrf }, payload: { wantsDigest: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json<Json>()).toMatchObject({ email: 'digest@example.org', wantsDigest: false });
    const session = await ta.app.inject({ method: 'GET', url: '/api/v1/observatory/session', headers: { cookie } });
    expect(session.json<{ account: Json }>().account.wantsDigest).toBe(false);
    const stored = await ta.t.db.query<{ wants_digest: boolean }>("SELECT wants_digest FROM global_obs_accounts WHERE email = 'digest@example.org'");
    expect(stored.rows[0]?.wants_digest).toBe(false);
    const bad = await ta.app.inject({ method: 'PATCH', url: '/api/v1/observatory/account', headers: { cookie, [OBS_CSRF_HEADER]: csrf }, payload: { role: 'editor' } });
    expect(bad.statusCode).toBe(400);
  });

  it('sends the verification e-mail again only to an unverified account, answering 202 whatever the address', async () => {
    const outbox = path.join(ta.dataDir, 'outbox');
    const mailsTo = (email: string) =>
      (existsSync(outbox) ? readdirSync(outbox) : [])
        .map((f) => readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '='))
        .filter((m) => m.includes(`To: ${email}`));
    const reg = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/accounts',
      payload: { email: 'late@example.org', password: 'correct horse battery', displayName: 'Late', language: 'en' } });
    expect(reg.statusCode).toBe(201);
    await expect.poll(() => mailsTo('late@example.org').length).toBe(1);
    const resend = (email: string) => ta.app.inject({ method: 'POST', url: '/api/v1/observatory/accounts/resend-verification', payload: { email } });
    // Within a minute of the last e-mail: accepted, but nothing sent (no inbox flooding).
    const tooSoon = await resend('late@example.org');
    expect(tooSoon.statusCode).toBe(202);
    await ta.t.db.query("UPDATE global_obs_accounts SET verify_expires_at = verify_expires_at - interval '2 minutes' WHERE email = 'late@example.org'");
    const first = mailsTo('late@example.org')[0] ?? '';
    const oldToken = /token=([A-Za-z0-9_-]+)/.exec(first)?.[1] ?? '';
    expect(oldToken).not.toBe('');
    const again = await resend('LATE@example.org');
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ accepted: true });
    await expect.poll(() => mailsTo('late@example.org').length).toBe(2);
    // Unknown and verified addresses get the very same answer, and no mail.
    const unknown = await resend('nobody@example.org');
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(again.body);
    const verified = await resend('tec@example.org');
    expect(verified.statusCode).toBe(202);
    expect(mailsTo('nobody@example.org')).toEqual([]);
    expect(mailsTo('tec@example.org')).toEqual([]);
    // The fresh link works; the old one no longer does.
    const stale = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/accounts/verify', payload: { token: oldToken } });
    expect(stale.statusCode).toBe(400);
    const second = mailsTo('late@example.org').find((m) => !m.includes(oldToken)) ?? '';
    const newToken = /token=([A-Za-z0-9_-]+)/.exec(second)?.[1] ?? '';
    const ok = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/accounts/verify', payload: { token: newToken } });
    expect(ok.json<Json>()).toMatchObject({ email: 'late@example.org', isVerified: true });
    expect((await resend('not an address')).statusCode).toBe(400);
    // Five a minute per client: each accepted call may send an e-mail.
    expect((await resend('late@example.org')).statusCode).toBe(429);
  });

  it('shows the public that contacts changed in the history, but their names, e-mails and phones only to the owner and editors', async () => {
    const { verificationToken } = await svc.register({ email: 'hist@example.org', password: 'correct horse battery', displayName: 'Hist', language: 'es', ine5: '47086' });
    await svc.verifyEmail(verificationToken);
    const owner = (await svc.authenticate('hist@example.org', 'correct horse battery')).actor;
    const created = await svc.createProject(owner, { title: { es: 'Historia con contactos' }, ine5: '47086', entityKind: 'municipality', phase: 'pilot',
      type: 'services', area: 'first-line-care', summary: {}, description: {}, valueText: {}, barriers: {}, benefits: {}, metrics: {}, technologies: [],
      methodologies: [], tools: [], documentation: [], contacts: [{ name: 'Ana Secreta', email: 'ana.secreta@example.org', phone: '+34 600 000 001' }] });
    await svc.updateProject(owner, created.id, { contacts: [{ name: 'Bea Nueva', role: 'TIC', email: 'bea@example.org' }], phase: 'implemented' });
    await svc.submitProject(owner, created.id);
    await svc.publishProject({ kind: 'system' }, created.id);

    const pub = await ta.app.inject({ method: 'GET', url: `/api/v1/observatory/projects/${created.id}/history` });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).not.toContain('ana.secreta@example.org');
    expect(pub.body).not.toContain('Ana Secreta');
    expect(pub.body).not.toContain('+34 600 000 001');
    const update = pub.json<{ action: string; changes: Record<string, Json> }[]>().find((h) => h.action === 'update');
    expect(update?.changes.contacts).toEqual({ before: null, after: null, redacted: true });
    // Other fields keep their values.
    expect(update?.changes.phase).toEqual({ before: 'pilot', after: 'implemented' });

    const login = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email: 'hist@example.org', password: 'correct horse battery' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const mine = await ta.app.inject({ method: 'GET', url: `/api/v1/observatory/projects/${created.id}/history`, headers: { cookie } });
    const ownUpdate = mine.json<{ action: string; changes: Record<string, { before: Json[]; after: Json[] }> }[]>().find((h) => h.action === 'update');
    expect(ownUpdate?.changes.contacts?.before).toEqual([{ name: 'Ana Secreta', email: 'ana.secreta@example.org', phone: '+34 600 000 001' }]);
    expect(ownUpdate?.changes.contacts?.after).toEqual([{ name: 'Bea Nueva', role: 'TIC', email: 'bea@example.org' }]);
    // The service gives editors the values too; another member gets the redacted history.
    expect((await svc.history({ kind: 'system' }, created.id)).find((h) => h.action === 'update')?.changes.contacts?.redacted).toBeUndefined();
    const other = { kind: 'account' as const, id: '00000000-0000-0000-0000-000000000000', role: 'member' as const, ine5: null, isVerified: true };
    expect((await svc.history(other, created.id)).find((h) => h.action === 'update')?.changes.contacts).toEqual({ before: null, after: null, redacted: true });
  });
});

