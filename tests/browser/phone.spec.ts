/** The phone layout (375 px wide), without data: map first, list and filters one tap away. */
import { expect, test } from '@playwright/test';

test('on a phone the map fills the screen and the list and filters are one tap away', async ({ page }) => {
  await page.goto('/?lang=en');
  const map = page.locator('#map');
  await expect(map).toBeVisible();
  const box = await map.boundingBox();
  expect(box?.width).toBe(375);
  await expect(page.locator('#results')).toBeHidden();

  await page.getByRole('button', { name: 'List' }).click();
  await expect(page).toHaveURL(/[?&]show=list/);
  await expect(page.locator('#results')).toBeVisible();
  await expect(page.getByRole('button', { name: 'List' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await expect(page.locator('#results')).toBeHidden();
  await page.getByRole('button', { name: 'Filters' }).click();
  await expect(page.locator('#filters')).toBeVisible();
  const sheet = await page.locator('#sidebar').boundingBox();
  const viewport = page.viewportSize();
  expect((sheet?.y ?? 0) + (sheet?.height ?? 0)).toBeCloseTo(viewport?.height ?? 0, 0);
});
