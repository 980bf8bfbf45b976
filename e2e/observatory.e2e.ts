import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';

// The observatory is cross-council: it works at /observatory and under /t/<council>/observatory.
const OBS = '/observatory';
// The server's DATA_DIR as playwright.config.ts chooses it (one folder per port), where e-mails land without SMTP.
const PORT = Number(process.env.E2E_PORT ?? 3190);
const OUTBOX = path.resolve(process.env.E2E_DATA_DIR ?? (PORT === 3190 ? 'var/e2e' : `var/e2e-${PORT}`), 'outbox');
const OWNER = { email: 'innovacion@alicante.demo.invalid', password: 'demo-observatorio-alicante' };
const EDITOR = { email: 'editor@observatorio.demo.invalid', password: 'demo-observatorio-editor' };
const MEMBER = { email: 'demo-officer@demo.invalid', password: 'demo-observatorio-officer' };
const MODERATOR = { email: 'moderador@observatorio.demo.invalid', password: 'demo-observatorio-moderador' };
// A small but real PDF: the server decides the type from these bytes.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const AL21 = 'al21-capa-inteligencia-artificial';

const screen = (page: Page, name: string) => page.screenshot({ path: `test-results/screens/observatory-${name}.png`, fullPage: true });

/** The verification link's token from the e-mail the server wrote to DATA_DIR/outbox (no SMTP in the e2e run). */
function verificationToken(email: string): string {
  for (const file of readdirSync(OUTBOX).filter((f) => f.endsWith('.eml')).sort().reverse()) {
    // Undo quoted-printable soft breaks and escapes, which can split the link.
    const raw = readFileSync(path.join(OUTBOX, file), 'utf8').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (!raw.includes(email)) continue;
    const m = /verify\?token=([A-Za-z0-9_%-]+)/.exec(raw);
    if (m?.[1]) return decodeURIComponent(m[1]);
  }
  throw new Error(`no verification e-mail for ${email} in ${OUTBOX}`);
}

/** The server sends the mail after answering (registration answers alike for new and taken addresses): wait for it. */
async function awaitVerificationToken(email: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return verificationToken(email);
    } catch (err) {
      if (i >= 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function signInForm(page: Page, who: { email: string; password: string }) {
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in through the API (the page shares the cookie) and returns the CSRF token for API calls. */
async function apiSignIn(page: Page, who: { email: string; password: string }): Promise<string> {
  const res = await page.request.post('/api/v1/observatory/session', { data: who });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

/** A free conversation in "general" started by whoever is signed in; returns its id. */
async function startThread(page: Page, csrf: string, title: string, body: string): Promise<string> {
  const res = await page.request.post('/api/v1/forum/threads', { headers: { 'x-obs-csrf-token': csrf }, data: { categoryId: 'general', title, body } });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

test('an officer finds a Km0 project near Alicante, opens it, starts a thread, and the owner is notified', async ({ page }) => {
  // 1. Km0 search through the form: Alicante (03014), within 30 km.
  await page.goto(`${OBS}/?lang=en`);
  await page.getByLabel('Km0: near my council').check();
  await page.getByLabel('Find the municipality (name or INE code)').fill('03014');
  await expect(page.getByLabel('Municipality', { exact: true })).toHaveValue('03014');
  await page.getByLabel('Maximum distance (km)').fill('30');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'within 30 km of Alacant/Alicante' })).toBeVisible();
  const results = page.getByRole('list', { name: 'Results' });
  await expect(results.getByRole('link', { name: /^AL21/ })).toBeVisible();
  // The map has one focusable link per project too.
  await expect(page.locator('figure.obs-map a').first()).toBeAttached();
  await expectNoA11yViolations(page);
  await screen(page, 'km0-en');

  // 2. Open the project: the six levels are there, numbers formatted.
  await results.getByRole('link', { name: /^AL21/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('AL21');
  await expect(page.getByRole('heading', { name: 'Value and savings' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Reuse' })).toBeVisible();

  // 3. Register a new officer (verification link from the e-mail), then sign in and come back to the project.
  const email = `e2e-${Date.now()}@example.org`;
  await page.goto(`${OBS}/register?lang=en`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('a long e2e password');
  await page.getByLabel('Name others will see').fill('Eva Tester');
  await page.getByLabel('Handle for mentions (optional)').fill(`eva${Date.now() % 100000}`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status')).toContainText(email);
  await page.goto(`${OBS}/verify?token=${encodeURIComponent(await awaitVerificationToken(email))}&lang=en`);
  await expect(page.getByRole('status')).toContainText('confirmed');
  await page.goto(`${OBS}/signin?returnTo=${encodeURIComponent(`/projects/${AL21}`)}&lang=en`);
  await signInForm(page, { email, password: 'a long e2e password' });
  await expect(page.getByRole('heading', { level: 1 })).toContainText('AL21');

  // 4. Start the project's thread.
  await page.getByLabel('Your question or comment').fill('How long did the **training** take?');
  await page.getByRole('button', { name: 'Start the conversation' }).click();
  await expect(page.getByRole('article', { name: 'Message from Eva Tester' })).toContainText('How long did the training take?');
  await expectNoA11yViolations(page);
  await screen(page, 'project-thread-en');

  // 5. The owner (a demo officer) signs in and sees the notification.
  await page.getByRole('button', { name: /^Sign out/ }).click();
  await page.goto(`${OBS}/signin?returnTo=%2Fnotifications&lang=en`);
  await signInForm(page, OWNER);
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expect(page.getByRole('link', { name: /New message about your project: “AL21/ })).toBeVisible();
  await expectNoA11yViolations(page);
  await screen(page, 'owner-notified-en');
});

test('the owner uploads a PDF to a project: it becomes a download link with the same bytes and the history shows it', async ({ page }) => {
  await page.goto(`${OBS}/signin?returnTo=${encodeURIComponent(`/projects/${AL21}/edit`)}&lang=en`);
  await signInForm(page, OWNER);
  await expect(page.getByRole('heading', { level: 1, name: 'Edit the project' })).toBeVisible();
  const files = page.getByRole('region', { name: 'Documentation files' });
  await files.getByLabel('Choose files to add').setInputFiles({ name: 'AL21 evaluation report.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(files.getByRole('list', { name: '1 file chosen' })).toContainText('AL21 evaluation report.pdf');
  await expect(files.getByRole('button', { name: 'Take AL21 evaluation report.pdf off the upload' })).toBeVisible();
  await expectNoA11yViolations(page);
  await files.getByRole('button', { name: 'Upload the chosen files' }).click();
  await expect(files.getByRole('status')).toHaveText('1 file uploaded.');
  await expect(files.getByRole('button', { name: 'Remove the file AL21 evaluation report.pdf from the project' })).toBeVisible();
  await expectNoA11yViolations(page);
  await screen(page, 'files-editor-en');
  await page.goto(`${OBS}/projects/${AL21}/edit?lang=es`);
  await expect(page.getByRole('button', { name: 'Quitar el archivo AL21 evaluation report.pdf del proyecto' })).toBeVisible();
  await expectNoA11yViolations(page);

  // The project page lists it with type and size, as a download of exactly the uploaded bytes.
  await page.goto(`${OBS}/projects/${AL21}?lang=en`);
  const docs = page.getByRole('region', { name: 'Documentation', exact: true });
  const link = docs.getByRole('link', { name: 'AL21 evaluation report.pdf' });
  await expect(link).toBeVisible();
  await expect(docs).toContainText(`(PDF, ${PDF.length} bytes)`);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('AL21 evaluation report.pdf');
  expect(readFileSync(await download.path()).equals(PDF)).toBe(true);

  // The history says who added which file, newest first.
  const history = page.getByRole('table', { name: /changes, newest first/ });
  const newest = history.getByRole('row').nth(1);
  await expect(newest).toContainText('File added');
  await expect(newest).toContainText('AL21 evaluation report.pdf');
  await expectNoA11yViolations(page);
  await screen(page, 'files-history-en');
  await page.goto(`${OBS}/projects/${AL21}?lang=es`);
  await expect(page.getByRole('table', { name: /cambios?, / }).getByRole('row').nth(1)).toContainText('Archivo añadido');
  await expect(page.getByRole('region', { name: 'Documentación', exact: true })).toContainText(`(PDF, ${PDF.length} bytes)`);
  await expectNoA11yViolations(page);
});

test('a member reports a post and a moderator hides it from the moderation queue', async ({ page, request }) => {
  const title = `Licencias baratas ${Date.now()}`;
  const threadId = await startThread(page, await apiSignIn(page, OWNER), title, 'Buy cheap licences at example.com!!!');

  // A member reports it from the thread.
  await apiSignIn(page, MEMBER);
  await page.goto(`${OBS}/forum/t/${threadId}?lang=en`);
  const post = page.getByRole('article', { name: /^Message from / });
  await post.getByText('Report this message').click();
  await post.getByLabel('Reason').selectOption('spam');
  await post.getByRole('button', { name: 'Send report' }).click();
  await expect(post.getByRole('status')).toHaveText('Thank you: the moderators will review it.');

  // The moderator finds it through the navigation (only moderators have the link).
  await expect(page.getByRole('link', { name: 'Moderation' })).toHaveCount(0);
  await apiSignIn(page, MODERATOR);
  await page.goto(`${OBS}/?lang=en`);
  await page.getByRole('navigation').getByRole('link', { name: 'Moderation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Moderation queue' })).toBeVisible();
  const item = page.getByRole('article', { name: `Report in “${title}”` });
  await expect(item).toContainText('Advertising or spam');
  await expect(item).toContainText('Buy cheap licences at example.com!!!');
  await expect(item).toContainText('Demo officer (@demo-officer)');
  await expect(item.getByRole('link', { name: `Open the conversation “${title}”` })).toHaveAttribute('href', new RegExp(`/forum/t/${threadId}$`));
  await expectNoA11yViolations(page);
  await page.goto(`${OBS}/moderation?lang=es`);
  await expect(page.getByRole('article', { name: `Denuncia en «${title}»` })).toContainText('Publicidad o spam');
  await expectNoA11yViolations(page);
  await page.goto(`${OBS}/moderation?lang=en`);

  // Hide it, after confirming.
  await item.getByRole('button', { name: /^Hide the post by/ }).click();
  // The question takes the focus, so a screen reader reads it before the two answers.
  await expect(page.locator(':focus')).toContainText('Hide this post from the forum?');
  await expectNoA11yViolations(page);
  await item.getByRole('button', { name: 'Yes, hide it' }).click();
  await expect(page.getByRole('status')).toHaveText(`The post in “${title}” is now hidden and its reports are closed.`);
  await expect(item).toHaveCount(0);
  await screen(page, 'moderation-en');
  // Readers no longer get the post.
  const publicThread = (await (await request.get(`/api/v1/forum/threads/${threadId}`)).json()) as { posts: unknown[] };
  expect(publicThread.posts).toHaveLength(0);
});

test('an author edits a post and readers open its earlier version', async ({ page }) => {
  const threadId = await startThread(page, await apiSignIn(page, OWNER), `Formación AL21 ${Date.now()}`, 'First version: we trained 40 people.');
  await page.goto(`${OBS}/forum/t/${threadId}?lang=en`);
  const post = page.getByRole('article', { name: /^Message from / });
  await post.getByRole('button', { name: 'Edit my message' }).click();
  await post.getByLabel('Your message').fill('Second version: we trained 45 people in two weeks.');
  await post.getByRole('button', { name: 'Save changes' }).click();
  await expect(post.locator('.obs-post__body')).toHaveText('Second version: we trained 45 people in two weeks.');
  await expect(post).toContainText('edited');

  // Signed out, a reader opens the earlier versions.
  await page.getByRole('button', { name: /^Sign out/ }).click();
  await page.reload();
  const toggle = post.getByRole('button', { name: 'Earlier versions', exact: true });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const versions = post.getByRole('list', { name: /^Earlier versions of the message from/ });
  await expect(versions).toContainText('First version: we trained 40 people.');
  await expect(versions).toContainText('Version written');
  await expectNoA11yViolations(page);
  await screen(page, 'post-versions-en');
  await page.goto(`${OBS}/forum/t/${threadId}?lang=ca`);
  await page.getByRole('button', { name: 'Versions anteriors', exact: true }).click();
  await expect(page.getByRole('list', { name: /^Versions anteriors del missatge de/ })).toContainText('First version: we trained 40 people.');
  await expectNoA11yViolations(page);
  await page.goto(`${OBS}/forum/t/${threadId}?lang=es`);
  await page.getByRole('button', { name: 'Versiones anteriores', exact: true }).click();
  await expect(page.getByRole('list', { name: /^Versiones anteriores del mensaje de/ })).toContainText('First version: we trained 40 people.');
  await expectNoA11yViolations(page);
});

test('an officer whose confirmation e-mail got lost asks for it again from the sign-in page and confirms', async ({ page }) => {
  const email = `e2e-resend-${Date.now()}@example.org`;
  const reg = await page.request.post('/api/v1/observatory/accounts', { data: { email, password: 'a long e2e password', displayName: 'Rita', language: 'en' } });
  expect(reg.status()).toBe(201);
  const first = await awaitVerificationToken(email);
  await page.goto(`${OBS}/signin?lang=en`);
  await page.getByRole('link', { name: 'Send the confirmation e-mail again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Send the confirmation e-mail again' })).toBeVisible();
  // Within the first minute the server sends nothing more; the page says the same either way.
  await page.getByLabel('E-mail', { exact: true }).fill('nobody-here@example.org');
  await page.getByRole('button', { name: 'Send again' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'If nobody-here@example.org has an unconfirmed account' })).toBeVisible();
  await expectNoA11yViolations(page);
  expect(verificationToken(email)).toBe(first);
});

test('an officer turns the daily e-mail digest off and on from the workspace with the keyboard', async ({ page }) => {
  await apiSignIn(page, MEMBER);
  await page.goto(`${OBS}/me?lang=en`);
  const box = page.getByRole('checkbox', { name: 'Get a daily e-mail digest of unread updates' });
  // The demo officers start without the digest.
  await expect(box).not.toBeChecked();
  await box.focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('status').filter({ hasText: 'You will get the daily e-mail digest.' })).toBeVisible();
  await expect(box).toBeChecked();
  await expect(box).toBeFocused();
  await expectNoA11yViolations(page);
  await page.reload();
  const again = page.getByRole('checkbox', { name: 'Get a daily e-mail digest of unread updates' });
  await expect(again).toBeChecked();
  await again.focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('status').filter({ hasText: 'You will no longer get the daily e-mail digest.' })).toBeVisible();
  await expect(again).not.toBeChecked();
});

test('a member asks for a visit from a project page, follows it under "Requests sent" and cancels it; the owner sees it cancelled', async ({ page }) => {
  await apiSignIn(page, MEMBER);
  await page.goto(`${OBS}/projects/${AL21}?lang=en`);
  const message = `Could we visit the AL21 team? ${Date.now()}`;
  await page.getByLabel('Request a visit').check();
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(message);
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Request sent.' })).toBeVisible();
  await page.getByRole('link', { name: 'See my sent requests' }).click();
  await expect(page.getByRole('heading', { name: 'Requests sent' })).toBeVisible();
  const item = page.getByRole('listitem').filter({ hasText: message });
  await expect(item).toContainText('Status: open');
  await expect(item).toContainText('To Concejalía de Innovación (Alicante)');
  await expectNoA11yViolations(page);
  await item.getByRole('button', { name: /^Cancel: request about/ }).click();
  await expect(page.getByRole('status').filter({ hasText: ': cancelled.' })).toBeVisible();
  await expect(item).toContainText('Status: cancelled');
  await expect(item.getByRole('button')).toHaveCount(0);

  await apiSignIn(page, OWNER);
  await page.goto(`${OBS}/me?lang=en`);
  const received = page.getByRole('listitem').filter({ hasText: message });
  await expect(received).toContainText('From Demo officer');
  await expect(received).toContainText('Status: cancelled');
  await expect(received.getByRole('button', { name: /^Accept/ })).toHaveCount(0);
});

test('the owner edits documentation links and contacts with the keyboard: a video link and every contact field round-trip', async ({ page }) => {
  await apiSignIn(page, MEMBER);
  const slug = 'cita-previa-y-avisos-por-whatsapp';
  await page.goto(`${OBS}/projects/${slug}/edit?lang=en`);
  const docs = page.getByRole('group', { name: 'Documentation links' });
  const before = await docs.getByRole('group', { name: /^Link \d+$/ }).count();
  await docs.getByRole('button', { name: 'Add a link' }).press('Enter');
  const n = before + 1;
  const row = docs.getByRole('group', { name: `Link ${n}` });
  // Focus lands on the new row's first field.
  await expect(row.getByLabel('Title')).toBeFocused();
  await page.keyboard.type('Demo video of the WhatsApp reminders');
  await page.keyboard.press('Tab');
  await page.keyboard.type('https://media.example.org/elx-whatsapp.mp4');
  await row.getByLabel('Kind').selectOption('video');
  await row.getByLabel('Language').selectOption('ca');

  const contacts = page.getByRole('group', { name: 'Contacts' });
  const existing = await contacts.getByRole('group', { name: /^Contact \d+$/ }).count();
  for (const [i, c] of [
    { name: 'Laia Ferrer', role: 'Head of citizen services', email: 'laia@elx.example', phone: '+34 965 000 001' },
    { name: 'Pau Gil', role: 'IT', email: 'pau@elx.example', phone: '+34 965 000 002' },
  ].entries()) {
    await contacts.getByRole('button', { name: 'Add a contact' }).click();
    const g = contacts.getByRole('group', { name: `Contact ${existing + i + 1}` });
    await g.getByLabel('Name').fill(c.name);
    await g.getByLabel('Role').fill(c.role);
    await g.getByLabel('E-mail').fill(c.email);
    await g.getByLabel('Phone').fill(c.phone);
  }
  await expectNoA11yViolations(page);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Demo video of the WhatsApp reminders' })).toHaveAttribute('hreflang', 'ca');
  await expect(page.getByRole('listitem').filter({ hasText: 'Demo video of the WhatsApp reminders' })).toContainText('(video)');

  // Reopen the editor and save again without touching anything: nothing is lost.
  await page.goto(`${OBS}/projects/${slug}/edit?lang=en`);
  const saved = page.getByRole('group', { name: `Link ${n}` });
  await expect(saved.getByLabel('Kind')).toHaveValue('video');
  await expect(saved.getByLabel('Language')).toHaveValue('ca');
  await expect(page.getByRole('group', { name: `Contact ${existing + 2}` }).getByLabel('Phone')).toHaveValue('+34 965 000 002');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const detail = (await (await page.request.get(`/api/v1/observatory/projects/${slug}`)).json()) as { documentation: Record<string, string>[]; contacts: Record<string, string>[] };
  expect(detail.documentation).toContainEqual({ kind: 'video', title: 'Demo video of the WhatsApp reminders', url: 'https://media.example.org/elx-whatsapp.mp4', language: 'ca' });
  expect(detail.contacts).toContainEqual({ name: 'Laia Ferrer', role: 'Head of citizen services', email: 'laia@elx.example', phone: '+34 965 000 001' });
  expect(detail.contacts).toContainEqual({ name: 'Pau Gil', role: 'IT', email: 'pau@elx.example', phone: '+34 965 000 002' });

  // A bad address is named on its own field; removing the row puts focus back on "Add a link".
  await page.goto(`${OBS}/projects/${slug}/edit?lang=en`);
  await docs.getByRole('button', { name: 'Add a link' }).click();
  const bad = docs.getByRole('group', { name: `Link ${n + 1}` });
  await bad.getByLabel('Title').fill('Broken');
  await bad.getByLabel('Address (https://…)').fill('not a url');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(bad.getByLabel('Address (https://…)')).toHaveAttribute('aria-invalid', 'true');
  await expectNoA11yViolations(page);
  await bad.getByRole('button', { name: `Remove link ${n + 1}` }).click();
  await expect(docs.getByRole('button', { name: 'Add a link' })).toBeFocused();
});

test('a reader reaches every search result with "Show more", and the status says how many are shown', async ({ page }) => {
  const api = (await (await page.request.get('/api/v1/observatory/projects?limit=1')).json()) as { total: number };
  expect(api.total).toBeGreaterThan(10);
  await page.goto(`${OBS}/?per=5&lang=en`);
  const results = page.getByRole('list', { name: 'Results' });
  await expect(page.getByRole('status').filter({ hasText: `Showing 5 of ${api.total}.` })).toBeVisible();
  await expect(results.getByRole('heading', { level: 3 })).toHaveCount(5);
  await page.getByRole('button', { name: 'Show 5 more' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Showing 10 of ${api.total}.` })).toBeVisible();
  await expect(results.getByRole('heading', { level: 3 })).toHaveCount(10);
  // Focus moves to the first new result.
  await expect(results.getByRole('heading', { level: 3 }).nth(5).getByRole('link')).toBeFocused();
  await expectNoA11yViolations(page);
  // Page by page, waiting for each status: counting the button while the list re-renders raced with its removal.
  for (let shown = 10; shown < api.total; ) {
    await page.getByRole('button', { name: /^Show \d+ more$/ }).click();
    shown = Math.min(api.total, shown + 5);
    await expect(page.getByRole('status').filter({ hasText: `Showing ${shown} of ${api.total}.` })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: /^Show \d+ more$/ })).toHaveCount(0);
  await expect(results.getByRole('heading', { level: 3 })).toHaveCount(api.total);
  await expect(page.getByRole('status').filter({ hasText: `Showing ${api.total} of ${api.total}.` })).toBeVisible();
});

test('a member follows a project, hears about its next edit, and stops following', async ({ page }) => {
  await apiSignIn(page, MEMBER);
  await page.goto(`${OBS}/projects/${AL21}?lang=en`);
  await page.getByRole('button', { name: 'Follow this project' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You follow this project.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop following' })).toBeFocused();
  await expectNoA11yViolations(page);

  const csrf = await apiSignIn(page, OWNER);
  const edit = await page.request.patch(`/api/v1/observatory/projects/${AL21}`, { headers: { 'x-obs-csrf-token': csrf }, data: { tools: ['e2e follow check'] } });
  expect(edit.status()).toBe(200);

  await apiSignIn(page, MEMBER);
  await page.goto(`${OBS}/notifications?lang=en`);
  await expect(page.getByRole('link', { name: /a project you follow, was updated/ }).first()).toBeVisible();
  await page.goto(`${OBS}/projects/${AL21}?lang=en`);
  await page.getByRole('button', { name: 'Stop following' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You no longer follow this project.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Follow this project' })).toBeVisible();
});

for (const lang of ['es', 'ca', 'en'] as const) {
  test(`the public observatory pages have no WCAG 2.2 AA violations in ${lang}`, async ({ page }) => {
    const pages = ['/?mode=near&council=03014&km=60', '/?per=5', `/projects/${AL21}`, '/forum', '/forum/c/first-line-care', '/register', '/signin', '/verify', '/resend'];
    for (const p of pages) {
      await page.goto(`${OBS}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('.loading')).toHaveCount(0);
      await expectNoA11yViolations(page);
    }
    // A council's path works too.
    await page.goto(`/t/alacant${OBS}/?lang=${lang}`);
    await expect(page.locator('.obs-card').first()).toBeVisible();
    await screen(page, `search-${lang}`);
  });

  test(`the officer's observatory pages have no WCAG 2.2 AA violations in ${lang}`, async ({ page }) => {
    // As the demo editor (the API sign-in shares the page's cookies).
    expect((await page.request.post('/api/v1/observatory/session', { data: EDITOR })).status()).toBe(200);
    for (const p of ['/me', '/notifications', '/review', '/projects/new', `/projects/${AL21}/edit`, `/projects/${AL21}`]) {
      await page.goto(`${OBS}${p}?lang=${lang}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('.loading')).toHaveCount(0);
      await expectNoA11yViolations(page);
    }
    await screen(page, `editor-${lang}`);
    // The moderator's queue (its items are checked in the moderation journey).
    expect((await page.request.post('/api/v1/observatory/session', { data: MODERATOR })).status()).toBe(200);
    await page.goto(`${OBS}/moderation?lang=${lang}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.locator('.loading')).toHaveCount(0);
    await expectNoA11yViolations(page);
  });
}
