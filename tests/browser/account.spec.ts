/**
 * Account and suggestion pages without data: views in the URL, the paths mailed links open,
 * accessible field errors, and axe on the forms.
 */
import { expect, test } from '@playwright/test';
import { seriousViolations } from './support';

test('sign-in errors are linked to their fields and take the focus', async ({ page }) => {
  await page.goto('/?view=signin&lang=en');
  const form = page.locator('form[data-form="signin"]');
  await expect(page.locator('#detail-title')).toHaveText('Sign in');
  await form.getByRole('button', { name: 'Sign in' }).click();
  const email = form.getByLabel('E-mail address');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toBeFocused();
  const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
  await expect(page.locator(`[id="${describedBy.split(' ').at(-1) ?? ''}"]`)).toHaveText('Please fill in this field.');
  await email.fill('nobody@example.org');
  await form.getByLabel('Password').fill('not the password');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(form.locator('.form-message')).toHaveText('The e-mail address or the password is not right.');
  expect(await seriousViolations(page)).toEqual([]);
});

test('pages live in the URL and follow Back', async ({ page }) => {
  await page.goto('/?lang=de');
  await page.locator('#account-nav').getByRole('link', { name: 'Anmelden' }).click();
  await expect(page).toHaveURL(/view=signin/);
  await page.getByRole('link', { name: 'Konto anlegen' }).click();
  await expect(page).toHaveURL(/view=signup/);
  await expect(page.locator('#detail-title')).toHaveText('Konto anlegen');
  expect(await seriousViolations(page)).toEqual([]);
  await page.goBack();
  await expect(page.locator('#detail-title')).toHaveText('Anmelden');
  await page.locator('#detail .panel-close').click();
  await expect(page).not.toHaveURL(/view=/);
  await expect(page.locator('#detail')).toBeHidden();
});

test('the mailed links open the client: a bad confirmation token says so', async ({ page }) => {
  await page.goto('/confirm-email?token=not-a-token&lang=fr');
  await expect(page.locator('[data-confirm]')).toHaveAttribute('data-confirm', 'error');
  await expect(page.locator('#detail-title')).toHaveText('Confirmer votre adresse e-mail');
  await page.goto('/reset-password?token=abc&lang=es');
  await expect(page.locator('#detail-title')).toHaveText('Elegir una contraseña nueva');
  const form = page.locator('form[data-form="reset"]');
  await form.locator('input[name="password"]').fill('long enough password');
  await form.getByLabel('Repite la contraseña nueva').fill('another long password');
  await form.getByRole('button').click();
  await expect(form.getByLabel('Repite la contraseña nueva')).toBeFocused();
});

test('a suggestion needs a source; the honeypot is invisible', async ({ page }) => {
  await page.goto('/?view=add-city&lang=en');
  const form = page.locator('form[data-form="add-city"]');
  await expect(form.locator('input[name="website"]')).not.toBeInViewport();
  await form.getByLabel('Name of the city').fill('Somewhere');
  await form.getByRole('button', { name: 'Send the suggestion' }).click();
  await expect(form.getByLabel('Source 1')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('.form-message')).toContainText('Please find and choose the place first.');
  expect(await seriousViolations(page)).toEqual([]);
});
