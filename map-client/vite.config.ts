/// <reference types="vitest/config" />
import { type Plugin, defineConfig } from 'vite';

/** The app's own code (everything but maplibre-gl), gzipped, may not grow past this. */
const OWN_CODE_BUDGET = 100 * 1024;

/** Bytes of `source` gzipped (the web platform's CompressionStream, also in Node). */
async function gzippedSize(source: string | Uint8Array): Promise<number> {
  const part = typeof source === 'string' ? source : new Uint8Array(source);
  const stream = new Blob([part]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
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

// The Haven server serves dist/ as static files with index.html at `/`; relative asset
// paths keep the build working under any mount point.
export default defineConfig({
  base: './',
  plugins: [ownCodeBudget()],
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
