/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * The campaigner near Kempen: what is near a searched place (listed or not) or one's own
 * location, by distance with the kilometres shown, the filters applied, the 3 nearest per
 * chosen policy area, a pin, and a permalink; Back returns to where they came from.
 */
import { type APIRequestContext, type Page, expect, test } from '@playwright/test';
import { requireDataApi, screenshot, seriousViolations, waitForResults, watchProblems } from './support';

const BOX = { name: 'Search places, practices and topics' };

interface Practice {
  properties: { slug: string; policy_areas: string[]; distance_km: number };
}

/** The kilometres shown in a list of the near panel, in order. */
async function distances(page: Page, list: string): Promise<number[]> {
  const texts = await page.locator(`[data-nearest="${list}"] li .distance`).allTextContents();
  return texts.map((t) => Number(t.replace(/[^0-9.,]/g, '').replace(',', '.')));
}

/** The slugs of a list of the near panel, in order. */
async function listed(page: Page, list: string): Promise<string[]> {
  return page.locator(`[data-nearest="${list}"] li`).evaluateAll((items) => items.map((li) => li.getAttribute('data-slug') ?? ''));
}

async function nearest(request: APIRequestContext, query: string): Promise<string[]> {
  const body = (await (await request.get(`/api/v1/practices?${query}&lang=en`)).json()) as { features: Practice[] };
  return body.features.map((f) => f.properties.slug);
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('near Kempen: practices and cities by distance, 3 per chosen area, a pin, a permalink, Back', async ({ page, request, browser }) => {
  const problems = watchProblems(page);
  await page.goto('/?lang=en&area=housing,health');
  await waitForResults(page);
  await page.getByRole('combobox', BOX).fill('Kempen');
  await page.locator('#search-results [data-group="places"] [role="option"]').filter({ hasText: /^Kempen/ }).first().click();
  await expect(page.locator('#detail-title')).toHaveText('Kempen');
  await page.getByRole('button', { name: 'What is near Kempen?' }).click();
  await expect(page.locator('#detail-title')).toHaveText('Near Kempen');
  await expect(page).toHaveURL(/[?&]near=6\.42\d*,51\.38\d*/);
  await expect(page.locator('.haven-pin')).toBeVisible();

  // Nearest first, with the kilometres, and exactly the API's answer for the same filters.
  await expect(page.locator('[data-nearest="practices"] li').first()).toBeVisible();
  const km = await distances(page, 'practices');
  expect(km.length).toBeGreaterThan(1);
  expect([...km].sort((a, b) => a - b)).toEqual(km);
  const near = 'near=6.42196,51.38215&radius_km=20000';
  expect(await listed(page, 'practices')).toEqual(await nearest(request, `${near}&policy_area=health,housing&limit=10`));
  const cities = (await (await request.get(`/api/v1/cities?${near}&policy_area=health,housing&limit=10`)).json()) as { features: Practice[] };
  expect(await listed(page, 'cities')).toEqual(cities.features.map((f) => f.properties.slug));

  // The summary: the 3 nearest for each chosen area.
  await expect(page.getByRole('heading', { name: 'The 3 nearest for each chosen policy area' })).toBeVisible();
  for (const area of ['housing', 'health']) {
    expect(await listed(page, `area-${area}`)).toEqual(await nearest(request, `${near}&policy_area=${area}&limit=3`));
  }
  expect(await seriousViolations(page, '#detail')).toEqual([]);
  await screenshot(page, 'desk-near-kempen');

  // A permalink reopens the same view.
  const fresh = await browser.newPage();
  await fresh.goto(page.url());
  await expect(fresh.locator('#detail-title')).toHaveText('Near Kempen');
  await expect(fresh.locator('[data-nearest="area-housing"] li').first()).toBeVisible();
  await fresh.close();

  // Back: the city panel again, without the near view.
  await page.goBack();
  await expect(page.locator('#detail-title')).toHaveText('Kempen');
  await expect(page).not.toHaveURL(/[?&]near=/);
  await expect(page.locator('.haven-pin')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('an unlisted town gets a pin, its nearest Safe Harbours and the offer to suggest it', async ({ page, request }) => {
  const places = (await (await request.get('/api/v1/places?q=Kempenich')).json()) as { name: string; city_slug: string | null }[];
  test.skip(places.find((p) => p.name === 'Kempenich')?.city_slug !== null, 'Kempenich is listed in this data');
  await page.goto('/?lang=en');
  await page.getByRole('combobox', BOX).fill('Kempenich');
  await page.locator('#search-results [role="option"]').filter({ hasText: 'Kempenich' }).first().click();
  await expect(page.locator('#detail-title')).toHaveText('Near Kempenich');
  await expect(page.locator('#detail')).toContainText('Kempenich is not listed on Haven yet.');
  await expect(page.locator('.haven-pin')).toBeVisible();
  const harbours = page.locator('[data-nearest="safe-harbours"] li');
  await expect(harbours).toHaveCount(3);
  const km = await distances(page, 'safe-harbours');
  expect([...km].sort((a, b) => a - b)).toEqual(km);
  await page.getByRole('button', { name: 'Suggest it' }).click();
  await expect(page.locator('form[data-form="add-city"] input[name="payload.name"]')).toHaveValue('Kempenich');
});

test.describe('near me', () => {
  test.use({ geolocation: { longitude: 6.96, latitude: 50.94 }, permissions: ['geolocation'] });

  test('asks for the location only on click, then lists what is near it', async ({ page }) => {
    await page.addInitScript(() => {
      const geolocation = navigator.geolocation;
      const original = geolocation.getCurrentPosition.bind(geolocation);
      (window as unknown as { __asked: number }).__asked = 0;
      geolocation.getCurrentPosition = (...args: Parameters<Geolocation['getCurrentPosition']>) => {
        (window as unknown as { __asked: number }).__asked += 1;
        original(...args);
      };
    });
    await page.goto('/?lang=en');
    await expect(page.getByRole('button', { name: 'Near me' })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);
    await page.getByRole('button', { name: 'Near me' }).click();
    await expect(page.locator('#detail-title')).toHaveText('Near your location');
    expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(1);
    await expect(page).toHaveURL(/[?&]near=6\.96\d*,50\.94/);
    await expect(page.locator('[data-nearest="cities"] li').first()).toContainText('Köln');
  });
});
