import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { ObservatoryService, OBS_CSRF_HEADER, seedObservatory } from '../observatory/index.ts';

let ta: TestApp;
let svc: ObservatoryService;
type Json = Record<string, unknown>;
interface Officer { id: string; cookie: string; csrf: string }

/** A verified officer signed in over HTTP: the cookie and CSRF token for its calls. */
async function officer(email: string): Promise<Officer> {
  const { account, verificationToken } = await svc.register({ email, password: 'correct horse battery', displayName: email.split('@')[0] ?? email, language: 'en' });
  await svc.verifyEmail(verificationToken);
  const login = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email, password: 'correct horse battery' } });
  return { id: account.id, cookie: String(login.headers['set-cookie']).split(';')[0] ?? '', csrf: login.json<{ csrfToken: string }>().csrfToken };
}

const call = (who: Officer | undefined, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Json) =>
  ta.app.inject({ method, url, ...(who ? { headers: { cookie: who.cookie, [OBS_CSRF_HEADER]: who.csrf } } : {}), ...(payload ? { payload } : {}) });

let owner: Officer;
let sender: Officer;
let stranger: Officer;
let editor: Officer;

beforeAll(async () => {
  ta = await createTestApp();
  svc = new ObservatoryService({ db: ta.t.db });
  await seedObservatory(ta.t.db, svc);
  owner = await officer('owner@elche.example');
  sender = await officer('sender@medina.example');
  stranger = await officer('stranger@example.org');
  const ed = await officer('editor@example.org');
  await svc.setRole({ kind: 'system' }, ed.id, 'editor');
  editor = ed;
  await ta.t.db.query("UPDATE global_obs_projects SET owner_account_id = $1 WHERE source = 'demo' AND source_id = 'elx-whatsapp'", [owner.id]);
  // Like an imported JRC case: published, but nobody's account owns it.
  await ta.t.db.query("UPDATE global_obs_projects SET owner_account_id = NULL WHERE slug = 'ciberkioskos-alicante'");
}, 120_000);
afterAll(async () => ta.close());

describe('contact, visit and collaboration requests over HTTP', () => {
  it('goes from sender to owner: the owner accepts, the sender cannot, a stranger sees nothing, the sender follows it', async () => {
    const created = await call(sender, 'POST', '/api/v1/observatory/projects/cita-previa-y-avisos-por-whatsapp/requests',
      { kind: 'visit', message: 'Could we visit you in March?', proposedDate: '2027-03-10' });
    expect(created.statusCode).toBe(201);
    const req = created.json<{ id: string; status: string; toAccountId: string }>();
    expect(req).toMatchObject({ status: 'open', toAccountId: owner.id });
    expect((await call(undefined, 'POST', '/api/v1/observatory/projects/cita-previa-y-avisos-por-whatsapp/requests', { kind: 'contact', message: 'hi' })).statusCode).toBe(401);

    const inbox = (await call(owner, 'GET', '/api/v1/forum/requests?box=in&lang=en')).json<Json[]>();
    expect(inbox.find((r) => r.id === req.id)).toMatchObject({ status: 'open', fromName: 'sender', project: { slug: 'cita-previa-y-avisos-por-whatsapp' } });

    const senderAccepts = await call(sender, 'POST', `/api/v1/forum/requests/${req.id}/status`, { status: 'accepted' });
    expect(senderAccepts.statusCode).toBe(409);
    expect(senderAccepts.json<{ error: { code: string } }>().error.code).toBe('forum.invalid_status');
    const strangerAccepts = await call(stranger, 'POST', `/api/v1/forum/requests/${req.id}/status`, { status: 'accepted' });
    expect(strangerAccepts.statusCode).toBe(404);
    expect(strangerAccepts.json<{ error: { code: string } }>().error.code).toBe('forum.request_not_found');
    expect((await call(stranger, 'GET', '/api/v1/forum/requests?box=in')).json<Json[]>().map((r) => r.id)).not.toContain(req.id);

    const accepted = await call(owner, 'POST', `/api/v1/forum/requests/${req.id}/status`, { status: 'accepted', note: 'Yes, on the 10th.' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json<{ statusHistory: { status: string }[] }>().statusHistory.map((h) => h.status)).toEqual(['open', 'accepted']);

    // The sender sees what they sent and where it stands.
    const sent = (await call(sender, 'GET', '/api/v1/forum/requests?box=out')).json<Json[]>();
    expect(sent.find((r) => r.id === req.id)).toMatchObject({ status: 'accepted', toName: 'owner' });
  });

  it('lets the sender cancel an open request; the owner is told and can no longer answer it', async () => {
    const created = await call(sender, 'POST', '/api/v1/observatory/projects/cita-previa-y-avisos-por-whatsapp/requests', { kind: 'contact', message: 'A question about costs' });
    const id = created.json<{ id: string }>().id;
    const cancelled = await call(sender, 'POST', `/api/v1/forum/requests/${id}/status`, { status: 'cancelled' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json<Json>().status).toBe('cancelled');
    expect((await call(owner, 'POST', `/api/v1/forum/requests/${id}/status`, { status: 'accepted' })).statusCode).toBe(409);
    const notes = (await call(owner, 'GET', '/api/v1/observatory/notifications')).json<Json[]>();
    expect(notes[0]).toMatchObject({ kind: 'request_status', subjectId: id, data: { status: 'cancelled' } });
    expect((await call(sender, 'POST', `/api/v1/forum/requests/${id}/status`, { status: 'cancelled' })).statusCode).toBe(409);
  });

  it('sends a request about a project without an owner account to the editors, who answer it', async () => {
    const created = await call(sender, 'POST', '/api/v1/observatory/projects/ciberkioskos-alicante/requests', { kind: 'collaboration', message: 'We would like to reuse the kiosks.' });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string; toAccountId: string | null }>().id;
    expect(created.json<Json>().toAccountId).toBeNull();
    const notes = (await call(editor, 'GET', '/api/v1/observatory/notifications')).json<Json[]>();
    expect(notes[0]).toMatchObject({ kind: 'request', subjectId: id });
    expect((await call(editor, 'GET', '/api/v1/forum/requests?box=in')).json<Json[]>().find((r) => r.id === id)).toMatchObject({ toName: null, status: 'open' });
    // Not a member who is not an editor.
    expect((await call(stranger, 'POST', `/api/v1/forum/requests/${id}/status`, { status: 'accepted' })).statusCode).toBe(404);
    expect((await call(editor, 'POST', `/api/v1/forum/requests/${id}/status`, { status: 'accepted' })).statusCode).toBe(200);
    expect((await call(sender, 'GET', '/api/v1/forum/requests?box=out')).json<Json[]>().find((r) => r.id === id)).toMatchObject({ status: 'accepted' });
  });

  it('follows a project and tells its followers (not the editor) when the published project is edited', async () => {
    const slug = 'cita-previa-y-avisos-por-whatsapp';
    const watching = async (who: Officer) =>
      (await call(who, 'GET', `/api/v1/forum/watches?targetType=project&targetId=${slug}`)).json<{ watching: boolean }>().watching;
    expect(await watching(stranger)).toBe(false);
    const follow = await call(stranger, 'POST', '/api/v1/forum/watches', { targetType: 'project', targetId: slug, watch: true });
    expect(follow.statusCode).toBe(204);
    expect(await watching(stranger)).toBe(true);
    expect((await call(stranger, 'POST', '/api/v1/forum/watches', { targetType: 'project', targetId: 'no-such-project', watch: true })).statusCode).toBe(404);

    const edited = await call(owner, 'PATCH', `/api/v1/observatory/projects/${slug}`, { phase: 'implemented' });
    expect(edited.statusCode).toBe(200);
    const notes = (await call(stranger, 'GET', '/api/v1/observatory/notifications')).json<{ kind: string; subjectType: string; data: Json }[]>();
    expect(notes[0]).toMatchObject({ kind: 'project_updated', subjectType: 'project', data: { slug, fields: ['phase'] } });
    const ownerNotes = (await call(owner, 'GET', '/api/v1/observatory/notifications')).json<{ kind: string }[]>();
    expect(ownerNotes.map((n) => n.kind)).not.toContain('project_updated');

    // Stop following: the next edit does not reach them.
    await call(stranger, 'POST', '/api/v1/forum/watches', { targetType: 'project', targetId: slug, watch: false });
    expect(await watching(stranger)).toBe(false);
    await call(owner, 'PATCH', `/api/v1/observatory/projects/${slug}`, { phase: 'pilot' });
    const after = (await call(stranger, 'GET', '/api/v1/observatory/notifications')).json<{ kind: string }[]>();
    expect(after.filter((n) => n.kind === 'project_updated')).toHaveLength(1);
  });
});

