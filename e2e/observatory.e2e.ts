import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';

// The observatory is cross-council: it works at /observatory and under /t/<council>/observatory.
const OBS = '/observatory';
const OUTBOX = path.resolve('var/e2e/outbox');
const OWNER = { email: 'innovacion@alicante.demo.invalid', password: 'demo-observatorio-alicante' };
const EDITOR = { email: 'editor@observatorio.demo.invalid', password: 'demo-observatorio-editor' };
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

async function signInForm(page: Page, who: { email: string; password: string }) {
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
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
  await page.goto(`${OBS}/verify?token=${encodeURIComponent(verificationToken(email))}&lang=en`);
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

for (const lang of ['es', 'ca', 'en'] as const) {
  test(`the public observatory pages have no WCAG 2.2 AA violations in ${lang}`, async ({ page }) => {
    const pages = ['/?mode=near&council=03014&km=60', `/projects/${AL21}`, '/forum', '/forum/c/first-line-care', '/register', '/signin', '/verify'];
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
    for (const p of ['/me', '/notifications', '/review', '/projects/new']) {
      await page.goto(`${OBS}${p}?lang=${lang}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('.loading')).toHaveCount(0);
      await expectNoA11yViolations(page);
    }
    await screen(page, `editor-${lang}`);
  });
}
