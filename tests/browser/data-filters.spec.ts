/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * What the map counts agrees with what the API matches, for a filter and a view: the clusters
 * drawn at low zoom carry the filtered counts, however the filter was set.
 */
import { type APIRequestContext, type Page, expect, test } from '@playwright/test';
import { LAYER, requireDataApi, screenshot, seriousViolations, waitForMapIdle, waitForResults, watchProblems } from './support';

/** Views at zoom 3 to 5 over Europe, where the bundled data has its cities. */
const VIEWS = ['#map=3/50/12', '#map=4/53/10', '#map=5/51/9'] as const;

interface Collection {
  numberMatched: number;
}

/**
 * What the map drew for the cities, counted, and what the API matches for `query` in the
 * same place. The place is the view shrunk to the tiles' cluster grid (16 px cells at an
 * integer zoom), so that no cluster reaches over its edge: a cluster counts its cities, a
 * city one, a feature in two tiles' buffers once (by its id).
 */
async function drawnAndMatched(page: Page, request: APIRequestContext, query: string): Promise<{ drawn: number; matched: number }> {
  const { drawn, bbox } = await page.evaluate(
    (layers) => {
      const map = window.__havenMap;
      if (!map) throw new Error('no map');
      const world = 512 * 2 ** Math.round(map.getZoom());
      const cell = 16;
      const b = map.getBounds();
      const x = (lon: number): number => ((lon + 180) / 360) * world;
      const y = (lat: number): number => ((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * world;
      const lon = (px: number): number => (px / world) * 360 - 180;
      const lat = (py: number): number => (Math.atan(Math.sinh(Math.PI - (2 * Math.PI * py) / world)) * 180) / Math.PI;
      const west = lon(Math.ceil(x(b.getWest()) / cell) * cell);
      const east = lon(Math.floor(x(b.getEast()) / cell) * cell);
      const north = lat(Math.ceil(y(b.getNorth()) / cell) * cell);
      const south = lat(Math.floor(y(b.getSouth()) / cell) * cell);
      const counts = new Map<string, number>();
      for (const f of map.queryRenderedFeatures({ layers })) {
        const [flon, flat] = f.geometry.coordinates as [number, number];
        if (flon < west || flon > east || flat < south || flat > north) continue;
        counts.set(String(f.id ?? f.properties.slug), f.properties.cluster === true ? Number(f.properties.count) : 1);
      }
      return { drawn: [...counts.values()].reduce((sum, n) => sum + n, 0), bbox: [west, south, east, north].map((n) => n.toFixed(6)).join(',') };
    },
    [LAYER.clusters, LAYER.cities],
  );
  const answer = (await (await request.get(`/api/v1/cities?${query}&bbox=${bbox}&limit=1`)).json()) as Collection;
  return { drawn, matched: answer.numberMatched };
}

/** Asserts that the drawn counts equal the API's numberMatched (polling while tiles replace each other). */
async function expectCountsAgree(page: Page, request: APIRequestContext, query: string, message: string): Promise<void> {
  await expect
    .poll(async () => {
      const { drawn, matched } = await drawnAndMatched(page, request, query);
      return drawn === matched && matched > 0 ? 'agree' : `drawn ${drawn}, matched ${matched}`;
    }, { message })
    .toBe('agree');
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('opened with a filter, the clusters at zoom 3 to 5 count exactly the matching cities', async ({ page, request }) => {
  const problems = watchProblems(page);
  for (const view of VIEWS) {
    await page.goto(`/?lang=en&area=housing${view}`);
    await waitForResults(page);
    await waitForMapIdle(page);
    await expectCountsAgree(page, request, 'policy_area=housing', `${view}: drawn counts`);
  }
  await screenshot(page, 'desk-filter-clusters');
  expect(problems).toEqual([]);
});

test('ticking and unticking a filter redraws the clusters with its counts', async ({ page, request }) => {
  const problems = watchProblems(page);
  await page.goto(`/?lang=en${VIEWS[0]}`);
  await waitForResults(page);
  await waitForMapIdle(page);
  await expectCountsAgree(page, request, 'lang=en', 'unfiltered counts');

  await page.getByRole('checkbox', { name: 'Housing', exact: true }).check();
  await waitForResults(page);
  await expectCountsAgree(page, request, 'policy_area=housing', 'filtered counts');

  await page.getByRole('checkbox', { name: 'Housing', exact: true }).uncheck();
  await waitForResults(page);
  await expectCountsAgree(page, request, 'lang=en', 'unfiltered counts again');
  expect(problems).toEqual([]);
});

test('two ticked areas say how they combine, and "all of them" narrows list, counts and map alike', async ({ page, request }) => {
  const problems = watchProblems(page);
  await page.goto(`/?lang=en&area=housing,reception${VIEWS[1]}`);
  await waitForResults(page);
  const any = page.getByRole('radio', { name: 'results in any of them' });
  const all = page.getByRole('radio', { name: 'results in all of them' });
  await expect(page.getByRole('group', { name: 'With several areas ticked, show' })).toBeVisible();
  await expect(any).toBeChecked();

  const counts = async (query: string): Promise<[number, number]> => {
    const number = async (path: string): Promise<number> => ((await (await request.get(`/api/v1/${path}?${query}&limit=1`)).json()) as Collection).numberMatched;
    return [await number('cities'), await number('practices')];
  };
  const [anyCities, anyPractices] = await counts('policy_area=housing,reception');
  const [allCities, allPractices] = await counts('policy_area=housing,reception&policy_area_match=all');
  expect(allPractices, 'all of two areas is narrower than any of them').toBeLessThan(anyPractices);
  expect(allPractices).toBeGreaterThan(0);
  await expect(page.locator('#filters-count')).toHaveText(`Matching — cities: ${anyCities}, practices: ${anyPractices}`);

  await all.check();
  await expect(page).toHaveURL(/[?&]area_match=all/);
  await waitForResults(page);
  await expect(page.locator('#filters-count')).toHaveText(`Matching — cities: ${allCities}, practices: ${allPractices}`);
  await waitForMapIdle(page);
  // The tiles take the same parameter: the clusters count what the API matches.
  const query = 'policy_area=housing,reception&policy_area_match=all';
  await expectCountsAgree(page, request, query, 'all-of counts');
  const tileRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/tiles/cities/')) tileRequests.push(r.url());
  });
  await page.reload();
  await waitForMapIdle(page);
  expect(tileRequests.length).toBeGreaterThan(0);
  for (const url of tileRequests) expect(url).toContain('policy_area=housing,reception&policy_area_match=all');
  await expect(all).toBeChecked();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'desk-filter-all-of');
  expect(problems).toEqual([]);
});
