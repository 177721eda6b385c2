/**
 * The staff interface's build: web/ -> dist/web, served by the Express server at `/`.
 * Asset names carry a content hash, so the server can cache them for a year; index.html is not
 * cached. Vite 8 compiles TSX with its built-in transform (automatic JSX runtime).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
    // The app must not need inline scripts or styles: the server's Content-Security-Policy forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // The barcode renderer (bwip-js, most of the print pages' lazily loaded chunk) is large by nature; the first screen does not load it.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // React Router and TanStack Query mark modules "use client" for server components; meaningless here.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    // `npx vite web` during development: the API comes from a server on port 3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
