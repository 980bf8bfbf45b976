import { execFileSync } from 'node:child_process';
import { expect, type Page } from '@playwright/test';

export const T = '/t/alacant';
export const CARDS = {
  maria: { card: '4000000000000001', pin: '1234' },
  second: { card: '4000000000000002', pin: '2345' },
  third: { card: '4000000000000003', pin: '3456' },
  fourth: { card: '4000000000000004', pin: '4567' },
} as const;

/** Signs in through the API with the page's own cookie jar (the form itself is tested separately). */
export async function signIn(page: Page, who: { card: string; pin: string }): Promise<void> {
  const res = await page.request.post(`${T}/api/v1/auth/card`, { data: who });
  expect(res.status()).toBe(200);
}

/** pdfsig (poppler-utils) must say the signature is valid. */
export function expectValidPdfSignature(file: string): string {
  const out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
  expect(out).toMatch(/Signature Validation: Signature is Valid/);
  return out;
}

/** No horizontal scrolling at 320 CSS px of width (what 1280 px at 400 % or 640 px at 200 % gives). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client, wide } = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    // Name the culprits, so a failure says what to fix.
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > client + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { scroll: document.documentElement.scrollWidth, client, wide };
  });
  expect(scroll, `too wide: ${wide.join(', ')}`).toBeLessThanOrEqual(client);
}
