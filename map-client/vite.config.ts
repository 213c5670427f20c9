/// <reference types="vitest/config" />
import { type Plugin, defineConfig } from 'vite';

/** The app's own code (everything but maplibre-gl), gzipped, may not grow past this. */
const OWN_CODE_BUDGET = 100 * 1024;

/** `source` gzipped (the web platform's CompressionStream, also in Node). */
async function gzipped(source: string | Uint8Array): Promise<Uint8Array> {
  const part = typeof source === 'string' ? source : new Uint8Array(source);
  const stream = new Blob([part]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Bytes of `source` gzipped. */
async function gzippedSize(source: string | Uint8Array): Promise<number> {
  return (await gzipped(source)).byteLength;
}

/** Fails the build when the app's own JavaScript and CSS exceed {@link OWN_CODE_BUDGET}. */
function ownCodeBudget(): Plugin {
  return {
    name: 'haven-own-code-budget',
    apply: 'build',
    async generateBundle(_options, bundle) {
      let total = 0;
      for (const file of Object.values(bundle)) {
        if (file.fileName.includes('maplibre') || !/\.(js|css)$/.test(file.fileName)) continue;
        const source = file.type === 'chunk' ? file.code : file.source;
        total += await gzippedSize(source);
      }
      const kb = (total / 1024).toFixed(1);
      if (total > OWN_CODE_BUDGET) this.error(`the app's own code is ${kb} KB gzipped, over its 100 KB budget`);
      this.info(`the app's own code: ${kb} KB gzipped (budget 100 KB)`);
    },
  };
}

/**
 * Writes a gzipped copy (`name.gz`) beside each script and stylesheet of the build, which the
 * server sends as it is instead of compressing the file on every request: compressing
 * MapLibre (1 MB) at request time took the server 80–250 ms of CPU on each first visit, on the
 * cores the browser needs to start the map (bench/browser).
 */
function precompress(): Plugin {
  return {
    name: 'haven-precompress',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      const files = Object.values(bundle).filter((file) => /\.(js|mjs|css)$/.test(file.fileName));
      for (const file of files) {
        const source = file.type === 'chunk' ? file.code : file.source;
        this.emitFile({ type: 'asset', fileName: `${file.fileName}.gz`, source: await gzipped(source) });
      }
    },
  };
}

/**
 * Asks for MapLibre's worker module with the page: the worker is started only once the app's
 * scripts have run, and then finds its module in the browser's cache (the server lets build
 * files be kept) instead of waiting for it.
 */
function preloadWorker(): Plugin {
  return {
    name: 'haven-preload-worker',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const worker = Object.keys(context.bundle ?? {}).find((name) => /maplibre-gl-worker-[^/]*\.mjs$/.test(name));
        if (worker === undefined) return [];
        return [{ tag: 'link', attrs: { rel: 'preload', href: `./${worker}`, as: 'script', crossorigin: 'anonymous' }, injectTo: 'head' }];
      },
    },
  };
}

// The Haven server serves dist/ as static files with index.html at `/`; relative asset
// paths keep the build working under any mount point.
export default defineConfig({
  base: './',
  plugins: [ownCodeBudget(), precompress(), preloadWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // maplibre-gl alone is ~1 MB minified; it gets its own long-cached chunk.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl[\\/]/ }],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
