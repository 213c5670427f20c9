/**
 * Needs Haven with the data API and imported data, and HAVEN_BIN (a moderator is created with
 * the command line). Texts are stored under the language they are written in, which the form
 * asks for (default: the interface's), not under the interface language.
 */
import { expect, test } from '@playwright/test';
import { address, createModerator, hasCli, signIn } from './accounts';
import { requireDataApi, seriousViolations } from './support';

test.skip(!hasCli, 'needs HAVEN_BIN (the haven command line on the server’s data directory)');

interface Queue {
  submissions: { reference: string; payload: { original_lang?: string; title?: Record<string, string>; summary?: Record<string, string> } }[];
}

test('German typed with the interface in English is sent and stored as German', async ({ page, browser, request }) => {
  await requireDataApi(request);
  const title = `Anonymer Krankenschein in Köln ${Date.now().toString(36)}`;
  const summary = 'Menschen ohne Papiere erhalten über die Clearingstelle einen anonymen Behandlungsschein.';

  await page.goto('/?lang=en&city=koeln&view=suggest-practice');
  const form = page.locator('form[data-form="suggest-practice"]');
  const language = form.getByLabel('Language of your text');
  // The interface's language unless the writer says otherwise.
  await expect(language).toHaveValue('en');
  await form.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await form.getByLabel('Short description').fill(summary);
  await language.selectOption({ label: 'German' });
  await form.getByLabel('Source 1').fill('https://example.org/anonymer-krankenschein');
  expect(await seriousViolations(page, 'form[data-form="suggest-practice"]')).toEqual([]);
  await form.getByRole('button', { name: 'Send the suggestion' }).click();
  const reference = (await page.locator('[data-reference]').textContent()) ?? '';
  expect(reference).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

  // The server stores the texts under German, with German as the original language.
  const moderator = address('moderator');
  createModerator(moderator);
  const context = await browser.newContext();
  const mod = await context.newPage();
  await signIn(mod, moderator);
  const queue = (await (await mod.request.get('/api/v1/moderation/submissions?limit=1000')).json()) as Queue;
  const stored = queue.submissions.find((s) => s.reference === reference)?.payload;
  expect(stored?.original_lang).toBe('de');
  expect(stored?.title).toEqual({ de: title });
  expect(stored?.summary).toEqual({ de: summary });
  await context.close();
});
