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
  // `npx vite --config console/vite.config.ts` while `npm start` runs: live reload on :5173,
  // with the API proxied so the browser still sees one origin (and keeps its cookie).
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries(['/v1', '/health', '/.well-known'].map((path) => [path, `http://127.0.0.1:${process.env.PORT ?? 3000}`])),
  },
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
