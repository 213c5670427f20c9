/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * The phone layout with data: panels are bottom sheets, the list works, all accessible.
 */
import { expect, test } from '@playwright/test';
import { requireDataApi, screenshot, seriousViolations, waitForMapIdle, waitForResults } from './support';

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('on a phone a city opens as a bottom sheet over the map', async ({ page }) => {
  await page.goto('/?lang=en#map=5/51/10');
  await waitForMapIdle(page);
  await screenshot(page, 'phone-map');

  await page.getByRole('button', { name: 'List' }).click();
  await waitForResults(page);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'phone-list');

  await page.locator('#results .row-link').first().click();
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  const panel = page.locator('#detail');
  await expect(panel.getByRole('heading', { name: 'Networks' })).toBeVisible();
  const sheet = await panel.boundingBox();
  const viewport = page.viewportSize();
  expect(sheet?.width).toBe(viewport?.width);
  expect((sheet?.y ?? 0) + (sheet?.height ?? 0)).toBeCloseTo(viewport?.height ?? 0, 0);
  expect(sheet?.height ?? 0).toBeLessThan((viewport?.height ?? 0) * 0.7);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'phone-city');
});

test('on a phone the filter sheet shows its results, and the attribution is never covered', async ({ page }) => {
  await page.goto('/?lang=de#map=5/51/10');
  await waitForMapIdle(page);
  const attribution = page.locator('.maplibregl-ctrl-attrib');
  const legend = page.locator('#legend summary');
  await expect(legend).toBeVisible();
  expect(await page.locator('#legend').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  const overlaps = async (): Promise<boolean> => {
    const a = await attribution.boundingBox();
    const b = await page.locator('#legend').boundingBox();
    return !!a && !!b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  };
  expect(await overlaps(), 'legend over the attribution').toBe(false);

  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Wohnen', exact: true }).check();
  const show = page.getByRole('button', { name: /^\d+ Städte und \d+ Praktiken zeigen$/ });
  await expect(show).toBeVisible();
  await screenshot(page, 'phone-filters');
  await show.click();
  await expect(page).toHaveURL(/[?&]show=list/);
  await expect(page.locator('#results')).toBeVisible();
  // The list hides the map, not its attribution.
  await expect(attribution).toBeVisible();
  await expect(attribution).toContainText('GeoBasis-DE');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'phone-list-filtered');

  // A city's sheet leaves the attribution in view.
  await page.locator('#results .row-link').first().click();
  await page.getByRole('button', { name: 'Karte', exact: true }).click();
  await expect(page.locator('#detail')).toBeVisible();
  await expect(attribution).toBeInViewport();
  const sheet = await page.locator('#detail').boundingBox();
  const a = await attribution.boundingBox();
  expect(!!a && !!sheet && a.y + a.height <= sheet.y + 1, 'attribution above the sheet').toBe(true);
  await screenshot(page, 'phone-city-attribution');
});

test('on a phone skip links reach the list and the map', async ({ page }) => {
  await page.goto('/?lang=en');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the list of results' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the map' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('canvas.maplibregl-canvas')).toBeFocused();
});
