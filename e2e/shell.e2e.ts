import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';

// A Spanish browser, as most of the council's residents have.
test.use({ locale: 'es-ES' });

const HEADINGS = {
  es: 'Bienvenida y bienvenido a Ayuntamiento de Alicante (demo)',
  ca: "Benvinguda i benvingut a Ajuntament d'Alacant (demo)",
  en: 'Welcome to Alicante City Council (demo)',
} as const;

for (const lang of ['es', 'ca', 'en'] as const) {
  test(`the council home page reads in ${lang} and has no WCAG 2.2 AA violations`, async ({ page }) => {
    await page.goto(`/t/alacant/?lang=${lang}`);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(HEADINGS[lang]);
    await expect(page.getByRole('link', { name: /Saltar|Botar|Skip/ })).toBeAttached();
    await expect(page.getByRole('main')).toBeVisible();
    await expectNoA11yViolations(page);
    await page.screenshot({ path: `test-results/screens/home-${lang}.png`, fullPage: true });
  });
}

test('switching language changes the page and is remembered after a reload', async ({ page }) => {
  await page.goto('/t/alacant/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.getByRole('button', { name: 'Valencià' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ca');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(HEADINGS.ca);
  await expect(page.getByRole('button', { name: 'Valencià' })).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ca');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(HEADINGS.ca);
  await expectNoA11yViolations(page);
});

test('a council without Valencian offers only its own languages', async ({ page }) => {
  await page.goto('/t/medina-rioseco/?lang=en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Medina de Rioseco Town Council (demo)');
  await expect(page.getByRole('button', { name: 'Valencià' })).toHaveCount(0);
  await expectNoA11yViolations(page);
});

test('the deployment home lists the councils and the kiosk address without a device explains how to register one', async ({ page }) => {
  await page.goto('/?lang=en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose your council');
  await expect(page.getByRole('link', { name: 'Medina de Rioseco Town Council (demo)' })).toBeVisible();
  await expectNoA11yViolations(page);
  for (const section of ['kiosk']) {
    await page.goto(`/t/alacant/${section}?lang=en`);
    await expect(page.getByRole('note')).toHaveText('Kiosk mode only runs on a device registered by the council.');
    await expectNoA11yViolations(page);
  }
});

test('the skip link moves keyboard focus to the main content', async ({ page }) => {
  await page.goto('/t/alacant/?lang=en');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});
