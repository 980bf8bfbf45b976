import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';
import { CARDS, T } from './citizen-helpers.ts';

const KIOSK = `${T}/kiosk/alacant-mercat`;
test.use({ locale: 'es-ES' });

test('a kiosk is activated by its token, the token leaves the address bar, and every tap target is at least 44 px', async ({ page }) => {
  await page.goto(`${KIOSK}?token=demo-kiosk-alacant-mercat&lang=es`);
  await expect(page.getByRole('heading', { level: 1, name: '¿Qué quiere hacer?' })).toBeVisible();
  expect(page.url()).not.toContain('token');
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.httpOnly && /kiosk/i.test(c.name))).toBe(true);
  const small = await page.evaluate(() =>
    Array.from(document.querySelectorAll('button, a, input, select'))
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.width > 0 && (r.height < 44 || r.width < 44)).length,
  );
  expect(small).toBe(0);
  await page.screenshot({ path: 'test-results/screens/kiosk-home.png', fullPage: true });
});

for (const lang of ['es', 'ca', 'en'] as const) {
  test(`the kiosk has no WCAG 2.2 AA violations in ${lang}, also in high-contrast mode`, async ({ page }) => {
    await page.goto(`${KIOSK}?token=demo-kiosk-alacant-mercat&lang=${lang}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: /Alto contraste|Alt contrast|High contrast/ }).click();
    await expect(page.locator('html')).toHaveClass(/high-contrast/);
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: /Preguntar al asistente|Preguntar a l'assistent|Ask the assistant/ }).click();
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: /Volver al inicio|Tornar a l'inici|Back to start/ }).click();
    await page.getByRole('button', { name: /Certificado de empadronamiento|Certificat d'empadronament|Certificate of registration/ }).click();
    await expectNoA11yViolations(page);
    if (lang === 'en') await page.screenshot({ path: 'test-results/screens/kiosk-high-contrast.png', fullPage: true });
  });
}

test('after inactivity the kiosk warns, then wipes everything: server session, storage, cookies but the device one, and Back shows nothing', async ({ page }) => {
  await page.clock.install();
  await page.goto(`${KIOSK}?token=demo-kiosk-alacant-mercat&lang=en`);
  await expect(page.getByRole('heading', { level: 1, name: 'What would you like to do?' })).toBeVisible();
  await page.getByRole('button', { name: 'Certificate of registration' }).click();
  await page.getByLabel('Card number').fill(CARDS.third.card);
  await page.getByLabel('PIN', { exact: true }).fill(CARDS.third.pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Get the certificate' })).toBeVisible();
  expect((await page.request.get(`${T}/api/v1/me`)).status()).toBe(200);
  await page.evaluate(() => {
    localStorage.setItem('probe', 'personal');
    sessionStorage.setItem('probe', 'personal');
    document.cookie = 'probe=personal; path=/';
  });

  await page.clock.fastForward(91_000);
  const dialog = page.getByRole('dialog', { name: 'Are you still there?' });
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('button', { name: "I'm still here" })).toBeFocused();
  await page.screenshot({ path: 'test-results/screens/kiosk-idle-warning.png' });
  await page.getByRole('button', { name: "I'm still here" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Get the certificate' })).toBeVisible();

  await page.clock.fastForward(91_000);
  await expect(dialog).toBeVisible();
  await page.clock.fastForward(31_000);
  await expect(page.getByRole('heading', { level: 1, name: /¿Qué quiere hacer\?|What would you like to do\?|Què vol fer\?/ })).toBeVisible();
  expect((await page.request.get(`${T}/api/v1/me`)).status()).toBe(401);
  const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
  expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
  const cookies = (await page.context().cookies()).map((c) => c.name);
  expect(cookies.every((n) => /kiosk/i.test(n))).toBe(true);
  await page.goBack().catch(() => null);
  await expect(page.getByRole('button', { name: /Obtener el certificado|Get the certificate|Obtindre el certificat/ })).toHaveCount(0);
  // Back leads out of the kiosk (the blank page before it) or stays on the start: never to the last person's screens.
  expect(page.url()).toMatch(/^about:blank$|\/kiosk\/alacant-mercat$/);
  await page.screenshot({ path: 'test-results/screens/kiosk-after-wipe.png' });
});

test('the kiosk "call staff" button opens a hand-off through the assistant', async ({ page }) => {
  await page.goto(`${KIOSK}?token=demo-kiosk-alacant-mercat&lang=en`);
  await page.getByRole('button', { name: 'Call staff' }).click();
  await expect(page.getByRole('log')).toContainText('I want to talk to a person');
  await expect(page.locator('.chat__msg--assistant').last()).toBeVisible();
});

test('a page opened on an unregistered device says so instead of showing a kiosk', async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${KIOSK}?lang=en`);
  await expect(page.getByRole('alert')).toContainText('not registered');
  await ctx.close();
});
