/**
 * Needs Haven with the data API and the imported bundled data.
 * The main search box finds places, cities, practices and policy areas, grouped, with the
 * words people use (synonyms and German compounds), and says when nothing is found.
 */
import { type Page, expect, test } from '@playwright/test';
import { requireDataApi, screenshot, seriousViolations, waitForResults, watchProblems } from './support';

const BOX = { name: /Search places, practices and topics|Orte, Praktiken und Themen suchen/ };

/** The options of one group of the open list (`places`, `cities`, `practices`, `areas`, `suggestions`). */
function group(page: Page, key: string) {
  return page.locator(`#search-results [data-group="${key}"] [role="option"]`);
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('"Krankenschein" finds the anonymous health voucher practices and opens one', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/?lang=de');
  await waitForResults(page);
  const box = page.getByRole('combobox', BOX);
  await box.fill('Krankenschein');
  const practices = group(page, 'practices');
  await expect(practices.first()).toBeVisible();
  await expect(page.getByRole('group', { name: 'Praktiken' })).toBeVisible();
  // What people say, and what the texts say instead.
  await expect(practices.filter({ hasText: /Anonymer Krankenschein/ }).first()).toBeVisible();
  await expect(practices.filter({ hasText: /Anonymer Behandlungsschein/ }).first()).toBeVisible();
  // The cities that run them are found too.
  await expect(group(page, 'cities').first()).toBeVisible();
  expect(await seriousViolations(page, '#search')).toEqual([]);
  await screenshot(page, 'desk-search-krankenschein');

  // Keyboard: down to the practice, Enter opens it.
  const options = page.getByRole('option');
  const index = await options.evaluateAll((all) => all.findIndex((o) => /Anonymer Behandlungsschein/.test(o.textContent ?? '')));
  const title = (await options.nth(index).locator('.option-name').textContent()) ?? '';
  for (let i = 0; i <= index; i += 1) await box.press('ArrowDown');
  await box.press('Enter');
  await expect(page.locator('#detail-title')).toHaveText(title);
  await expect(page).toHaveURL(/[?&]practice=/);
  expect(problems).toEqual([]);
});

test('"housing" finds the policy area and its practices; the area becomes a filter', async ({ page }) => {
  await page.goto('/?lang=en');
  await waitForResults(page);
  await page.getByRole('combobox', BOX).fill('housing');
  await expect(group(page, 'areas')).toContainText(['Housing']);
  await expect(group(page, 'practices').first()).toBeVisible();
  await group(page, 'areas').first().click();
  await expect(page.getByRole('checkbox', { name: 'Housing', exact: true })).toBeChecked();
  await expect(page).toHaveURL(/[?&]area=housing/);
});

test('"Bürgerasyl" finds the sanctuary practices', async ({ page }) => {
  await page.goto('/?lang=de');
  await page.getByRole('combobox', BOX).fill('Bürgerasyl');
  await expect(group(page, 'practices').first()).toBeVisible();
  await expect(group(page, 'practices')).toContainText([/Zuflucht|Sanctuary/]);
});

test('nothing found says so and offers similar words', async ({ page }) => {
  await page.goto('/?lang=de');
  const box = page.getByRole('combobox', BOX);
  await box.fill('xqzvw');
  await expect(page.locator('.search-empty')).toContainText('Nichts gefunden für „xqzvw“.');
  await expect(page.locator('#search-results [role="option"]')).toHaveCount(0);

  await box.fill('Krankenshein');
  await expect(page.locator('.search-empty')).toContainText('Nichts gefunden für „Krankenshein“.');
  const suggestion = group(page, 'suggestions').filter({ hasText: /^Krankenschein$/ });
  await expect(suggestion).toBeVisible();
  expect(await seriousViolations(page, '#search')).toEqual([]);
  await screenshot(page, 'desk-search-nothing');
  await suggestion.click();
  await expect(box).toHaveValue('Krankenschein');
  await expect(group(page, 'practices').first()).toBeVisible();
  await expect(page.locator('.search-empty')).toBeHidden();
});
