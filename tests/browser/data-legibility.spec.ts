/**
 * Needs Haven with the data API, tiles and the imported bundled data.
 * Legibility on a desk: dates said as each language says them, translated statuses, the
 * demands table inside the panel in every language, the attribution never covered, one name
 * per listed city, the legend out of the way.
 */
import { type Page, expect, test } from '@playwright/test';
import { requireDataApi, screenshot, seriousViolations, waitForMapIdle } from './support';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlap(a: Box | null, b: Box | null): boolean {
  if (!a || !b) return false;
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Whether the demands table is as wide as the panel allows, no cell cut. */
async function demandsFit(page: Page): Promise<{ table: number; panel: number; cut: string[] }> {
  return page.evaluate(() => {
    const panel = document.getElementById('detail');
    const table = panel?.querySelector<HTMLTableElement>('table.demands');
    if (!panel || !table) throw new Error('no demands table');
    const cut = [...table.querySelectorAll<HTMLElement>('th, td')].filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent ?? '');
    return { table: table.getBoundingClientRect().right, panel: panel.getBoundingClientRect().right - 1, cut };
  });
}

test.beforeEach(async ({ request }) => {
  await requireDataApi(request);
});

test('German dates, translated statuses and a demands table that fits in every language', async ({ page }) => {
  await page.goto('/?lang=de&city=kempen');
  const panel = page.locator('#detail');
  await expect(panel.locator('.memberships')).toBeVisible();
  // The membership was verified in a month: "im Juli 2020", never "am Juli 2020".
  await expect(panel.locator('.memberships')).toContainText('geprüft im Juli 2020');
  await expect(panel).not.toContainText('geprüft am Juli');
  // The status in German, not the source's English wording.
  await expect(panel.locator('.memberships')).toContainText('erklärt');
  await expect(panel.locator('.memberships')).not.toContainText('declared safe harbour');
  for (const lang of ['de', 'en', 'fr', 'es'] as const) {
    await page.goto(`/?lang=${lang}&city=hamburg`);
    await expect(panel.locator('table.demands tbody tr')).toHaveCount(8);
    const fit = await demandsFit(page);
    expect(fit.table, `${lang}: table inside the panel`).toBeLessThanOrEqual(fit.panel);
    expect(fit.cut, `${lang}: cut cells`).toEqual([]);
  }
  await screenshot(page, 'desk-city-es');
});

test('the attribution stays visible beside an open panel, and the legend starts folded', async ({ page }) => {
  await page.goto('/?lang=en&city=koeln');
  await expect(page.locator('#detail-title')).toHaveText('Köln');
  await waitForMapIdle(page);
  const attribution = page.locator('.maplibregl-ctrl-attrib');
  await expect(attribution).toBeVisible();
  expect(overlap(await attribution.boundingBox(), await page.locator('#detail').boundingBox()), 'attribution under the panel').toBe(false);
  await expect(attribution).toContainText('GeoBasis-DE');
  // On a 1280 × 800 screen the legend is folded, so it covers no land.
  expect(await page.locator('#legend').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  expect(await seriousViolations(page, '#detail')).toEqual([]);
  await screenshot(page, 'desk-city-attribution');
});

test('a listed city is named once: by Haven, not by the base map as well', async ({ page }) => {
  await page.goto('/?lang=de#map=9/51.33/6.56');
  await waitForMapIdle(page);
  const names = (layer: string): Promise<string[]> =>
    page.evaluate((id) => (window.__havenMap?.queryRenderedFeatures({ layers: [id] }) ?? []).map((f) => String(f.properties.name)), layer);
  await expect.poll(() => names('haven-city-labels')).toContain('Krefeld');
  expect(await names('place-labels')).not.toContain('Krefeld');
  // Places that are not listed keep their base map label.
  expect((await names('place-labels')).length).toBeGreaterThan(0);
  await screenshot(page, 'desk-labels-krefeld');
});

test('the site links lead to the pages about Haven, its data and APIs', async ({ page }) => {
  await page.goto('/?lang=de');
  const links = page.getByRole('navigation', { name: 'Über Haven' });
  await expect(links.getByRole('link', { name: 'Über Haven' })).toHaveAttribute('href', /\/de\/about$/);
  await expect(links.getByRole('link', { name: 'Daten & API' })).toHaveAttribute('href', /\/de\/data$/);
  await expect(links.getByRole('link', { name: 'API-Referenz' })).toHaveAttribute('href', /\/api\/docs$/);
  await expect(links.getByRole('link', { name: 'OGC API - Features' })).toHaveAttribute('href', /\/ogc$/);
});
