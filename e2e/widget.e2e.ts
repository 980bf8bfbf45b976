import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';
import { T } from './citizen-helpers.ts';

test('the widget opens from its launcher, traps focus, talks to the assistant and Escape returns focus', async ({ page }) => {
  await page.goto(`${T}/widget-demo?lang=en`);
  const launcher = page.getByRole('button', { name: 'Open the council assistant' });
  await expect(launcher).toBeVisible();
  await expect(launcher).toHaveAttribute('aria-expanded', 'false');
  await launcher.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Council assistant' });
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Your message' })).toBeFocused();
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
  const inside = await page.evaluate(() => document.activeElement?.hasAttribute('data-ventanilla-widget'));
  expect(inside).toBe(true);
  await page.getByRole('textbox', { name: 'Your message' }).fill('hello');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('log').locator('.msg--bot')).toHaveCount(2);
  await expectNoA11yViolations(page);
  await page.screenshot({ path: 'test-results/screens/widget-open.png' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(launcher).toBeFocused();
});

test('the widget script is small, and only the council websites may call the assistant cross-origin', async ({ request }) => {
  const js = await request.get('/widget.js');
  expect(js.status()).toBe(200);
  expect((await js.body()).length).toBeLessThan(60_000);
  const allowed = await request.fetch(`${T}/api/v1/conversations`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8099', 'access-control-request-method': 'POST' } });
  expect(allowed.status()).toBe(204);
  expect(allowed.headers()['access-control-allow-origin']).toBe('http://127.0.0.1:8099');
  const denied = await request.fetch(`${T}/api/v1/conversations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  expect(denied.headers()['access-control-allow-origin']).toBeUndefined();
  const signIn = await request.fetch(`${T}/api/v1/auth/card`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8099', 'access-control-request-method': 'POST' } });
  expect(signIn.headers()['access-control-allow-origin']).toBeUndefined();
});
