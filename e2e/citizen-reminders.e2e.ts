import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from './a11y.ts';
import { CARDS, signIn, T } from './citizen-helpers.ts';

test.use({ locale: 'es-ES' });

test('payment reminders are chosen in my area, with errors beside their fields, and kept', async ({ page }) => {
  await signIn(page, CARDS.second);
  await page.goto(`${T}/my?lang=es`);
  const form = page.getByRole('form', { name: 'Avisos de pago' });
  await expect(form).toBeVisible();
  await expect(form.getByText('Avísenme cuando se abra un periodo de pago y antes de que termine.')).toBeVisible();
  // The current choice: the demo citizen gets e-mail reminders at the address the council has.
  const byEmail = form.getByRole('checkbox', { name: 'Por correo electrónico' });
  const email = form.getByRole('textbox', { name: 'Correo electrónico' });
  await expect(byEmail).toBeChecked();
  await expect(email).toHaveValue('josep.marti@example.org');

  await email.fill('');
  await email.press('Enter');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription('Para recibir avisos por correo indique una dirección de correo electrónico.');
  await expectNoA11yViolations(page);

  await email.fill('josep@example.org');
  await email.press('Enter');
  await expect(form.getByRole('status')).toHaveText('Guardado. Le avisaremos cuando se abra un periodo de pago y antes de que termine.');

  const prefs = await (await page.request.get(`${T}/api/v1/payments/reminders`)).json() as { isSmsAvailable: boolean };
  const phone = form.getByRole('textbox', { name: 'Teléfono móvil' });
  if (prefs.isSmsAvailable) {
    // Only where the server has an SMS provider (SMS_URL): the phone and the SMS choice.
    await form.getByRole('checkbox', { name: 'Por SMS al móvil' }).check();
    await phone.fill('611 22');
    await phone.press('Enter');
    await expect(phone).toHaveAccessibleDescription(/Escriba el móvil con el prefijo internacional/);
    await phone.fill('+34 611 223 344');
    await phone.press('Enter');
    await expect(form.getByRole('status')).toContainText('Guardado.');
  } else {
    await expect(phone).toHaveCount(0);
    await expect(form.getByRole('checkbox', { name: 'Por SMS al móvil' })).toHaveCount(0);
  }

  await page.goto(`${T}/my?lang=en`);
  const again = page.getByRole('form', { name: 'Payment reminders' });
  await expect(again.getByRole('textbox', { name: 'E-mail address' })).toHaveValue('josep@example.org');
  await expect(again.getByRole('checkbox', { name: 'By e-mail' })).toBeChecked();
  if (prefs.isSmsAvailable) await expect(again.getByRole('textbox', { name: 'Mobile phone' })).toHaveValue('+34611223344');

  // Turning reminders off is kept too.
  await again.getByRole('checkbox', { name: 'By e-mail' }).uncheck();
  if (prefs.isSmsAvailable) await again.getByRole('checkbox', { name: 'By SMS to my mobile' }).uncheck();
  await again.getByRole('button', { name: 'Save reminders' }).click();
  await expect(again.getByRole('status')).toHaveText('Saved. We will not send you payment reminders.');
  expect(await (await page.request.get(`${T}/api/v1/payments/reminders`)).json()).toMatchObject({ isEmail: false, isSms: false, email: 'josep@example.org' });
});
