/**
 * The account's own page (issue 14): every browser signed in is listed, one can be signed
 * out, the password changed (the other browsers are signed out), and all sessions ended at
 * once. The page runs under Haven's Content-Security-Policy without a violation.
 */
import { expect, test } from '@playwright/test';
import { PASSWORD, address, createModerator, hasCli, signIn } from './accounts';
import { screenshot } from './support';

test.skip(!hasCli, 'needs HAVEN_BIN (the haven command line on the server’s data directory)');

test('sessions are listed and ended, the password changed, and everywhere signed out', async ({ page, browser }) => {
  // Two browsers and seven page loads, each drawing the map in software: more than the default.
  test.setTimeout(300_000);
  const email = address('owner');
  createModerator(email);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });

  await signIn(page, email);
  const elsewhere = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  await signIn(otherPage, email);

  // The page speaks every language.
  await page.goto('/?view=account&lang=de');
  await expect(page.locator('#detail-title')).toHaveText('Ihr Konto');
  await expect(page.getByRole('heading', { name: 'Wo Sie angemeldet sind' })).toBeVisible();

  await page.goto('/?view=account&lang=en');
  await expect(page.locator('#detail-title')).toHaveText('Your account');
  const sessions = page.locator('.session-list li');
  await expect(sessions).toHaveCount(2);
  await expect(page.locator('.session-list li[data-current="true"]')).toContainText('This browser');
  await expect(page.locator('.session-list li[data-current="true"]')).toContainText('Chrome');

  // Sign the other browser out from here.
  await page.locator('.session-list li[data-current="false"]').getByRole('button', { name: 'Sign out this browser' }).click();
  await expect(page.getByText('That browser is signed out.')).toBeVisible();
  await expect(sessions).toHaveCount(1);
  await otherPage.goto('/?lang=en');
  await expect(otherPage.locator('#account-nav').getByRole('link', { name: 'Sign in' })).toBeVisible();

  // A wrong current password is refused next to its field; the right one changes it.
  const form = page.locator('form[data-form="change-password"]');
  await form.getByLabel('Current password').fill('not my password at all');
  await form.getByRole('textbox', { name: 'New password', exact: true }).fill('a fresh long password');
  await form.getByLabel('New password again').fill('a fresh long password');
  await form.getByRole('button', { name: 'Change your password' }).click();
  await expect(form.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Change your password' }).click();
  await expect(form.getByText('Your password is changed.')).toBeVisible();
  await screenshot(page, 'desk-account-sessions');

  // This browser kept a working session (a new one): it can still end them all.
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/view=signin/);
  await expect(page.locator('#account-nav').getByRole('link', { name: 'Sign in' })).toBeVisible();

  // The new password signs in.
  await otherPage.goto('/?view=signin&lang=en');
  const signin = otherPage.locator('form[data-form="signin"]');
  await signin.getByLabel('E-mail address').fill(email);
  await signin.getByLabel('Password').fill('a fresh long password');
  await signin.getByRole('button', { name: 'Sign in' }).click();
  await expect(otherPage.locator('#account-nav').getByRole('button', { name: 'Sign out' })).toBeVisible();
  await elsewhere.close();
  expect(violations).toEqual([]);
});
