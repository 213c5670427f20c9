/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * City and practice panels, and the place search.
 */
import { expect, test } from '@playwright/test';
import { requireDataApi, screenshot, seriousViolations, waitForMapIdle, waitForResults, watchProblems } from './support';

interface CityDetail {
  properties: {
    name: string;
    memberships: { network: string; network_name: string }[];
    demands: { key: string }[];
    practices: { slug: string; title: string }[];
  };
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('opening a city shows its memberships, the eight demands and its practices', async ({ page, request }) => {
  // Two panels, two accessibility checks and two screenshots with the map drawn in software.
  test.slow();
  const problems = watchProblems(page);
  const city = ((await (await request.get('/api/v1/cities/koeln?lang=en')).json()) as CityDetail).properties;

  await page.goto('/?lang=en&city=koeln');
  const panel = page.locator('#detail');
  await expect(panel.locator('#detail-title')).toHaveText(city.name);

  const memberships = panel.locator('.memberships > li');
  await expect(memberships).toHaveCount(city.memberships.length);
  for (const m of city.memberships) await expect(panel.locator(`[data-network="${m.network}"]`)).toContainText(m.network_name);

  const demands = panel.getByRole('table').locator('tbody tr');
  await expect(demands).toHaveCount(8);
  expect(city.demands).toHaveLength(8);
  await expect(panel.getByRole('columnheader', { name: 'Decided' })).toBeVisible();
  await expect(panel.getByRole('columnheader', { name: 'As of' })).toBeVisible();

  await expect(panel.locator('.practices > li')).toHaveCount(city.practices.length);
  await expect(panel.getByRole('textbox', { name: 'Permanent link' })).toHaveValue(/\?city=koeln$/);
  await waitForMapIdle(page);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'desk-city');

  // A practice of the city opens in the same panel, with sources and their dates.
  const first = city.practices[0];
  if (first) {
    await panel.getByRole('link', { name: first.title }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]practice=${first.slug}`));
    await expect(panel.getByRole('heading', { name: 'Sources' })).toBeVisible();
    await expect(panel.locator('.sources > li').first()).toContainText('accessed');
    expect(await seriousViolations(page, '#detail')).toEqual([]);
    await screenshot(page, 'desk-practice');
    await page.goBack();
    await expect(panel.locator('#detail-title')).toHaveText(city.name);
  }

  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(page).not.toHaveURL(/[?&]city=/);
  expect(problems).toEqual([]);
});

test('a practice not in the interface language says which language it is shown in', async ({ page, request }) => {
  await page.goto('/?lang=es&practice=gdansk-immigrants-council');
  const response = await request.get('/api/v1/practices/gdansk-immigrants-council?lang=es');
  test.skip(response.status() !== 200, 'the bundled data has no gdansk-immigrants-council');
  const body = (await response.json()) as { properties: { title_lang: string } };
  test.skip(body.properties.title_lang === 'es', 'the practice has a Spanish title');
  await expect(page.locator('#detail .language-note').first()).toContainText('Se muestra en');
});

for (const query of ['Köln', 'koln']) {
  test(`searching "${query}" flies to Köln and opens it`, async ({ page }) => {
    await page.goto('/?lang=en');
    const box = page.getByRole('combobox', { name: 'Search places, practices and topics' });
    await box.fill(query);
    await expect(page.getByRole('option').first()).toContainText('Köln');
    await waitForMapIdle(page);
    // Count the camera's steps: this suite runs as a person who asked for reduced motion
    // (playwright.config.ts), for whom the map jumps to the city instead of flying there.
    await page.evaluate(() => {
      const counter = window as unknown as { cameraSteps: number };
      counter.cameraSteps = 0;
      window.__havenMap?.on('move', () => (counter.cameraSteps += 1));
    });
    await box.press('Enter');
    await expect(page.locator('#detail-title')).toHaveText('Köln');
    await expect(page).toHaveURL(/[?&]city=koeln/);
    await waitForMapIdle(page);
    const steps = await page.evaluate(() => (window as unknown as { cameraSteps: number }).cameraSteps);
    expect(steps, 'a jump, not a flight of many frames').toBeGreaterThan(0);
    expect(steps).toBeLessThanOrEqual(2);
    // Köln is in view and not under the panel.
    const spot = await page.evaluate(() => {
      const map = window.__havenMap;
      const panel = document.getElementById('detail')?.getBoundingClientRect();
      const canvas = map?.getCanvas().getBoundingClientRect();
      const point = map?.project([6.95, 50.94]);
      return { point, panelLeft: panel?.left ?? 0, canvasLeft: canvas?.left ?? 0, height: canvas?.height ?? 0, zoom: map?.getZoom() ?? 0 };
    });
    expect(spot.zoom).toBeGreaterThanOrEqual(8);
    expect(spot.point?.x ?? -1).toBeGreaterThan(0);
    expect(spot.canvasLeft + (spot.point?.x ?? 0)).toBeLessThan(spot.panelLeft);
    expect(spot.point?.y ?? -1).toBeGreaterThan(0);
    expect(spot.point?.y ?? 0).toBeLessThan(spot.height);
  });
}

test('searching a place that is not listed says so and offers to suggest it', async ({ page, request }) => {
  const places = (await (await request.get('/api/v1/places?q=Dinslaken')).json()) as { name: string; city_slug: string | null }[];
  const dinslaken = places.find((p) => p.name === 'Dinslaken');
  expect(dinslaken, 'the gazetteer knows Dinslaken').toBeTruthy();
  await page.goto('/?lang=en');
  await page.getByRole('combobox', { name: 'Search places, practices and topics' }).fill('Dinslaken');
  await page.getByRole('option', { name: /Dinslaken/ }).first().click();
  if (dinslaken?.city_slug) {
    await expect(page.locator('#detail-title')).toHaveText('Dinslaken');
    return;
  }
  await expect(page.locator('#detail')).toContainText('Dinslaken is not listed on Haven yet.');
  await page.getByRole('button', { name: 'Suggest it' }).click();
  await expect(page.locator('#detail-title')).toHaveText('Suggest Dinslaken');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'desk-suggest');
});

test('a city with no network membership is never called a member of other networks', async ({ page, request }) => {
  const body = (await (await request.get('/api/v1/cities?limit=1000')).json()) as { features: { properties: { slug: string; networks: string[] } }[] };
  const without = body.features.filter((f) => f.properties.networks.length === 0).map((f) => f.properties.slug);
  expect(without, 'the bundled data lists cities for their practices alone').toContain('altena');

  await page.goto('/?lang=en&city=altena#map=8/51.3/7.67');
  const panel = page.locator('#detail');
  await expect(panel.locator('#detail-title')).toHaveText('Altena');
  await expect(panel.locator('.category')).toHaveText('Local practices; no network membership recorded');
  await expect(panel).not.toContainText('Member of other city networks');
  await expect(panel).toContainText('No network membership recorded.');
  // The legend explains the category the map draws it in.
  await expect(page.locator('#legend')).toContainText('Local practices; no network membership recorded');
  await waitForMapIdle(page);
  const drawn = await page.evaluate(() =>
    window.__havenMap?.queryRenderedFeatures({ layers: ['haven-cities'] }).find((f) => f.properties.slug === 'altena')?.properties.category,
  );
  expect(drawn).toBe('no_network');

  // In the list, every such city says so too.
  await page.goto('/?lang=en');
  const rows = page.locator('#results tbody tr');
  await expect(rows.first()).toBeVisible();
  const statuses = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({ slug: new URL((tr.querySelector('a') as HTMLAnchorElement).href).searchParams.get('city'), status: tr.querySelectorAll('td')[1]?.textContent })),
  );
  for (const slug of without) expect(statuses.find((s) => s.slug === slug)?.status, slug).toBe('No network');
});

test('the map goes to a listed city at once, and a late answer does not take it from where the person went', async ({ page }) => {
  await page.goto('/?lang=en#map=5/50/9');
  await waitForResults(page);
  await waitForMapIdle(page);
  const view = () => page.evaluate(() => ({ zoom: window.__havenMap?.getZoom() ?? 0, lon: window.__havenMap?.getCenter().lng ?? 0, lat: window.__havenMap?.getCenter().lat ?? 0 }));

  // A listed city: its point is known before its answer arrives, and the map sets off at once.
  let releaseCity = (): void => undefined;
  const cityHeld = new Promise<void>((resolve) => {
    releaseCity = resolve;
  });
  await page.route(/\/api\/v1\/cities\/[^/?]+(\?|$)/, async (route) => {
    await cityHeld;
    await route.continue();
  });
  await page.locator('#results .row-link').first().click();
  await expect.poll(async () => (await view()).zoom, { timeout: 15_000 }).toBeGreaterThan(8);
  releaseCity();
  await expect(page.locator('#detail #permalink')).toBeVisible();

  // A practice: its point comes with the answer. The person moves the map while it is on its
  // way, and the map stays where they went.
  let releasePractice = (): void => undefined;
  const practiceHeld = new Promise<void>((resolve) => {
    releasePractice = resolve;
  });
  await page.route(/\/api\/v1\/practices\/[^/?]+(\?|$)/, async (route) => {
    await practiceHeld;
    await route.continue();
  });
  await page.getByRole('button', { name: /^Practices/ }).click();
  await page.locator('#results .row-link').first().click();
  await expect(page.locator('#detail-title')).not.toHaveText('Loading…');
  await page.evaluate(() => {
    window.__havenMap?.jumpTo({ center: [-3.7, 40.4], zoom: 6 });
  });
  await waitForMapIdle(page);
  releasePractice();
  await expect(page.locator('#detail #permalink')).toBeVisible();
  await waitForMapIdle(page);
  const after = await view();
  expect(after.zoom).toBeCloseTo(6, 1);
  expect(after.lon).toBeCloseTo(-3.7, 1);
  expect(after.lat).toBeCloseTo(40.4, 1);
  await expect(page).toHaveURL(/#map=6\/40\.4\/-3\.7/);
  await expect(page).toHaveURL(/[?&]practice=/);
});
