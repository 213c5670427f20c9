/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * The map and the list show exactly what the API answers for the same filter.
 */
import { type APIRequestContext, expect, test } from '@playwright/test';
import {
  LAYER,
  apiCollection,
  inset,
  inside,
  listedSlugs,
  mapBounds,
  renderedCount,
  renderedFeatures,
  requireDataApi,
  screenshot,
  seriousViolations,
  sorted,
  waitForMapIdle,
  waitForResults,
  watchProblems,
} from './support';

/** Germany and its neighbours at a zoom where the tiles send single cities, not clusters. */
const VIEW = '#map=6/51/10';

interface PolicyArea {
  slug: string;
  label: string;
  practice_count: number;
}

/** A policy area some, but not all, practices have: filtering by it changes what is shown. */
async function someArea(request: APIRequestContext): Promise<PolicyArea> {
  const areas = (await (await request.get('/api/v1/policy-areas?lang=en')).json()) as PolicyArea[];
  const total = (await apiCollection(request, 'practices')).length;
  const area = [...areas].sort((a, b) => b.practice_count - a.practice_count).find((a) => a.practice_count > 0 && a.practice_count < total);
  if (!area) throw new Error('the data has no policy area that selects some practices');
  return area;
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('the map draws the cities the API lists in view', async ({ page, request }) => {
  const problems = watchProblems(page);
  await page.goto(`/?lang=en${VIEW}`);
  await waitForMapIdle(page);
  await waitForResults(page);

  const rendered = await renderedFeatures(page, LAYER.cities);
  expect(rendered.length, 'cities drawn on the map').toBeGreaterThan(0);

  const bounds = inset(await mapBounds(page), 0.01);
  const all = await apiCollection(request, 'cities');
  const expected = sorted(all.filter((c) => inside(bounds, c)).map((c) => c.slug));
  const drawn = sorted(rendered.filter((c) => inside(bounds, c)).map((c) => c.slug));
  expect(drawn).toEqual(expected);

  // The base map, which waits for the cities, follows: land, borders and place names.
  for (const layer of ['land', 'country-borders', 'place-labels']) {
    await expect.poll(() => renderedCount(page, layer), { message: `${layer} drawn` }).toBeGreaterThan(0);
  }

  // Unfiltered, the list holds every city.
  expect(sorted(await listedSlugs(page, 'city'))).toEqual(sorted(all.map((c) => c.slug)));
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'desk-map');
  expect(problems).toEqual([]);
});

test('choosing a policy area filters map and list to exactly the API answer', async ({ page, request }) => {
  const problems = watchProblems(page);
  const area = await someArea(request);
  await page.goto(`/?lang=en${VIEW}`);
  await waitForMapIdle(page);
  await waitForResults(page);
  const before = await renderedFeatures(page, LAYER.cities);

  await page.getByRole('checkbox', { name: area.label, exact: true }).check();
  await expect(page).toHaveURL(new RegExp(`[?&]area=${area.slug}(&|#|$)`));
  await waitForResults(page);
  await waitForMapIdle(page);

  const cities = await apiCollection(request, 'cities', { policy_area: area.slug });
  const practices = await apiCollection(request, 'practices', { policy_area: area.slug });

  // The list: exactly the API's cities, then (other tab) exactly its practices.
  expect(sorted(await listedSlugs(page, 'city'))).toEqual(sorted(cities.map((c) => c.slug)));
  await expect(page.locator('#filters-count')).toContainText(String(cities.length));
  await expect(page.locator('#filters-count')).toContainText(String(practices.length));
  await page.getByRole('button', { name: /^Practices/ }).click();
  expect(sorted(await listedSlugs(page, 'practice'))).toEqual(sorted(practices.map((p) => p.slug)));

  // The map: every drawn city is in the answer, and every answer in view is drawn.
  const rendered = await renderedFeatures(page, LAYER.cities);
  const answer = new Set(cities.map((c) => c.slug));
  expect(rendered.filter((c) => !answer.has(c.slug)).map((c) => c.slug), 'drawn but not in the API answer').toEqual([]);
  const bounds = inset(await mapBounds(page), 0.01);
  expect(sorted(rendered.filter((c) => inside(bounds, c)).map((c) => c.slug))).toEqual(sorted(cities.filter((c) => inside(bounds, c)).map((c) => c.slug)));
  expect(rendered.length).toBeLessThan(before.length);

  const drawnPractices = await renderedFeatures(page, LAYER.practices);
  const practiceAnswer = new Set(practices.map((p) => p.slug));
  expect(drawnPractices.filter((p) => !practiceAnswer.has(p.slug)).map((p) => p.slug)).toEqual([]);

  // One step clears every filter, without reloading the page.
  await page.evaluate(() => {
    (window as unknown as { __notReloaded: boolean }).__notReloaded = true;
  });
  await page.getByRole('button', { name: 'Clear all filters' }).click();
  await waitForResults(page);
  await expect(page).not.toHaveURL(/[?&]area=/);
  expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);

  expect(problems).toEqual([]);
});

test('the list is the accessible equivalent of the map', async ({ page, request }) => {
  await page.goto(`/?lang=en${VIEW}`);
  await waitForResults(page);
  const table = page.getByRole('table', { name: 'Cities matching the filters' });
  await expect(table).toBeVisible();

  // Sortable: by name ascending first, then descending.
  const nameHeader = table.getByRole('columnheader', { name: /Name/ });
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');

  // Keyboard: arrow keys move between rows, Enter opens the city's panel.
  const links = table.locator('.row-link');
  await links.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(links.nth(1)).toBeFocused();
  const name = (await links.nth(1).textContent()) ?? '';
  await page.keyboard.press('Enter');
  await expect(page.locator('#detail-title')).toHaveText(name);
  await expect(page).toHaveURL(/[?&]city=/);

  // Same count as the API.
  const all = await apiCollection(request, 'cities');
  await expect(links).toHaveCount(all.length);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'desk-list');
});
