import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

const SCREENSHOT = fileURLToPath(new URL('../../target/screenshots/map-desk.png', import.meta.url));

test('the map page renders a MapLibre map, cleanly and accessibly', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });

  await page.goto('/');

  await expect(page).toHaveTitle('Haven');
  await expect(page.locator('html')).toHaveAttribute('lang', /^(de|en|fr|es)$/);
  await expect(page.getByRole('banner')).toContainText('Haven');

  // The map has loaded its style and sources and stopped moving: MapLibre's `idle` state.
  // On timeout, say what went wrong on the page rather than only that we waited.
  await page
    .waitForFunction(
      () => {
        const map = window.__havenMap;
        return map !== undefined && map.loaded() && map.areTilesLoaded() && !map.isMoving();
      },
      null,
      { timeout: 30_000 },
    )
    .catch((error: unknown) => {
      throw new Error(`map never became idle; page problems: ${JSON.stringify(problems, null, 2)}`, { cause: error });
    });

  const canvas = page.locator('canvas.maplibregl-canvas');
  await expect(canvas).toBeVisible();
  const box = await canvas.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(0);
  expect(box?.height ?? 0).toBeGreaterThan(0);

  // WebGL really draws: read the centre pixel inside a render frame (before the buffer is
  // presented and cleared) and expect the style's opaque background, not transparent black.
  const pixel = await page.evaluate(
    () =>
      new Promise<number[]>((resolve, reject) => {
        const map = window.__havenMap;
        if (!map) {
          reject(new Error('no map'));
          return;
        }
        map.once('render', () => {
          const canvasElement = map.getCanvas();
          const gl = canvasElement.getContext('webgl2') ?? canvasElement.getContext('webgl');
          if (!gl) {
            reject(new Error('no WebGL context'));
            return;
          }
          const out = new Uint8Array(4);
          gl.readPixels(gl.drawingBufferWidth >> 1, gl.drawingBufferHeight >> 1, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, out);
          resolve(Array.from(out));
        });
        map.triggerRepaint();
      }),
  );
  expect(pixel[3], `centre pixel ${pixel.join(',')}`).toBe(255);
  expect(pixel.slice(0, 3).reduce((a, b) => a + b, 0), `centre pixel ${pixel.join(',')}`).toBeGreaterThan(0);

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, 'serious or critical accessibility violations').toEqual([]);

  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  expect(problems, 'console errors and failed requests').toEqual([]);
});
