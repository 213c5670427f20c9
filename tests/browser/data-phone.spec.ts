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
  await page.getByRole('button', { name: 'Map' }).click();
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
