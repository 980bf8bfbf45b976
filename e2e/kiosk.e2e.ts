import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';
import { CARDS, T } from './citizen-helpers.ts';

const KIOSK = `${T}/kiosk/alacant-mercat`;

/** At the market kiosk in Spanish: touch a procedure and identify with a citizen card and PIN. */
async function openWithCard(page: Page, procedure: string, card: { card: string; pin: string }): Promise<void> {
  await page.goto(`${KIOSK}?token=demo-kiosk-alacant-mercat&lang=es`);
  await page.getByRole('button', { name: procedure }).click();
  await page.getByLabel('Número de tarjeta').fill(card.card);
  await page.getByLabel('PIN').fill(card.pin);
  await page.getByRole('button', { name: 'Entrar' }).click();
}
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

test.describe('kiosk devices: speech, camera, printer', () => {
  // Chromium's own fake camera (a moving test pattern, see playwright.config.ts): the real getUserMedia path.
  test.use({ permissions: ['camera'] });

  test('"read the screen" speaks through espeak-ng when the kiosk has no voice of its own, and auto-read reads each answer', async ({ page }) => {
    // A kiosk PC without installed voices: the browser has none, so the server's espeak-ng must speak.
    await page.addInitScript(() => {
      if ('speechSynthesis' in window) Object.defineProperty(window.speechSynthesis, 'getVoices', { value: () => [] });
    });
    await page.goto(`${KIOSK}?token=demo-kiosk-alacant-mercat&lang=es`);
    const spoken = page.waitForResponse((r) => r.url().includes('/api/v1/tts?'));
    await page.getByRole('button', { name: 'Leer la pantalla' }).click();
    const res = await spoken;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^audio\/wav/);
    const wav = await res.body();
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.length).toBeGreaterThan(20_000); // seconds of speech, not an empty file
    expect(decodeURIComponent(new URL(res.url()).searchParams.get('text') ?? '')).toContain('¿Qué quiere hacer?');

    await page.getByRole('button', { name: 'Leer siempre en voz alta' }).click();
    await expect(page.getByRole('button', { name: 'Leer siempre en voz alta' })).toHaveAttribute('aria-pressed', 'true');
    const read: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/tts?')) read.push(new URL(r.url()).searchParams.get('text') ?? '');
    });
    await page.getByRole('button', { name: /Preguntar al asistente/ }).click();
    await page.getByRole('textbox').fill('¿Qué necesito para empadronarme?');
    await page.getByRole('textbox').press('Enter');
    // The answer is the assistant message after the citizen's question (the welcome may come before it).
    const reply = page.locator('.chat__msg--user ~ .chat__msg--assistant').last().locator('p').nth(1);
    await expect(reply).toBeVisible();
    const replyText = (await reply.innerText()).slice(0, 40);
    await expect.poll(() => read.some((text) => text.includes(replyText)), { message: JSON.stringify(read) }).toBe(true);
  });

  test('a document photographed with the kiosk camera is filed as a JPEG attachment', async ({ page }) => {
    await openWithCard(page, 'Presentar documentos', CARDS.third);
    await page.getByRole('button', { name: 'Encender la cámara' }).click();
    await expect(page.getByLabel('Vista de la cámara')).toBeVisible();
    await expect.poll(() => page.getByLabel('Vista de la cámara').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Hacer foto' }).click();
    await expect(page.getByRole('status').filter({ hasText: '1 foto hecha' })).toBeVisible();
    await page.getByLabel('Asunto').fill('Solicitud con foto del DNI');
    await page.getByLabel('Su solicitud').fill('Adjunto la foto hecha en el cibercajero.');
    await page.getByRole('button', { name: 'Presentar la solicitud' }).click();
    await expect(page.getByRole('heading', { name: 'Solicitud registrada' })).toBeVisible();
    const list = await page.request.get(`${T}/api/v1/filings`);
    const newest = (await list.json() as { filings: { id: string }[] }).filings[0];
    const detail = await (await page.request.get(`${T}/api/v1/filings/${newest?.id ?? ''}`)).json() as { attachments: { id: string; mimeType: string; fileName: string; sizeBytes: number }[] };
    expect(detail.attachments).toEqual([expect.objectContaining({ mimeType: 'image/jpeg', fileName: 'document-1.jpg' })]);
    expect(detail.attachments[0]?.sizeBytes).toBeGreaterThan(5_000);
    // Finishing releases the camera: no live video track is left for the next person.
    await page.getByRole('button', { name: 'Terminar y borrar mis datos' }).click();
    expect(await page.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
  });

  test('"print" sends the signed certificate to the printer without leaving the kiosk', async ({ page }) => {
    // The print dialog itself cannot open headless: count the calls the page makes to it, in every frame.
    await page.addInitScript(() => {
      window.print = () => {
        const top = window.top;
        if (!top) return;
        const printed = (Reflect.get(top, '__printed') as string[] | undefined) ?? [];
        Reflect.set(top, '__printed', [...printed, window.location.href]);
      };
    });
    await openWithCard(page, 'Certificado de empadronamiento', CARDS.fourth);
    await page.getByRole('button', { name: 'Obtener el certificado' }).click();
    await expect(page.getByRole('heading', { name: 'Su certificado está listo' })).toBeVisible();
    const pdf = page.waitForResponse((r) => /\/api\/v1\/certificates\/padron\/.+\/pdf/.test(r.url()));
    await page.getByRole('button', { name: 'Imprimir' }).click();
    const res = await pdf;
    expect(res.headers()['content-type']).toBe('application/pdf');
    // The frame hands the bytes to Chromium's PDF viewer; fetch them again to check what was sent to print.
    const bytes = await (await page.request.get(res.url())).body();
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await expect.poll(() => page.evaluate(() => (window as Window & { __printed?: string[] }).__printed?.length ?? 0)).toBe(1);
    expect(page.url()).toContain('/kiosk/alacant-mercat');
  });
});
