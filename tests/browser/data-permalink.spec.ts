/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * A copied link reopens the same view: filters, open city, map position, language, mode.
 */
import { expect, test } from '@playwright/test';
import { listedSlugs, requireDataApi, waitForMapIdle, waitForResults } from './support';

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('a permalink restores filters, the open city, the map position and the language', async ({ page, browser }) => {
  await page.goto('/?lang=de#map=5/50/9');
  await waitForResults(page);
  const country = page.getByRole('combobox', { name: 'Land' });
  await country.selectOption('DE');
  await waitForResults(page);
  await page.locator('#results .row-link').first().click();
  await expect(page.locator('#detail-title')).not.toHaveText('Wird geladen …');
  const title = await page.locator('#detail-title').textContent();
  await page.evaluate(() => {
    window.__havenMap?.jumpTo({ center: [8.5, 50.1], zoom: 7.25 });
  });
  await waitForMapIdle(page);
  await expect(page).toHaveURL(/#map=7\.25\/50\.1\/8\.5/);
  const url = page.url();
  expect(url).toMatch(/[?&]country=DE/);
  expect(url).toMatch(/[?&]city=/);
  const listed = await listedSlugs(page, 'city');

  const fresh = await browser.newPage({ locale: 'en-GB' });
  await fresh.goto(url);
  await waitForResults(fresh);
  await expect(fresh.locator('html')).toHaveAttribute('lang', 'de');
  await expect(fresh.getByRole('combobox', { name: 'Land' })).toHaveValue('DE');
  await expect(fresh.locator('#detail-title')).toHaveText(title ?? '');
  expect(await listedSlugs(fresh, 'city')).toEqual(listed);
  await waitForMapIdle(fresh);
  const view = await fresh.evaluate(() => ({ zoom: window.__havenMap?.getZoom(), center: window.__havenMap?.getCenter() }));
  expect(view.zoom).toBeCloseTo(7.25, 1);
  expect(view.center?.lng).toBeCloseTo(8.5, 1);
  expect(view.center?.lat).toBeCloseTo(50.1, 1);
  await fresh.close();
});
