import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is plain static files: Preact through Vite's own JSX transform, no runtime
 * config and no inline script or style, so the strict Content-Security-Policy holds.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Nothing inlined as data: URLs; every asset is a file under /assets.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
