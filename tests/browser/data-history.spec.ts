/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * Every view is in the address, and Back and Forward restore exactly it: the panel, the
 * filters, the language and the page over the map always agree with the URL.
 */
import { type Page, expect, test } from '@playwright/test';
import { requireDataApi, waitForResults, watchProblems } from './support';

interface CityDetail {
  properties: { name: string; practices: { slug: string; title: string }[] };
}

/** The query parameter `name` of the address, or null. */
function param(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

// The map flies here, as it does for everyone who has not asked for reduced motion (the rest
// of the suite has): Back and Forward in the middle of flights must still agree with the URL.
test.use({ reducedMotion: 'no-preference' });

test('city, practice, Back and Forward: the panel and the address always agree', async ({ page, request }) => {
  const problems = watchProblems(page);
  const city = ((await (await request.get('/api/v1/cities/koeln?lang=en')).json()) as CityDetail).properties;
  const practice = city.practices[0];
  if (!practice) throw new Error('Köln has no practice in the bundled data');
  const title = page.locator('#detail-title');

  await page.goto('/?lang=en&city=koeln');
  await expect(title).toHaveText(city.name);
  await page.locator('#detail').getByRole('link', { name: practice.title }).click();
  await expect(title).toHaveText(practice.title);
  expect(param(page, 'practice')).toBe(practice.slug);
  // The map flies to the practice (its moves rewrite the address): wait for it to settle.
  await page.waitForFunction(() => window.__havenMap?.isMoving() === false);

  await page.goBack();
  await expect(title).toHaveText(city.name);
  await expect.poll(() => [param(page, 'city'), param(page, 'practice')]).toEqual(['koeln', null]);

  await page.goForward();
  await expect(title).toHaveText(practice.title);
  await expect.poll(() => [param(page, 'city'), param(page, 'practice')]).toEqual([null, practice.slug]);

  await page.goBack();
  await expect(title).toHaveText(city.name);
  // Closing the panel is a step of its own, which Back undoes.
  await page.keyboard.press('Escape');
  await expect(page.locator('#detail')).toBeHidden();
  expect(param(page, 'city')).toBeNull();
  await page.goBack();
  await expect(title).toHaveText(city.name);
  expect(param(page, 'city')).toBe('koeln');
  expect(problems).toEqual([]);
});

test('a filter, the language and a page over the map are steps Back undoes and Forward redoes', async ({ page }) => {
  await page.goto('/?lang=en&city=koeln');
  await waitForResults(page);
  const count = page.locator('#filters-count');
  const all = await count.textContent();
  const housing = page.getByRole('checkbox', { name: 'Housing', exact: true });

  await housing.check();
  await waitForResults(page);
  await expect(count).not.toHaveText(all ?? '');
  const filtered = await count.textContent();
  expect(param(page, 'area')).toBe('housing');

  await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.locator('#detail').getByRole('link', { name: 'Korrektur vorschlagen' }).click();
  await expect(page).toHaveURL(/[?&]view=suggest-correction/);

  await page.goBack();
  await expect(page).not.toHaveURL(/[?&]view=/);
  await expect(page.locator('#detail-title')).toHaveText('Köln');
  await page.goBack();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('#detail-title')).toHaveText('Köln');
  await expect(page.getByRole('heading', { name: 'Filters' })).toBeVisible();
  await page.goBack();
  await expect(housing).not.toBeChecked();
  await waitForResults(page);
  await expect(count).toHaveText(all ?? '');
  expect(param(page, 'area')).toBeNull();

  await page.goForward();
  await expect(housing).toBeChecked();
  await waitForResults(page);
  await expect(count).toHaveText(filtered ?? '');
  expect(param(page, 'city')).toBe('koeln');
});
