/**
 * The interface itself: language, and what happens when the API is down. These need no
 * data: the API answers are replaced where a test needs a particular answer.
 */
import { expect, test } from '@playwright/test';
import { seriousViolations } from './support';

test.describe('with a German browser', () => {
  test.use({ locale: 'de-DE' });

  test('the interface follows the browser language, and the switch changes it', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.locator('#app-tagline')).toHaveText('Karte der solidarischen Städte');
    await expect(page.getByRole('combobox', { name: 'Orte, Praktiken und Themen suchen' })).toBeVisible();

    await page.getByRole('combobox', { name: 'Sprache' }).selectOption('fr');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page.locator('#app-tagline')).toHaveText('Carte des villes accueillantes');
    await expect(page.getByRole('heading', { name: 'Filtres' })).toBeVisible();
    await expect(page.locator('#legend summary')).toHaveText('Légende');
    await expect(page).toHaveURL(/[?&]lang=fr/);

    // The choice is part of the link: a reload keeps French over the browser's German.
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await page.getByRole('combobox', { name: 'Langue' }).selectOption('es');
    await expect(page.locator('#app-tagline')).toHaveText('Mapa de ciudades acogedoras');
  });
});

test('when the API is down the page says so and offers to try again', async ({ page }) => {
  await page.route('**/api/v1/**', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }),
    }),
  );
  await page.goto('/?lang=en');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The map data could not be loaded');
  await expect(alert).toContainText('503');
  await expect(alert.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expect(page.locator('canvas.maplibregl-canvas')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('API text is shown as text, never as markup', async ({ page }) => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  await page.route('**/api/v1/cities/evil*', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/geo+json',
      body: JSON.stringify({
        type: 'Feature',
        id: 'evil',
        geometry: { type: 'Point', coordinates: [10, 50] },
        properties: {
          slug: 'evil',
          name: evil,
          country: 'DE',
          networks: [],
          memberships: [{ network: 'x', network_name: evil, evidence_url: 'javascript:alert(1)' }],
          demands: [],
          practices: [],
        },
      }),
    }),
  );
  await page.goto('/?lang=en&city=evil');
  await expect(page.locator('#detail-title')).toHaveText(evil);
  await expect(page.locator('#detail img')).toHaveCount(0);
  await expect(page.locator('#detail a[href^="javascript:"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});
