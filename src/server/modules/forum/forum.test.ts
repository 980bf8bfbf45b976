import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { ObservatoryService, seedObservatory, type Mail, type ObsActor } from '../observatory/index.ts';
import { extractMentions, renderMarkdown } from './forum.markdown.ts';
import { ForumService } from './forum.service.ts';

let t: TestDb;
let obs: ObservatoryService;
let forum: ForumService;
let owner: ObsActor;
let visitor: ObsActor;
let colleague: ObsActor;
let ownerId = '';

async function account(email: string, handle: string, ine5?: string): Promise<ObsActor> {
  const { verificationToken } = await obs.register({ email, handle, password: 'correct horse battery', displayName: handle, language: 'es', ...(ine5 ? { ine5 } : {}) });
  await obs.verifyEmail(verificationToken);
  return (await obs.authenticate(email, 'correct horse battery')).actor;
}

beforeAll(async () => {
  t = await createTestDb();
  obs = new ObservatoryService({ db: t.db });
  forum = new ForumService({ db: t.db, observatory: obs });
  await seedObservatory(t.db, obs);
  owner = await account('owner@elche.example', 'owner', '03065');
  ownerId = owner.kind === 'account' ? owner.id : '';
  visitor = await account('visitor@medina.example', 'visitor', '47086');
  colleague = await account('marta@alicante.example', 'marta.g', '03014');
  // Hand the Elx demo project to a real officer so notifications have someone to reach.
  await t.db.query("UPDATE global_obs_projects SET owner_account_id = $1 WHERE source = 'demo' AND source_id = 'elx-whatsapp'", [ownerId]);
}, 120_000);
afterAll(async () => t.close());

describe('the forum', () => {
  it('sanitises Markdown: scripts, event handlers and javascript: links are stripped', () => {
    const html = renderMarkdown('**Hola** <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3)) [ok](https://example.org)');
    expect(html).toContain('<strong>Hola</strong>');
    expect(html).not.toMatch(/<script|onerror|javascript:|<img/i);
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener noreferrer">ok</a>');
  });

  it('reads @mentions but not e-mail addresses or code', () => {
    expect(extractMentions('Hola @marta.g y @Owner, escribid a x@y.com `@nobody`.')).toEqual(['marta.g', 'owner']);
  });

  it('starts a thread on a Km0 project: the owner is notified and mentioned officers too', async () => {
    const km0 = await obs.searchProjects(undefined, { near: '03014', km: 30, limit: 50, offset: 0 }, 'es');
    const project = km0.items.find((i) => i.council.ine5 === '03065');
    expect(project).toBeDefined();
    const thread = await forum.createThread(visitor, { projectId: project?.slug ?? '', body: '¿Cómo lo hicisteis? Pregunto también a @marta.g <script>x()</script>' });
    expect(thread.projectId).toBe(project?.id);
    expect(thread.categoryId).toBe('first-line-care');
    expect(thread.posts[0]?.bodyHtml).not.toContain('<script');
    const ownerNotes = await obs.notifications(owner);
    expect(ownerNotes[0]).toMatchObject({ kind: 'project_thread', subjectType: 'thread', subjectId: thread.id });
    const martaNotes = await obs.notifications(colleague);
    expect(martaNotes[0]).toMatchObject({ kind: 'mention', subjectId: thread.id });
    // A second "new thread" on the same project goes to the same thread: one thread per project.
    const again = await forum.createThread(colleague, { projectId: project?.id ?? '', body: 'Nosotros también.' });
    expect(again.id).toBe(thread.id);
    expect(again.posts).toHaveLength(2);
    // The visitor watches the thread they started, so the colleague's post reached them.
    expect((await obs.notifications(visitor))[0]).toMatchObject({ kind: 'reply', subjectId: thread.id });
  });

  it('keeps edit history, finds posts by full text, and hides a flagged post after moderation', async () => {
    const th = await forum.createThread(visitor, { categoryId: 'general', title: 'Firma electrónica en pueblos pequeños', body: 'Buscamos experiencias con certificados digitales.' });
    const postId = th.posts[0]?.id ?? '';
    await expect(forum.editPost(colleague, postId, 'hack')).rejects.toMatchObject({ status: 403 });
    const edited = await forum.editPost(visitor, postId, 'Buscamos experiencias con **certificados** digitales en municipios rurales.');
    expect(edited.editedAt).not.toBeNull();
    expect((await forum.postHistory(undefined, postId))[0]?.bodyMd).toBe('Buscamos experiencias con certificados digitales.');
    const found = await forum.listThreads({ q: 'municipio rural', limit: 10, offset: 0 });
    expect(found.items.map((x) => x.id)).toContain(th.id);

    const flagId = await forum.flag(colleague, postId, 'off-topic');
    const secondFlag = await forum.flag(owner, postId, 'spam', 'Publicidad');
    await expect(forum.moderationQueue(colleague)).rejects.toMatchObject({ code: 'forum.moderator_required' });
    const modAcc = await account('mod@example.org', 'mod');
    await obs.setRole({ kind: 'system' }, modAcc.kind === 'account' ? modAcc.id : '', 'moderator');
    const mod = (await obs.authenticate('mod@example.org', 'correct horse battery')).actor;
    const queue = await forum.moderationQueue(mod);
    expect(queue.map((f) => f.id)).toEqual(expect.arrayContaining([flagId, secondFlag]));
    // What the moderator decides on: the thread, who flagged, who wrote it, the text.
    expect(queue.find((f) => f.id === flagId)).toMatchObject({
      threadId: th.id, threadTitle: 'Firma electrónica en pueblos pequeños', reason: 'off-topic', reporter: { handle: 'marta.g' },
      postAuthor: { handle: 'visitor' }, isPostHidden: false, bodyMd: expect.stringContaining('municipios rurales') as unknown,
    });
    await forum.resolveFlag(mod, flagId, 'upheld');
    expect((await forum.getThread(undefined, th.id)).posts).toHaveLength(0);
    // One decision closes every report of the post.
    expect(await forum.moderationQueue(mod)).toEqual([]);
    await expect(forum.resolveFlag(mod, secondFlag, 'dismissed')).rejects.toMatchObject({ code: 'forum.flag_not_found' });
    // A hidden post's earlier versions are not public any more; moderators still read them.
    await expect(forum.postHistory(undefined, postId)).rejects.toMatchObject({ code: 'forum.post_not_found', status: 404 });
    expect(await forum.postHistory(mod, postId)).toHaveLength(1);
  });

  it('dismissing a flag leaves the post visible and takes it off the queue', async () => {
    const th = await forum.createThread(visitor, { categoryId: 'general', title: 'Padrón en línea', body: 'Compartimos nuestra experiencia.' });
    const postId = th.posts[0]?.id ?? '';
    const flagId = await forum.flag(colleague, postId, 'other');
    const mod = (await obs.authenticate('mod@example.org', 'correct horse battery')).actor;
    await expect(forum.resolveFlag(colleague, flagId, 'dismissed')).rejects.toMatchObject({ code: 'forum.moderator_required', status: 403 });
    await forum.resolveFlag(mod, flagId, 'dismissed');
    expect((await forum.getThread(undefined, th.id)).posts).toHaveLength(1);
    expect((await forum.moderationQueue(mod)).map((f) => f.id)).not.toContain(flagId);
  });

  it('tracks a visit request with its status and tells each side', async () => {
    const req = await forum.createRequest(visitor, 'cita-previa-y-avisos-por-whatsapp', { kind: 'visit', message: '¿Podemos visitaros en marzo?', proposedDate: '2027-03-10' });
    expect(req).toMatchObject({ status: 'open', toAccountId: ownerId, proposedDate: '2027-03-10' });
    expect((await forum.requests(owner, 'in')).map((r) => r.id)).toContain(req.id);
    expect((await obs.notifications(owner))[0]).toMatchObject({ kind: 'request', subjectId: req.id });
    await expect(forum.setRequestStatus(visitor, req.id, 'accepted')).rejects.toMatchObject({ code: 'forum.invalid_status' });
    const accepted = await forum.setRequestStatus(owner, req.id, 'accepted', 'Sí, el día 10.');
    expect(accepted.statusHistory.map((h) => h.status)).toEqual(['open', 'accepted']);
    expect((await obs.notifications(visitor))[0]).toMatchObject({ kind: 'request_status', data: { status: 'accepted' } });
    await expect(forum.createRequest(owner, 'cita-previa-y-avisos-por-whatsapp', { kind: 'contact', message: 'yo' })).rejects.toMatchObject({ code: 'forum.own_project' });
  });

  it('builds e-mail digests of unread notifications with links to the web pages, and sends each only once', async () => {
    const sent: Mail[] = [];
    const mailer = { send: async (m: Mail) => { sent.push(m); } };
    // A failed send releases its claim: the next run mails those notifications after all.
    await expect(obs.sendDigests({ send: () => Promise.reject(new Error('SMTP down')) }, new Date(Date.now() - 3600_000))).rejects.toThrow('SMTP down');
    // Two instances running the job at once: every notification is mailed by one of them only.
    const [a, b] = await Promise.all([obs.sendDigests(mailer, new Date(Date.now() - 3600_000)), obs.sendDigests(mailer, new Date(Date.now() - 3600_000))]);
    expect(a + b).toBe(sent.length);
    expect(new Set(sent.map((m) => m.to)).size).toBe(sent.length);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    const toOwner = sent.find((m) => m.to === 'owner@elche.example');
    expect(toOwner?.subject).toMatch(/^Observatorio: \d+ novedades$/);
    // The web app's routes: threads at /observatory/forum/t/:id, requests in the workspace.
    expect(toOwner?.text).toMatch(/http:\/\/localhost:3000\/observatory\/forum\/t\/[0-9a-f-]{36}/);
    expect(toOwner?.text).toContain('http://localhost:3000/observatory/me#requests');
    expect(toOwner?.text).not.toContain('/forum/threads/');
    expect(await obs.sendDigests(mailer, new Date(Date.now() - 3600_000))).toBe(0);
  });

  it('sends no digest to an officer who opted out', async () => {
    await forum.createThread(visitor, { categoryId: 'general', title: 'Sin correo', body: 'Hola @marta.g' });
    const updated = await obs.updateOwnAccount(colleague, { wantsDigest: false });
    expect(updated.wantsDigest).toBe(false);
    const sent: Mail[] = [];
    await obs.sendDigests({ send: async (m) => { sent.push(m); } }, new Date(Date.now() - 3600_000));
    expect(sent.map((m) => m.to)).not.toContain('marta@alicante.example');
    await obs.updateOwnAccount(colleague, { wantsDigest: true });
    await obs.sendDigests({ send: async (m) => { sent.push(m); } }, new Date(Date.now() - 3600_000));
    expect(sent.find((m) => m.to === 'marta@alicante.example')?.text).toContain('Te han mencionado en Sin correo');
  });

  it('runs the daily job in-process: first run after the delay, then nothing left to send', async () => {
    await forum.createThread(colleague, { categoryId: 'general', title: 'Trabajo diario', body: 'Aviso para @visitor' });
    const sent: Mail[] = [];
    const errors: unknown[] = [];
    const stop = obs.startDailyJobs({ mailer: { send: async (m) => { sent.push(m); } }, firstRunMs: 10, intervalMs: 3_600_000, onError: (e) => errors.push(e) });
    try {
      await expect.poll(() => sent.length, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      stop();
    }
    expect(errors).toEqual([]);
    expect(sent.find((m) => m.to === 'visitor@medina.example')?.text).toContain('Trabajo diario');
    expect(await obs.runDailyJobs({ send: async (m) => { sent.push(m); } })).toEqual({ digests: 0, reminders: 0 });
  });

  it('still sends the review reminders when the mail server is down, and reports the failure', async () => {
    const inAYear = new Date(Date.now() + 366 * 24 * 3600 * 1000);
    const later = new ObservatoryService({ db: t.db, now: () => inAYear });
    await expect(later.runDailyJobs({ send: () => Promise.reject(new Error('SMTP down')) })).rejects.toThrow('SMTP down');
    const reminders = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM global_obs_notifications WHERE kind = 'review_reminder'");
    expect(Number(reminders.rows[0]?.n)).toBeGreaterThan(0);
  });
});

