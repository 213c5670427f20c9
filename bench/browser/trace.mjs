// Where the time of one first load goes: records a Chromium performance trace of a cold load
// (fresh context, empty cache) up to the first frame that shows a city, and prints a timeline.
//
//   node bench/browser/trace.mjs <haven-url> [haven|embed] [out.json]
//
// Prints, in milliseconds since navigation start: each request (sent → finished), each script
// evaluation and compile, what every renderer thread (main, MapLibre's workers, compositor)
// and the GPU process's threads were busy with in 100 ms steps, and the functions that took
// the most CPU per thread (V8 sampling profiler) up to the first features. The trace file
// opens in Chrome's DevTools (Performance → Load profile) or https://ui.perfetto.dev.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserIdle } from './idle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'tests', 'browser', 'package.json'));
const { chromium } = require('@playwright/test');
const CHROMIUM_ARGS = JSON.parse(readFileSync(join(root, 'tests', 'browser', 'chromium-args.json'), 'utf8'));

const base = (process.argv[2] ?? 'http://127.0.0.1:18095').replace(/\/$/, '');
const which = process.argv[3] ?? 'haven';
const out = process.argv[4] ?? join(root, 'target', `trace-${which}.json`);
const url = { haven: `${base}/?lang=en#map=5/51/10`, embed: `${base}/embed?lang=en#map=5/51/10` }[which];

/** As in first-features.mjs, plus a user-timing mark that shows in the trace. */
function watchFirstFeatures() {
  // Messages between the page and MapLibre's workers, as marks: `→ LT` (load a tile), `← GG`
  // (the worker asks for glyphs), … (MapLibre's message types).
  const NativeWorker = window.Worker;
  const post = NativeWorker.prototype.postMessage;
  NativeWorker.prototype.postMessage = function (message, ...rest) {
    if (message?.type) performance.mark(`→ ${message.type} ${message.data?.source ?? ''} ${message.data?.tileID?.key ?? ''}`);
    return post.call(this, message, ...rest);
  };
  window.Worker = function (...args) {
    const worker = new NativeWorker(...args);
    worker.addEventListener('message', (event) => {
      const message = event.data;
      if (message?.type) performance.mark(`← ${message.type} ${message.data?.source ?? ''} ${message.data?.tileID?.key ?? ''}`);
    });
    return worker;
  };
  window.Worker.prototype = NativeWorker.prototype;
  let hooked = false;
  const check = () => {
    const map = window.__havenMap;
    if (map && !hooked) {
      // The map's own steps, as marks in the trace: style loaded, tiles of the cities loaded, frames.
      hooked = true;
      performance.mark('map created');
      map.once('load', () => performance.mark('map load'));
      map.on('sourcedata', (event) => {
        if (event.tile && event.sourceId !== 'haven-selection') performance.mark(`tile ${event.sourceId} ${event.tile.tileID.key}`);
      });
      map.on('render', () => performance.mark('map render'));
    }
    try {
      if (map?.getLayer('haven-cities') && map.queryRenderedFeatures({ layers: ['haven-cities'] }).length > 0) {
        window.__firstFeaturesAt = performance.now();
        // Told by a console message: waiting with `page.waitForFunction` would evaluate
        // Playwright's injected script in the page during the load (~60–180 ms of its main thread).
        console.info(`__firstFeaturesAt ${window.__firstFeaturesAt}`);
        performance.mark('first-features');
        return;
      }
    } catch {
      // The style is still loading.
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'disabled-by-default-v8.cpu_profiler',
  'v8',
  'v8.execute',
  'blink',
  'blink.user_timing',
  'loading',
  'toplevel',
  'gpu',
  'cc',
  'viz',
  '__metadata',
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
// One untimed load warms the server's caches and the OS page cache.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(watchFirstFeatures);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__firstFeaturesAt !== undefined, null, { timeout: 60_000 });
  await context.close();
}
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await context.addInitScript(watchFirstFeatures);
const page = await context.newPage();
if (process.env.NO_IDLE === undefined) await browserIdle();
await browser.startTracing(undefined, { path: out, categories: CATEGORIES });
const told = page.waitForEvent('console', { predicate: (message) => message.text().startsWith('__firstFeaturesAt '), timeout: 60_000 });
await page.goto(url);
const firstFeatures = Number((await told).text().split(' ')[1]);
await page.waitForTimeout(200);
await browser.stopTracing();
await context.close();
await browser.close();

const trace = JSON.parse(readFileSync(out, 'utf8'));
const events = Array.isArray(trace) ? trace : trace.traceEvents;
const threadNames = new Map();
const processNames = new Map();
for (const e of events) {
  if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  if (e.ph === 'M' && e.name === 'process_name') processNames.set(e.pid, e.args.name);
}
const mark = events.find((e) => e.name === 'first-features' && e.cat.includes('user_timing'));
if (!mark) throw new Error('no first-features mark in the trace');
const rendererPid = mark.pid;
// The mark's trace time minus its performance.now() is navigation start in trace time.
const origin = mark.ts - firstFeatures * 1000;
const ms = (ts) => Math.round((ts - origin) / 1000);
const thread = (e) => `${processNames.get(e.pid) ?? e.pid}/${threadNames.get(`${e.pid}:${e.tid}`) ?? e.tid}`;

console.log(`${which}: first features at ${firstFeatures.toFixed(0)} ms; trace in ${out}\n`);

console.log('## Requests (sent → response → finished, ms)');
const requests = new Map();
for (const e of events) {
  if (e.pid !== rendererPid && !e.name.startsWith('Resource')) continue;
  const data = e.args?.data;
  if (!data?.requestId) continue;
  const r = requests.get(data.requestId) ?? { url: '', sent: null, response: null, finish: null };
  if (e.name === 'ResourceSendRequest') {
    r.url = data.url;
    r.sent = ms(e.ts);
  } else if (e.name === 'ResourceReceiveResponse') r.response = ms(e.ts);
  else if (e.name === 'ResourceFinish') r.finish = ms(e.ts);
  requests.set(data.requestId, r);
}
for (const r of [...requests.values()].filter((r) => r.sent !== null && !r.url.startsWith("chrome:")).sort((a, b) => a.sent - b.sent)) {
  console.log(`${String(r.sent).padStart(6)} → ${String(r.response ?? '-').padStart(6)} → ${String(r.finish ?? '-').padStart(6)}  ${r.url.replace(base, '')}`);
}

console.log('\n## Scripts, workers, marks, frames on the renderer');
const notable = new Set(['EvaluateScript', 'v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'ParseHTML', 'Layout', 'UpdateLayoutTree', 'Paint', 'Commit', 'DomContentLoadedEventDispatcher', 'FireAnimationFrame', 'RunMicrotasks', 'FunctionCall', 'TimerFire', 'XHRLoad', 'WebGLContextCreate']);
const interesting = events
  .filter((e) => e.pid === rendererPid && e.ph === 'X' && notable.has(e.name) && e.dur >= 15_000)
  .sort((a, b) => a.ts - b.ts);
for (const e of interesting) {
  const detail = e.args?.data?.url ?? e.args?.data?.functionName ?? e.args?.data?.type ?? '';
  console.log(`${String(ms(e.ts)).padStart(6)} +${String(Math.round(e.dur / 1000)).padStart(4)}  ${thread(e).padEnd(40)} ${e.name} ${String(detail).replace(base, '')}`);
}
const NAVIGATION_MARKS = /^(navigationStart|fetchStart|unloadEvent|responseEnd|commitNavigationEnd|dom|loadEvent)/;
for (const e of events.filter((x) => x.pid === rendererPid && x.cat.includes('user_timing') && !NAVIGATION_MARKS.test(x.name))) {
  console.log(`${String(ms(e.ts)).padStart(6)}        mark ${e.name}`);
}

console.log('\n## Busy ms per 100 ms step (top-level tasks) by thread');
const end = ms(mark.ts) + 100;
const steps = Math.ceil(end / 100);
const busy = new Map();
for (const e of events) {
  if (e.ph !== 'X' || !(e.cat.includes('toplevel')) || e.dur === undefined) continue;
  const name = thread(e);
  const row = busy.get(name) ?? new Array(steps).fill(0);
  let from = (e.ts - origin) / 1000;
  const to = from + e.dur / 1000;
  while (from < to && from < end) {
    const step = Math.floor(from / 100);
    const stepEnd = (step + 1) * 100;
    const slice = Math.min(to, stepEnd) - from;
    if (step >= 0 && step < steps) row[step] += slice;
    from = stepEnd;
  }
  busy.set(name, row);
}
console.log(`${'thread'.padEnd(48)} ${Array.from({ length: steps }, (_, i) => String(i * 100).padStart(5)).join('')}`);
for (const [name, row] of [...busy.entries()].sort()) {
  const total = row.reduce((a, b) => a + b, 0);
  if (total < 20) continue;
  console.log(`${name.slice(0, 48).padEnd(48)} ${row.map((v) => String(Math.round(v)).padStart(5)).join('')}`);
}

console.log('\n## CPU profile: self time by function and thread, up to the first features (ms)');
const profiles = new Map();
for (const e of events) {
  if (e.name === 'Profile') profiles.set(`${e.pid}:${e.id}`, { pid: e.pid, tid: e.tid, start: e.args.data.startTime, nodes: new Map(), samples: [], deltas: [] });
  if (e.name === 'ProfileChunk') {
    const profile = profiles.get(`${e.pid}:${e.id}`);
    if (!profile) continue;
    const data = e.args.data;
    for (const node of data.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
    profile.samples.push(...(data.cpuProfile?.samples ?? []));
    profile.deltas.push(...(data.timeDeltas ?? []));
  }
}
for (const profile of profiles.values()) {
  const self = new Map();
  let t = profile.start;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.deltas[i] ?? 0;
    if (t > mark.ts) break;
    const dt = (profile.deltas[i + 1] ?? 0) / 1000;
    const node = profile.nodes.get(profile.samples[i]);
    const frame = node?.callFrame ?? {};
    const where = frame.url ? `${frame.url.replace(base, '').replace(/^.*\//, '')}:${frame.lineNumber}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  if (total < 20) continue;
  console.log(`\n${thread({ pid: profile.pid, tid: profile.tid })}: ${total.toFixed(0)} ms sampled`);
  for (const [key, value] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${value.toFixed(0).padStart(7)}  ${key}`);
  }
}
writeFileSync(out, JSON.stringify(trace));
