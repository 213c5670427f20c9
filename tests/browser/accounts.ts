/**
 * Test-only access to the Haven under test: the `haven` command line on the same data
 * directory as the server Playwright started (the outbox, to read mailed tokens, and
 * `admin create-moderator`). Needs `HAVEN_BIN`.
 */
import { execFileSync } from 'node:child_process';
import { type Page, expect } from '@playwright/test';

const dataDir = process.env.HAVEN_E2E_DATA ?? '../../target/e2e-data';

export const hasCli = Boolean(process.env.HAVEN_BIN);

function haven(args: string[], env: Record<string, string> = {}): string {
  const bin = process.env.HAVEN_BIN;
  if (!bin) throw new Error('HAVEN_BIN is not set');
  return execFileSync(bin, [...args, '--data-dir', dataDir], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

/** A unique address for this run. */
export function address(who: string): string {
  return `${who}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.org`;
}

export const PASSWORD = 'correct horse battery';

export function createModerator(email: string): void {
  haven(['admin', 'create-moderator', email], { HAVEN_ADMIN_PASSWORD: PASSWORD });
}

/** The token of the last unsent mail to `email` whose link goes to `path`. */
export function mailedToken(email: string, path: 'confirm-email' | 'reset-password' | 'follow/confirm'): string {
  const outbox = haven(['admin', 'outbox']);
  const messages = outbox.split(/\n(?=#\d+ )/).filter((m) => m.includes(`to ${email}`));
  const tokens = messages.flatMap((m) => [...m.matchAll(new RegExp(`/${path}\\?token=([A-Za-z0-9_-]+)`, 'g'))].map((x) => x[1] ?? ''));
  const token = tokens.at(-1);
  expect(token, `a ${path} mail to ${email} in the outbox`).toBeTruthy();
  return token ?? '';
}

export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/?view=signin&lang=en');
  const form = page.locator('form[data-form="signin"]');
  await form.getByLabel('E-mail address').fill(email);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#account-nav').getByRole('button', { name: 'Sign out' })).toBeVisible();
}
