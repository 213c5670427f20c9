// Time to first features: how long after navigation a person sees cities on the map.
//
//   node bench/browser/first-features.mjs <haven-url> [runs]
//
// Each run opens a fresh browser context (an empty HTTP cache, like a first visit) in Debian's
// Chromium, waits until the browser is idle (idle.mjs: a new context is a new window, which
// Chromium builds for ~2 s), navigates, and records `performance.now()` (milliseconds since
// navigation start) at the first animation frame in which the map has drawn at least one city.
// Then the same page is visited again in a new tab of the same context (a repeat visit: the
// HTTP cache holds what the first visit was allowed to keep). The pages are measured
// alternately in the same run, so the machine's noise hits them alike:
//
// - `haven`: the Haven client (`/?lang=en#map=5/51/10`) on Haven's vector tiles;
// - `embed`: the embeddable map other sites frame (`/embed?lang=en#map=5/51/10`), the same
//   client without its chrome;
// - `peer`: the plain way to put the same cities on a map: one page with MapLibre alone, the
//   same basemap (Haven's style without its data layers) and the cities as one GeoJSON
//   document (`/api/v1/cities?limit=1000`) drawn as circles, at the same view.
//
// Both pages are served by the same Haven; the peer page and MapLibre's module files are
// answered by the browser harness (`/__peer/...`), and that route is installed for both pages
// so both run under the same conditions. Prints one JSON line per run and a Markdown summary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserIdle } from './idle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'tests', 'browser', 'package.json'));
const { chromium } = require('@playwright/test');
const CHROMIUM_ARGS = JSON.parse(readFileSync(join(root, 'tests', 'browser', 'chromium-args.json'), 'utf8'));

const base = (process.argv[2] ?? 'http://127.0.0.1:18095').replace(/\/$/, '');
const runs = Number(process.argv[3] ?? 15);
const maplibre = join(root, 'map-client', 'node_modules', 'maplibre-gl', 'dist');

const PEER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Peer: MapLibre + GeoJSON</title>
<link rel="stylesheet" href="/__peer/maplibre-gl.css">
<style>html, body, #map { margin: 0; height: 100%; }</style></head>
<body><div id="map"></div>
<script type="module">
import { Map } from '/__peer/maplibre-gl.mjs';
const style = await (await fetch('/style.json')).json();
style.layers = style.layers.filter((layer) => layer.source === undefined || layer.source === 'basemap');
for (const id of Object.keys(style.sources)) if (id !== 'basemap') delete style.sources[id];
const map = new Map({ container: 'map', style, center: [10, 51], zoom: 5 });
window.__firstFeaturesMap = map;
window.__firstFeaturesLayer = 'peer-cities';
map.on('load', async () => {
  const data = await (await fetch('/api/v1/cities?limit=1000')).json();
  map.addSource('peer-cities', { type: 'geojson', data });
  map.addLayer({ id: 'peer-cities', type: 'circle', source: 'peer-cities',
    paint: { 'circle-radius': 5, 'circle-color': '#0b4f8a' } });
});
</script></body></html>`;

/** Runs in the page before its scripts: marks the first frame with a city drawn. */
function watchFirstFeatures() {
  const check = () => {
    const map = window.__firstFeaturesMap ?? window.__havenMap;
    const layer = window.__firstFeaturesLayer ?? 'haven-cities';
    try {
      if (map?.getLayer(layer) && map.queryRenderedFeatures({ layers: [layer] }).length > 0) {
        window.__firstFeaturesAt = performance.now();
        // Told by a console message: waiting with `page.waitForFunction` would evaluate
        // Playwright's injected script in the page during the load (~60–180 ms of its main thread).
        console.info(`__firstFeaturesAt ${window.__firstFeaturesAt}`);
        return;
      }
    } catch {
      // The style is still loading.
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** Opens `url` in `page` and resolves with the moment its first city was drawn. */
async function firstFeatures(page, url) {
  const told = page.waitForEvent('console', { predicate: (message) => message.text().startsWith('__firstFeaturesAt '), timeout: 60_000 });
  await page.goto(url);
  return Number((await told).text().split(' ')[1]);
}

const files = {
  'maplibre-gl.mjs': 'text/javascript',
  'maplibre-gl-worker.mjs': 'text/javascript',
  'maplibre-gl.css': 'text/css',
};

async function measure(browser, which) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/__peer/**', (route) => {
    const name = new URL(route.request().url()).pathname.replace('/__peer/', '');
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: PEER_PAGE });
    const type = files[name];
    if (!type) return route.fulfill({ status: 404 });
    return route.fulfill({ contentType: type, body: readFileSync(join(maplibre, name)) });
  });
  await context.addInitScript(watchFirstFeatures);
  const page = await context.newPage();
  const url = {
    haven: `${base}/?lang=en#map=5/51/10`,
    embed: `${base}/embed?lang=en#map=5/51/10`,
    peer: `${base}/__peer/index.html`,
  }[which];
  await browserIdle();
  const ms = await firstFeatures(page, url);
  // Where the time went: the page's own scripts, the style, the first data (tile or GeoJSON).
  const phases = await page.evaluate(() => {
    const resources = performance.getEntriesByType('resource');
    const end = (test) => {
      const hit = resources.filter((r) => test(r.name)).map((r) => r.responseEnd);
      return hit.length > 0 ? Math.round(Math.min(...hit)) : null;
    };
    const [navigation] = performance.getEntriesByType('navigation');
    return {
      transferred: resources.reduce((sum, entry) => sum + entry.transferSize, 0),
      domReady: Math.round(navigation?.domContentLoadedEventEnd ?? 0),
      style: end((name) => name.endsWith('/style.json')),
      // The first tile of the cities (Haven), or the cities' GeoJSON (the peer).
      firstData: end((name) => name.includes('/tiles/cities/')) ?? end((name) => name.includes('/api/v1/cities')),
    };
  });
  // The repeat visit: a new tab, the same browser profile and HTTP cache.
  await page.close();
  const again = await context.newPage();
  await browserIdle();
  const repeat = await firstFeatures(again, url);
  await context.close();
  return { ms, repeat, ...phases };
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = { haven: [], embed: [], peer: [] };
// One untimed load of each warms the server's caches and the OS page cache.
await measure(browser, 'haven');
await measure(browser, 'embed');
await measure(browser, 'peer');
const orders = [['haven', 'embed', 'peer'], ['peer', 'haven', 'embed'], ['embed', 'peer', 'haven']];
for (let i = 0; i < runs; i += 1) {
  for (const which of orders[i % orders.length]) {
    const result = await measure(browser, which);
    results[which].push(result);
    console.log(JSON.stringify({ run: i + 1, page: which, ...result }));
  }
}
await browser.close();

const row = (which) => {
  const ms = results[which].map((r) => r.ms);
  const repeat = results[which].map((r) => r.repeat);
  const kb = results[which].map((r) => r.transferred / 1024);
  return {
    p50: quantile(ms, 0.5),
    p90: quantile(ms, 0.9),
    max: Math.max(...ms),
    repeatP50: quantile(repeat, 0.5),
    repeatP90: quantile(repeat, 0.9),
    kb: quantile(kb, 0.5),
  };
};
const haven = row('haven');
const embed = row('embed');
const peer = row('peer');
console.log(`\n| page | runs | p50 ms | p90 ms | max ms | repeat visit p50 / p90 ms | DOM ready p50 | style p50 | first data p50 | transferred KB (median) |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
for (const [name, which, r] of [
  ['Haven client (vector tiles)', 'haven', haven],
  ['Haven embeddable map (/embed)', 'embed', embed],
  ['peer: MapLibre + GeoJSON', 'peer', peer],
]) {
  const median = (key) => quantile(results[which].map((x) => x[key] ?? NaN), 0.5).toFixed(0);
  console.log(
    `| ${name} | ${runs} | ${r.p50.toFixed(0)} | ${r.p90.toFixed(0)} | ${r.max.toFixed(0)} | ${r.repeatP50.toFixed(0)} / ${r.repeatP90.toFixed(0)} | ${median('domReady')} | ${median('style')} | ${median('firstData')} | ${r.kb.toFixed(0)} |`,
  );
}
console.log(`\nHaven p50 / peer p50 = ${(haven.p50 / peer.p50).toFixed(2)}; goal: Haven p90 under 1500 ms: ${haven.p90 < 1500 ? 'met' : 'NOT met'}`);
console.log(`Embed p50 / peer p50 = ${(embed.p50 / peer.p50).toFixed(2)}; goal: embed p90 under 1500 ms: ${embed.p90 < 1500 ? 'met' : 'NOT met'}`);
for (const [name, r] of [['Haven', haven], ['Embed', embed]]) {
  console.log(`${name} repeat visit p90 ${r.repeatP90.toFixed(0)} ms; goal: under 1000 ms: ${r.repeatP90 < 1000 ? 'met' : 'NOT met'}`);
}
