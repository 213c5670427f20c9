import { expect, test } from '@playwright/test';
import { hasDataApi, screenshot, seriousViolations, waitForMapIdle, watchProblems } from './support';

// This spec needs no data: on a server without the data API it checks that the page still
// draws a map (with the fallback style) and says the data is missing instead of failing.

test('the map page renders a MapLibre map, cleanly and accessibly', async ({ page, request }) => {
  const withData = await hasDataApi(request);
  const problems = watchProblems(page, { allowMissingData: !withData });

  await page.goto('/');

  await expect(page).toHaveTitle('Haven');
  await expect(page.locator('html')).toHaveAttribute('lang', /^(de|en|fr|es)$/);
  await expect(page.getByRole('banner')).toContainText('Haven');

  // The map has loaded its style and sources and stopped moving: MapLibre's `idle` state.
  // On timeout, say what went wrong on the page rather than only that we waited.
  await waitForMapIdle(page)
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

  // Without the data API the page must say so, not show an empty map silently.
  if (!withData) await expect(page.getByRole('alert')).toBeVisible();

  expect(await seriousViolations(page), 'serious or critical accessibility violations').toEqual([]);
  await screenshot(page, withData ? 'desk-map' : 'desk-map-without-data');

  expect(problems, 'console errors and failed requests').toEqual([]);
});
