import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';
import { CARDS, expectNoHorizontalScroll, expectValidPdfSignature, signIn, T } from './citizen-helpers.ts';

test.use({ locale: 'es-ES' });
mkdirSync('test-results/screens', { recursive: true });

// Signed out, every procedure page shows the same sign-in notice: checked once, on /my.
const SIGNED_OUT = ['/chat', '/signin', '/my'];
const SIGNED_IN = ['/my', '/procedures/padron', '/procedures/appointment', '/procedures/pay', '/procedures/filing', '/procedures/filing-status', '/widget-demo'];

for (const lang of ['es', 'ca', 'en'] as const) {
  test(`every citizen page has no WCAG 2.2 AA violations in ${lang}, signed out and signed in`, async ({ page }) => {
    test.setTimeout(180_000);
    for (const path of SIGNED_OUT) {
      await page.goto(`${T}${path}?lang=${lang}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: /Cargando|Carregant|Loading/ })).toHaveCount(0);
      await expectNoA11yViolations(page);
    }
    await signIn(page, CARDS.fourth);
    for (const path of SIGNED_IN) {
      await page.goto(`${T}${path}?lang=${lang}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: /Cargando|Carregant|Loading/ })).toHaveCount(0);
      await expectNoA11yViolations(page);
    }
    await page.screenshot({ path: `test-results/screens/my-area-${lang}.png`, fullPage: true });
  });
}

const ASK = { es: 'quiero el certificado de empadronamiento', ca: "vull el certificat d'empadronament", en: 'I need a certificate of registration (padron)' } as const;

/** Walks the assistant's dialog: answers its quick replies until a document card offers the PDF. */
async function chatToDocument(page: Page, lang: 'es' | 'ca' | 'en'): Promise<void> {
  const log = page.getByRole('log');
  const input = page.getByRole('textbox', { name: /Su mensaje|El seu missatge|Your message/ });
  const assistantMessages = log.locator('.chat__msg--assistant');
  // Each step waits for the assistant's answer to appear, not just for "answering" to be gone.
  const answered = async (before: number) => {
    await expect.poll(() => assistantMessages.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    await expect(page.getByRole('status').filter({ hasText: /contestando|contestant|answering/i })).toHaveCount(0, { timeout: 30_000 });
  };
  let seen = await assistantMessages.count();
  await input.fill(ASK[lang]);
  await input.press('Enter');
  await answered(seen);
  const download = page.getByRole('link', { name: /Descargar el PDF|Descarregar el PDF|Download the PDF/ });
  for (let step = 0; step < 6; step++) {
    if (await download.count()) return;
    const quick = log.getByRole('button', { disabled: false }).filter({ hasNotText: /Leer|Llegir|Read/ });
    const choice = quick.filter({ hasText: /individual|sí|si\b|yes|confirm/i }).first();
    seen = await assistantMessages.count();
    if (await choice.count()) await choice.click();
    else if (await quick.count()) await quick.first().click();
    else break;
    await answered(seen);
  }
  await expect(download.first()).toBeVisible();
}

for (const lang of ['es', 'ca', 'en'] as const) {
  test(`a padrón certificate through the chat in ${lang} downloads a PDF that pdfsig validates`, async ({ page }) => {
    await signIn(page, CARDS.maria);
    await page.goto(`${T}/chat?lang=${lang}`);
    await chatToDocument(page, lang);
    await expectNoA11yViolations(page);
    await page.screenshot({ path: `test-results/screens/chat-certificate-${lang}.png`, fullPage: true });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Descargar el PDF|Descarregar el PDF|Download the PDF/ }).last().click()]);
    const file = `test-results/screens/padron-${lang}.pdf`;
    await dl.saveAs(file);
    expectValidPdfSignature(file);
  });
}

test('new chat messages are announced through a polite live log', async ({ page }) => {
  await page.goto(`${T}/chat?lang=en`);
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log).toHaveAttribute('aria-live', 'polite');
  await page.getByRole('textbox', { name: 'Your message' }).fill('hello');
  await page.keyboard.press('Enter');
  await expect(log.locator('.chat__msg--assistant').first()).toBeVisible();
});

test('the padrón certificate form works keyboard-only and its PDF is validly signed', async ({ page }) => {
  await signIn(page, CARDS.second);
  await page.goto(`${T}/procedures/padron?lang=es`);
  await page.getByRole('radio', { name: /Individual/ }).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Obtener el certificado' })).toBeFocused();
  await page.keyboard.press('Enter');
  const link = page.getByRole('link', { name: 'Descargar el PDF' });
  await expect(link).toBeVisible();
  await link.focus();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  await dl.saveAs('test-results/screens/padron-form.pdf');
  expectValidPdfSignature('test-results/screens/padron-form.pdf');
});

test('sign-in with card and PIN works keyboard-only and wrong PINs are explained in an alert', async ({ page }) => {
  await page.goto(`${T}/signin?lang=en&returnTo=/my`);
  await page.getByLabel('Card number').focus();
  await page.keyboard.type(CARDS.third.card);
  await page.keyboard.press('Tab');
  await page.keyboard.type('0000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('PIN', { exact: true }).fill(CARDS.third.pin);
  await page.getByLabel('PIN', { exact: true }).press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'My area' })).toBeVisible();
  await expect(page.getByText(/Hello, /)).toBeVisible();
});

test('an appointment is booked through the form using only the keyboard', async ({ page }) => {
  await signIn(page, CARDS.maria);
  await page.goto(`${T}/procedures/appointment?lang=en`);
  const service = page.getByLabel('Service');
  await service.focus();
  await page.keyboard.press('ArrowDown');
  const office = page.getByLabel('Office');
  if (!(await office.inputValue())) {
    await office.focus();
    await page.keyboard.press('ArrowDown');
  }
  const firstSlot = page.getByRole('radio').first();
  await expect(firstSlot).toBeVisible();
  await firstSlot.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Book the appointment' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Appointment booked' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/appointment-booked.png', fullPage: true });
  await page.goto(`${T}/my?lang=en`);
  await expect(page.getByRole('button', { name: 'Cancel the appointment' }).first()).toBeVisible();
  // Reschedule it, keyboard only: the old place is kept until the new one is taken.
  const before = await page.locator('.card').filter({ has: page.getByRole('button', { name: 'Change day or time' }) }).first().innerText();
  await page.getByRole('button', { name: 'Change day or time' }).first().focus();
  await page.keyboard.press('Enter');
  const newSlot = page.getByRole('radio').first();
  await expect(newSlot).toBeVisible();
  await expectNoA11yViolations(page);
  await newSlot.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Change the appointment' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Appointment moved to the new day and time.' })).toBeVisible();
  const after = await page.locator('.card').filter({ has: page.getByRole('button', { name: 'Change day or time' }) }).first().innerText();
  expect(after).not.toBe(before);
});

test('a receipt is paid in the sandbox gateway using only the keyboard and its receipt is signed', async ({ page }) => {
  await signIn(page, CARDS.maria);
  await page.goto(`${T}/procedures/pay?lang=en`);
  const pay = page.getByRole('button', { name: /^Pay / }).first();
  await expect(pay).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/pay-list.png', fullPage: true });
  await pay.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/sandbox/);
  const gatewayPay = page.locator('button.pay');
  await gatewayPay.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/payments\/.+result=ok/);
  // The gateway returns without ?lang: the page speaks the browser's language (es-ES here).
  await expect(page.getByText(/Payment made|Pago hecho/)).toBeVisible();
  await expectNoA11yViolations(page);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the receipt|Descargar el justificante/ }).click()]);
  await dl.saveAs('test-results/screens/payment-receipt.pdf');
  expectValidPdfSignature('test-results/screens/payment-receipt.pdf');
});

test('two tabs paying the same receipt reach one gateway order, and the citizen is charged once (HIGH-1)', async ({ context }) => {
  const [tab1, tab2] = [await context.newPage(), await context.newPage()];
  await signIn(tab1, CARDS.fourth);
  for (const tab of [tab1, tab2]) await tab.goto(`${T}/procedures/pay?lang=es`);
  // The same receipt, first in both lists.
  const concept = (await tab1.getByRole('button', { name: /^Pagar / }).first().getAttribute('aria-label')) ?? (await tab1.getByRole('button', { name: /^Pagar / }).first().innerText());
  for (const tab of [tab1, tab2]) {
    await tab.getByRole('button', { name: /^Pagar / }).first().click();
    await tab.waitForURL(/\/payments\/sandbox\//);
  }
  const orderOf = (url: string) => new URL(url).pathname.split('/').pop();
  const order = orderOf(tab1.url());
  expect(orderOf(tab2.url()), `${concept}: the second tab must be handed the same order`).toBe(order);
  await tab2.screenshot({ path: 'test-results/screens/pay-two-tabs-gateway.png', fullPage: true });
  // Both tabs press Pay: one order, so one charge; both come back to "paid", neither says "not charged".
  for (const tab of [tab1, tab2]) {
    await tab.locator('button.pay').click();
    await tab.waitForURL(/\/payments\/.+result=ok/);
    await expect(tab.getByText(/Pago hecho|Payment made/)).toBeVisible();
    await expect(tab.getByText(/No se le ha cobrado nada/)).toHaveCount(0);
  }
  await tab1.screenshot({ path: 'test-results/screens/pay-two-tabs-result.png', fullPage: true });
  const list = (await (await tab1.request.get(`${T}/api/v1/payments`)).json()) as { payments: { orderId: string; status: string }[] };
  expect(list.payments.filter((p) => p.orderId === order)).toEqual([expect.objectContaining({ orderId: order, status: 'paid' })]);
});

test('a filing with an attachment is registered keyboard-only and its status can be checked', async ({ page }) => {
  await signIn(page, CARDS.second);
  const pdf = 'test-results/screens/attachment.pdf';
  writeFileSync(pdf, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  await page.goto(`${T}/procedures/filing?lang=en`);
  await page.getByLabel('Subject').focus();
  await page.keyboard.type('Request for a bench in my street');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Please install a bench in front of number 3.');
  await page.getByLabel('Documents (optional)').setInputFiles(pdf);
  await page.getByRole('button', { name: 'Submit the application' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Application registered' })).toBeVisible();
  const text = (await page.getByText(/Registry number: REG-/).textContent()) ?? '';
  expect(text).toMatch(/1 document attached/);
  const number = /REG-\d{4}-\d{6}/.exec(text)?.[0] ?? '';
  await page.screenshot({ path: 'test-results/screens/filing-done.png', fullPage: true });
  await page.goto(`${T}/procedures/filing-status?lang=en`);
  await page.getByLabel('Registry number').fill(number);
  await page.getByLabel('Registry number').press('Enter');
  await expect(page.getByText('Status: Registered')).toBeVisible();
});

test('the form opened from the assistant keeps what the citizen already said, ready for documents', async ({ page }) => {
  await signIn(page, CARDS.second);
  const said = new URLSearchParams({ departmentId: 'urbanismo', subject: 'Soroll al meu carrer', body: 'Demane que revisen el soroll de les obres.' });
  await page.goto(`${T}/procedures/filing?${said.toString()}&lang=ca`);
  await expect(page.getByLabel('Assumpte')).toHaveValue('Soroll al meu carrer');
  await expect(page.getByRole('textbox', { name: /sol·licitud/i })).toHaveValue('Demane que revisen el soroll de les obres.');
  await expect(page.getByRole('combobox')).toHaveValue('urbanismo');
  await expectNoA11yViolations(page);
});

test('pages reflow at 200 % zoom (640 px wide) without horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 640, height: 800 });
  await signIn(page, CARDS.fourth);
  for (const path of ['/', '/chat', '/my', '/procedures/appointment', '/procedures/filing', '/signin']) {
    await page.goto(`${T}${path}?lang=ca`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.evaluate(() => {
      document.documentElement.style.fontSize = '200%';
    });
    await expectNoHorizontalScroll(page);
  }
});

test('reduced motion is respected: no transitions or animations run', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${T}/chat?lang=en`);
  const durations = await page.evaluate(() => Array.from(document.querySelectorAll('*')).map((el) => getComputedStyle(el).transitionDuration).filter((d) => d !== '0s' && parseFloat(d) > 0.001));
  expect(durations).toEqual([]);
});

test('the text size control enlarges the page and remembers the choice', async ({ page }) => {
  await page.goto(`${T}/chat?lang=en`);
  await page.getByRole('button', { name: 'Larger text' }).click();
  await expect(page.locator('html')).toHaveAttribute('style', /font-size: 125%/);
  await page.getByRole('button', { name: 'Easy read' }).click();
  await expect(page.getByRole('button', { name: 'Easy read' })).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('style', /font-size: 125%/);
});

test('typed as people type: a misspelt booking request, "atras" and "cancela" in the dialog, then a crisis message shows the numbers to call', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, CARDS.maria);
  await page.goto(`${T}/chat?lang=es`);
  const log = page.getByRole('log');
  const input = page.getByRole('textbox', { name: 'Su mensaje' });
  const assistant = log.locator('.chat__msg--assistant');
  const say = async (text: string) => {
    const before = await assistant.count();
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => assistant.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    await expect(page.getByRole('status').filter({ hasText: /contestando/i })).toHaveCount(0, { timeout: 30_000 });
    return (await assistant.last().innerText()).toLowerCase();
  };
  // Misspelt and colloquial: the booking flow starts and asks its first question with options to tap.
  const first = await say('holaa kiero pedir una sita pal padron porfa');
  expect(first).toMatch(/cita|servicio|oficina|día/);
  await page.screenshot({ path: 'test-results/screens/chat-colloquial-1-booking.png', fullPage: true });
  // "atras" at the first question says there is nothing before it; "cancela" ends the procedure.
  await say('atras');
  const cancelled = await say('cancela');
  expect(cancelled).toContain('no se ha hecho ningún trámite');
  await page.screenshot({ path: 'test-results/screens/chat-colloquial-2-cancelled.png', fullPage: true });
  // A crisis message: the reply carries the crisis lines as links to call (the moderation seam kept them).
  await say('ya no puedo mas, quiero acabar con todo');
  await expect(log.locator('a[href="tel:024"]').last()).toBeVisible();
  await expect(log.locator('a[href="tel:112"]').last()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/chat-colloquial-3-crisis.png', fullPage: true });
  await expectNoA11yViolations(page);
});
