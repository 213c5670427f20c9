/**
 * Helpers the browser specs share: collecting page problems, waiting for the map to settle,
 * reading what the map really drew, asking the API directly, axe and screenshots.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { type APIRequestContext, type Page, expect } from '@playwright/test';

/** Haven's layer ids (map-client/src/map/layers.ts). */
export const LAYER = { cities: 'haven-cities', practices: 'haven-practices', clusters: 'haven-city-clusters' } as const;

/** Paths the data API, tiles and style live under: absent on a server without the data API. */
const DATA_PATHS = /\/(api\/v1|tiles|fonts)\/|\/style\.json/;

/** Whether the server has the read API (the data specs need it; map.spec.ts does not). */
export async function hasDataApi(request: APIRequestContext): Promise<boolean> {
  const response = await request.get('/api/v1/policy-areas');
  return response.ok();
}

/** Fails fast, with the reason, when the server has no data API. */
export async function requireDataApi(request: APIRequestContext): Promise<void> {
  const response = await request.get('/api/v1/policy-areas');
  expect(response.status(), 'these specs need Haven with the data API, tiles and imported data').toBe(200);
}

/**
 * Records console errors, page errors, failed requests and HTTP errors. With
 * `allowMissingData`, 404s of data paths are not problems (a server without the data API).
 */
export function watchProblems(page: Page, options: { allowMissingData?: boolean } = {}): string[] {
  const problems: string[] = [];
  const missingData = (url: string, status: number): boolean => options.allowMissingData === true && status === 404 && DATA_PATHS.test(url);
  const notFound = new Set<string>();
  page.on('response', (response) => {
    if (response.status() < 400) return;
    if (missingData(response.url(), response.status())) {
      notFound.add(response.url());
      return;
    }
    problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    // Chromium reports every failed fetch as a console error too.
    if (message.text().startsWith('Failed to load resource') && (notFound.has(url) || (options.allowMissingData === true && DATA_PATHS.test(url)))) return;
    problems.push(`console error: ${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? 'unknown';
    // Requests the app cancels on purpose (a newer filter, an aborted tile) are not failures.
    if (error === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.url()} (${error})`);
  });
  return problems;
}

/** Waits until MapLibre has loaded style and tiles and stopped moving. */
export async function waitForMapIdle(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const map = window.__havenMap;
      return map !== undefined && map.loaded() && map.areTilesLoaded() && !map.isMoving();
    },
    null,
    { timeout },
  );
  // One more frame so a just-applied filter is drawn before we query.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
}

/** Waits until the list shows results for the current filters. */
export async function waitForResults(page: Page): Promise<void> {
  await expect(page.locator('#results')).toHaveAttribute('data-results', 'ready');
}

export interface Located {
  readonly slug: string;
  readonly lon: number;
  readonly lat: number;
}

/** The (non-cluster) features a layer really drew, one per slug, with their positions. */
export async function renderedFeatures(page: Page, layer: string): Promise<Located[]> {
  return page.evaluate((id) => {
    const map = window.__havenMap;
    if (!map?.getLayer(id)) return [];
    const bySlug = new Map<string, { slug: string; lon: number; lat: number }>();
    for (const feature of map.queryRenderedFeatures({ layers: [id] })) {
      const slug = feature.properties.slug;
      if (feature.properties.cluster === true || typeof slug !== 'string') continue;
      const [lon, lat] = feature.geometry.coordinates as [number, number];
      bySlug.set(slug, { slug, lon, lat });
    }
    return [...bySlug.values()];
  }, layer);
}

/** How many features a layer (of any source, the base map's too) really drew. */
export async function renderedCount(page: Page, layer: string): Promise<number> {
  return page.evaluate((id) => {
    const map = window.__havenMap;
    if (!map?.getLayer(id)) return 0;
    return map.queryRenderedFeatures({ layers: [id] }).length;
  }, layer);
}

export interface Bounds {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

export async function mapBounds(page: Page): Promise<Bounds> {
  return page.evaluate(() => {
    const map = window.__havenMap;
    if (!map) throw new Error('no map');
    const b = map.getBounds();
    return { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
  });
}

/** The bounds shrunk by a fraction on every side: points near the edge are left out of comparisons. */
export function inset(bounds: Bounds, fraction: number): Bounds {
  const dx = (bounds.east - bounds.west) * fraction;
  const dy = (bounds.north - bounds.south) * fraction;
  return { west: bounds.west + dx, south: bounds.south + dy, east: bounds.east - dx, north: bounds.north - dy };
}

export function inside(bounds: Bounds, point: { lon: number; lat: number }): boolean {
  return point.lon >= bounds.west && point.lon <= bounds.east && point.lat >= bounds.south && point.lat <= bounds.north;
}

interface Collection {
  features: { id?: string; properties: { slug: string }; geometry: { coordinates: [number, number] } }[];
  links?: { rel: string; href: string }[];
  numberMatched?: number;
}

/** Every feature of an API collection (following `next` links), as slugs with positions. */
export async function apiCollection(request: APIRequestContext, path: string, params: Record<string, string> = {}): Promise<Located[]> {
  const query = new URLSearchParams({ limit: '1000', ...params });
  let url: string | null = `/api/v1/${path}?${query}`;
  const items: Located[] = [];
  while (url !== null) {
    const response = await request.get(url);
    expect(response.status(), url).toBe(200);
    const body = (await response.json()) as Collection;
    for (const f of body.features) items.push({ slug: f.properties.slug, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] });
    url = body.links?.find((l) => l.rel === 'next')?.href ?? null;
  }
  return items;
}

/** The slugs the list view links to (`?city=…` / `?practice=…` on each row). */
export async function listedSlugs(page: Page, kind: 'city' | 'practice'): Promise<string[]> {
  const hrefs = await page.locator('#results .row-link').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  return hrefs.map((href) => new URL(href).searchParams.get(kind)).filter((slug): slug is string => slug !== null);
}

/**
 * Serious and critical axe violations, readable; `include` limits the check to a part of the
 * page. axe runs in the page itself (injected by evaluation, which the page's CSP allows):
 * the pages under test have no frames, and @axe-core/playwright's frame-by-frame pipeline took
 * three to four times as long (23–31 s against 7 s on the map with its full list, 2 cores).
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const violations = await page.evaluate(
    async ({ source, include }) => {
      const global = window as unknown as { axe?: typeof axe };
      if (global.axe === undefined) (0, eval)(source);
      const loaded = global.axe;
      if (loaded === undefined) throw new Error('axe did not load');
      const context: axe.ElementContext = include === undefined ? document : { include: [include] };
      const results = await loaded.run(context, { resultTypes: ['violations'] });
      return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
    },
    { source: axe.source, include },
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact ?? ''}): ${v.help} — ${v.targets.join(', ')}`);
}

/** Saves a screenshot under target/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = fileURLToPath(new URL(`../../target/screenshots/${name}.png`, import.meta.url));
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
}

export const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Pages in a PDF, from its page tree (`/Type /Pages … /Count n`). */
export function pdfPageCount(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/g)].map((m) => Number(m[1]));
  const leaves = (text.match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;
  expect(counts.length, 'the PDF has a page tree').toBeGreaterThan(0);
  const total = Math.max(...counts);
  expect(leaves, 'page objects agree with the page tree').toBe(total);
  return total;
}
