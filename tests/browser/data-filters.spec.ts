/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * What the map counts agrees with what the API matches, for a filter and a view: the clusters
 * drawn at low zoom carry the filtered counts, however the filter was set.
 */
import { type APIRequestContext, type Page, expect, test } from '@playwright/test';
import { LAYER, requireDataApi, screenshot, seriousViolations, waitForMapIdle, waitForResults, watchProblems } from './support';

/** Views at zoom 3 to 5 over Europe, where the bundled data has its cities. */
const VIEWS = ['#map=3/50/12', '#map=4/53/10', '#map=5/51/9'] as const;

/** Pixels around the edges in which no matching city may lie (a circle there is half drawn). */
const EDGE_PX = 40;

/**
 * The sum of the counts of the city features the map drew: a cluster counts its cities, a
 * city counts one. A feature in two tiles' buffers is counted once (by its id).
 */
async function drawnCount(page: Page): Promise<number> {
  return page.evaluate(
    (layers) => {
      const map = window.__havenMap;
      if (!map) throw new Error('no map');
      const counts = new Map<string, number>();
      for (const f of map.queryRenderedFeatures({ layers })) {
        counts.set(String(f.id ?? f.properties.slug), f.properties.cluster === true ? Number(f.properties.count) : 1);
      }
      return [...counts.values()].reduce((sum, n) => sum + n, 0);
    },
    [LAYER.clusters, LAYER.cities],
  );
}

interface Collection {
  numberMatched: number;
  features: { geometry: { coordinates: [number, number] } }[];
}

/** The API's numberMatched of cities for `query` in the map's current view, and where they are on screen. */
async function matchedInView(page: Page, request: APIRequestContext, query: string): Promise<number> {
  const bounds = await page.evaluate(() => {
    const b = window.__havenMap?.getBounds();
    if (!b) throw new Error('no map');
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(5)).join(',');
  });
  const inView = (await (await request.get(`/api/v1/cities?${query}&bbox=${bounds}&limit=1`)).json()) as Collection;
  // No matching city lies on the edge, where a half-drawn circle or a cluster reaching over
  // the edge would make the comparison meaningless.
  const all = (await (await request.get(`/api/v1/cities?${query}&limit=1000`)).json()) as Collection;
  const onEdge = await page.evaluate(
    ({ points, edge }) => {
      const map = window.__havenMap;
      if (!map) throw new Error('no map');
      const { width, height } = map.getCanvas().getBoundingClientRect();
      return points.filter((p) => {
        const { x, y } = map.project(p);
        const near = (v: number, max: number): boolean => Math.abs(v) < edge || Math.abs(v - max) < edge;
        return (near(x, width) && y > -edge && y < height + edge) || (near(y, height) && x > -edge && x < width + edge);
      });
    },
    { points: all.features.map((f) => f.geometry.coordinates), edge: EDGE_PX },
  );
  expect(onEdge, 'a matching city lies on the edge of the view; choose another view').toEqual([]);
  return inView.numberMatched;
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
    const matched = await matchedInView(page, request, 'policy_area=housing');
    expect(matched, `${view}: some cities match`).toBeGreaterThan(0);
    expect(await drawnCount(page), `${view}: drawn counts`).toBe(matched);
  }
  await screenshot(page, 'desk-filter-clusters');
  expect(problems).toEqual([]);
});

test('ticking and unticking a filter redraws the clusters with its counts', async ({ page, request }) => {
  const problems = watchProblems(page);
  await page.goto(`/?lang=en${VIEWS[0]}`);
  await waitForResults(page);
  await waitForMapIdle(page);
  expect(await drawnCount(page)).toBe(await matchedInView(page, request, 'lang=en'));

  await page.getByRole('checkbox', { name: 'Housing', exact: true }).check();
  await waitForResults(page);
  await expect.poll(() => drawnCount(page), { message: 'filtered counts' }).toBe(await matchedInView(page, request, 'policy_area=housing'));
  await waitForMapIdle(page);
  expect(await drawnCount(page)).toBe(await matchedInView(page, request, 'policy_area=housing'));

  await page.getByRole('checkbox', { name: 'Housing', exact: true }).uncheck();
  await waitForResults(page);
  await expect.poll(() => drawnCount(page), { message: 'unfiltered counts' }).toBe(await matchedInView(page, request, 'lang=en'));
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
  await expect.poll(() => drawnCount(page)).toBe(await matchedInView(page, request, query));
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
