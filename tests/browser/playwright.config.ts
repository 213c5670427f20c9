/**
 * Browser tests for Haven, run in Debian's Chromium (`/usr/bin/chromium`): no browser is
 * ever downloaded. WebGL runs on SwiftShader (software) through ANGLE, so MapLibre renders
 * headless on machines without a GPU.
 *
 * - `HAVEN_URL`: where Haven runs (default http://127.0.0.1:$HAVEN_E2E_PORT).
 * - `HAVEN_E2E_PORT`: the port Playwright starts Haven on (default 18080), so that two
 *   checkouts can run their browser tests side by side.
 * - `HAVEN_BIN`: a built `haven` binary; when set, Playwright starts it on 127.0.0.1:$HAVEN_E2E_PORT
 *   with data in `HAVEN_E2E_DATA` (default ../../target/e2e-data) and the built client from
 *   ../../map-client/dist, and waits for /readyz. Without it, a server must already run.
 */
import { readFileSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const port = process.env.HAVEN_E2E_PORT ?? '18080';
const baseURL = process.env.HAVEN_URL ?? `http://127.0.0.1:${port}`;
const havenBin = process.env.HAVEN_BIN;
const dataDir = process.env.HAVEN_E2E_DATA ?? '../../target/e2e-data';

/** Chromium's flags, shared with the browser benchmark (bench/browser). */
export const CHROMIUM_ARGS = JSON.parse(readFileSync(new URL('./chromium-args.json', import.meta.url), 'utf8')) as string[];

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Two workers on the 2-core machines CI runs on too (HAVEN_E2E_WORKERS to change it).
  workers: Number(process.env.HAVEN_E2E_WORKERS ?? 2),
  reporter: 'list',
  // SwiftShader renders WebGL on the CPU, and axe walks long tables: generous, not tight.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL,
    // As a person who asked for less motion: the map jumps instead of flying and fades
    // nothing, so a step waits for tiles, not for an animation drawn frame by frame in
    // software. data-history.spec.ts keeps the flights of everyone else covered.
    reducedMotion: 'reduce',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  // Specs named `*phone.spec.ts` run on a 375 px phone, every other spec on a desk.
  // `data-*.spec.ts` need Haven with the data API, tiles and imported data; the others do not.
  projects: [
    {
      name: 'desktop-chromium',
      testIgnore: /phone\.spec\.ts$/,
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
      },
    },
    {
      name: 'phone-chromium',
      testMatch: /phone\.spec\.ts$/,
      use: {
        viewport: { width: 375, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
      },
    },
  ],
  ...(havenBin
    ? {
        webServer: {
          // The data directory, and so the rate limits' counters in its database, outlives a
          // run: limits a hundred times wider let `make test` run again within their windows
          // (the suite sends one address's sign-ups and submissions; the Rust tests check the
          // limits themselves).
          command: `${havenBin} serve --listen 127.0.0.1:${port} --data-dir ${dataDir} --static-dir ../../map-client/dist --import-dir ../../data --rate-limit-scale 100`,
          url: `http://127.0.0.1:${port}/readyz`,
          timeout: 300_000,
          reuseExistingServer: false,
          // SIGTERM lets Haven stop its private PostgreSQL cluster cleanly.
          gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
          stdout: 'pipe',
          stderr: 'pipe',
        },
      }
    : {}),
});
