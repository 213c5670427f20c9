/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The Haven server serves dist/ as static files with index.html at `/`; relative asset
// paths keep the build working under any mount point.
export default defineConfig({
  base: './',
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
