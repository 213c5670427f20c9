// Interactions: how long after a click a person sees its answer.
//
//   node bench/browser/interactions.mjs <haven-url> [runs]
//
// Each run opens a fresh browser context in Debian's Chromium at 1280×800, loads the page
// (`#map=5/51/10`), waits until the map and the list are settled, then times two clicks from
// the click's own timestamp (`performance.now()` in a capturing listener) to the first
// animation frame that shows their answer:
//
// - filter: ticking the policy area "Housing" — `list` when the list and its count show the
//   filtered results, `map` when every city tile in view is the filtered one and drawn (the
//   cluster counts are the filter's);
// - panel: clicking the first city of the list — when its panel shows the city's facts.
//
// Same-run peer, loaded alternately: the plain way to do the same with MapLibre alone, the
// same basemap and cities as one GeoJSON source: the filter fetches
// `/api/v1/cities?policy_area=housing&limit=1000`, replaces the source's data and redraws a
// plain list; the panel fetches `/api/v1/cities/{slug}` and writes its facts into a div.
// Prints one JSON line per run and a Markdown summary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'tests', 'browser', 'package.json'));
const { chromium } = require('@playwright/test');
const CHROMIUM_ARGS = JSON.parse(readFileSync(join(root, 'tests', 'browser', 'chromium-args.json'), 'utf8'));

const base = (process.argv[2] ?? 'http://127.0.0.1:18095').replace(/\/$/, '');
const runs = Number(process.argv[3] ?? 10);
const maplibre = join(root, 'map-client', 'node_modules', 'maplibre-gl', 'dist');

const PEER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Peer: MapLibre + GeoJSON</title>
<link rel="stylesheet" href="/__peer/maplibre-gl.css">
<style>body { margin: 0; display: grid; grid-template-columns: 26rem 1fr 25rem; height: 100vh; }
#list { overflow: auto; } #map { height: 100%; } #panel { overflow: auto; }</style></head>
<body><div id="list"><label><input type="checkbox" id="housing"> Housing</label><p id="count"></p><ul id="rows"></ul></div>
<div id="map"></div><div id="panel"></div>
<script type="module">
import { Map } from '/__peer/maplibre-gl.mjs';
const style = await (await fetch('/style.json')).json();
style.layers = style.layers.filter((layer) => layer.source === undefined || layer.source === 'basemap');
for (const id of Object.keys(style.sources)) if (id !== 'basemap') delete style.sources[id];
const map = new Map({ container: 'map', style, center: [10, 51], zoom: 5 });
window.__peerMap = map;
const list = (data) => {
  document.getElementById('count').textContent = data.numberMatched + ' cities';
  document.getElementById('rows').replaceChildren(...data.features.map((f) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#'; a.textContent = f.properties.name; a.dataset.slug = f.properties.slug;
    a.className = 'row-link';
    a.addEventListener('click', async (event) => {
      event.preventDefault();
      const city = await (await fetch('/api/v1/cities/' + f.properties.slug + '?lang=en')).json();
      const p = city.properties;
      const panel = document.getElementById('panel');
      panel.replaceChildren(...[p.name, p.country_name, String(p.population), ...p.memberships.map((m) => m.network_name)].map((text) => {
        const div = document.createElement('div'); div.textContent = text; return div;
      }));
      panel.dataset.slug = p.slug;
    });
    li.append(a);
    return li;
  }));
};
map.on('load', async () => {
  const data = await (await fetch('/api/v1/cities?limit=1000')).json();
  map.addSource('peer-cities', { type: 'geojson', data });
  map.addLayer({ id: 'peer-cities', type: 'circle', source: 'peer-cities', paint: { 'circle-radius': 5, 'circle-color': '#0b4f8a' } });
  list(data);
  document.getElementById('housing').addEventListener('change', async (event) => {
    const query = event.target.checked ? '&policy_area=housing' : '';
    const filtered = await (await fetch('/api/v1/cities?limit=1000' + query)).json();
    map.getSource('peer-cities').setData(filtered);
    list(filtered);
    window.__peerFiltered = filtered.numberMatched;
  });
  window.__peerReady = true;
});
</script></body></html>`;

const files = {
  'maplibre-gl.mjs': 'text/javascript',
  'maplibre-gl-worker.mjs': 'text/javascript',
  'maplibre-gl.css': 'text/css',
};

/** Runs in the page: the time of the last click, from its event. */
function watchClicks() {
  window.addEventListener('click', (event) => {
    window.__clickAt = event.timeStamp;
  }, true);
  window.addEventListener('change', (event) => {
    window.__clickAt ??= event.timeStamp;
  }, true);
}

/** Resolves, in the page, with the first frame time at which `done()` holds (ms). */
const frameWhen = (page, done, arg) =>
  page.evaluate(
    ([source, value]) =>
      new Promise((resolve, reject) => {
        const test = new Function('value', `return (${source})(value);`);
        const started = performance.now();
        const check = (now) => {
          try {
            if (test(value)) {
              resolve(now);
              return;
            }
          } catch {
            // Not there yet.
          }
          if (performance.now() - started > 30_000) reject(new Error('timed out'));
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    [done.toString(), arg],
  );

async function measure(browser, which) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/__peer/**', (route) => {
    const name = new URL(route.request().url()).pathname.replace('/__peer/', '');
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: PEER_PAGE });
    const type = files[name];
    if (!type) return route.fulfill({ status: 404 });
    return route.fulfill({ contentType: type, body: readFileSync(join(maplibre, name)) });
  });
  await context.addInitScript(watchClicks);
  const page = await context.newPage();
  const result = {};
  if (which === 'haven') {
    await page.goto(`${base}/?lang=en#map=5/51/10`);
    await page.waitForFunction(() => {
      const map = window.__havenMap;
      return document.getElementById('results')?.dataset.results === 'ready' && map?.loaded() && map.areTilesLoaded() && !map.isMoving();
    }, null, { timeout: 60_000 });
    await page.waitForTimeout(500);
    await page.evaluate(() => { window.__clickAt = undefined; });
    const list = frameWhen(page, () => document.getElementById('results').dataset.results === 'ready' && /[?&]area=housing/.test(location.search));
    const map = frameWhen(page, () => {
      const m = window.__havenMap;
      return m.getSource('cities').tiles[0].includes('policy_area=housing') && m.isSourceLoaded('cities') && m.areTilesLoaded();
    });
    await page.getByRole('checkbox', { name: 'Housing', exact: true }).check();
    const [listAt, mapAt] = await Promise.all([list, map]);
    const clickAt = await page.evaluate(() => window.__clickAt);
    result.filterList = listAt - clickAt;
    result.filterMap = mapAt - clickAt;
    await page.waitForTimeout(300);
    const link = page.locator('#results .row-link').first();
    const slug = new URL(await link.evaluate((a) => a.href)).searchParams.get('city');
    await page.evaluate(() => { window.__clickAt = undefined; });
    const panel = frameWhen(page, (s) => new URLSearchParams(location.search).get('city') === s && document.querySelector('#detail .facts') !== null, slug);
    await link.click();
    const panelAt = await panel;
    result.panel = panelAt - (await page.evaluate(() => window.__clickAt));
  } else {
    await page.goto(`${base}/__peer/index.html`);
    await page.waitForFunction(() => window.__peerReady === true && window.__peerMap.loaded() && window.__peerMap.areTilesLoaded(), null, { timeout: 60_000 });
    await page.waitForTimeout(500);
    await page.evaluate(() => { window.__clickAt = undefined; });
    const list = frameWhen(page, () => window.__peerFiltered !== undefined && document.getElementById('count').textContent === `${window.__peerFiltered} cities`);
    const map = frameWhen(page, () => window.__peerFiltered !== undefined && window.__peerMap.isSourceLoaded('peer-cities') && window.__peerMap.querySourceFeatures('peer-cities').length > 0 && !window.__peerMap.isMoving());
    await page.locator('#housing').check();
    const [listAt, mapAt] = await Promise.all([list, map]);
    const clickAt = await page.evaluate(() => window.__clickAt);
    result.filterList = listAt - clickAt;
    result.filterMap = mapAt - clickAt;
    await page.waitForTimeout(300);
    const link = page.locator('#rows .row-link').first();
    const slug = await link.getAttribute('data-slug');
    await page.evaluate(() => { window.__clickAt = undefined; });
    const panel = frameWhen(page, (s) => document.getElementById('panel').dataset.slug === s, slug);
    await link.click();
    const panelAt = await panel;
    result.panel = panelAt - (await page.evaluate(() => window.__clickAt));
  }
  await context.close();
  return result;
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = { haven: [], peer: [] };
await measure(browser, 'haven');
await measure(browser, 'peer');
for (let i = 0; i < runs; i += 1) {
  for (const which of i % 2 === 0 ? ['haven', 'peer'] : ['peer', 'haven']) {
    const result = await measure(browser, which);
    results[which].push(result);
    console.log(JSON.stringify({ run: i + 1, page: which, ...Object.fromEntries(Object.entries(result).map(([k, v]) => [k, Math.round(v)])) }));
  }
}
await browser.close();

console.log(`\n| page | runs | filter → list p50 / p90 ms | filter → map counts p50 / p90 ms | city panel p50 / p90 ms |`);
console.log(`|---|---:|---:|---:|---:|`);
for (const [name, which] of [['Haven client (vector tiles)', 'haven'], ['peer: MapLibre + GeoJSON', 'peer']]) {
  const cell = (key) => {
    const values = results[which].map((r) => r[key]);
    return `${quantile(values, 0.5).toFixed(0)} / ${quantile(values, 0.9).toFixed(0)}`;
  };
  console.log(`| ${name} | ${runs} | ${cell('filterList')} | ${cell('filterMap')} | ${cell('panel')} |`);
}
const p90 = (key) => quantile(results.haven.map((r) => r[key]), 0.9);
console.log(`\ngoals (Haven p90 under 300 ms): filter → list ${p90('filterList') < 300 ? 'met' : 'NOT met'}, filter → map ${p90('filterMap') < 300 ? 'met' : 'NOT met'}, panel ${p90('panel') < 300 ? 'met' : 'NOT met'}`);
