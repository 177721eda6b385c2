/**
 * The staff interface: the single-page app built by Vite into dist/web, served at `/`.
 *
 * - Files under /assets/ carry a content hash in their names, so they are cached for a year
 *   (a new build has new names); index.html is never cached, so a deploy is seen at once.
 * - Every other GET that asks for HTML is one of the app's own URLs (/requests/…, /queues/…):
 *   it answers index.html and the app's router takes over. API, protocol and health paths keep
 *   their own 404s.
 * - Compressed (gzip or brotli, as the browser accepts): the app's JavaScript is a third of its
 *   size on the wire. Only here, never on the API's event stream.
 * - A strict Content-Security-Policy: scripts, styles and connections from this origin only, no
 *   inline script, no framing. The app is built to need nothing more (vite.config.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import compression from 'compression';
import express, { Router, type Response } from 'express';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the server, not to the app: a miss there is the server's 404. */
const SERVER_PATHS = /^\/(api|iso18626|ncip|health|metrics)(\/|$)/;

/** dist/web of this checkout, whether the code runs compiled (dist/src/http) or from source (src/http). */
export function defaultWebDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

function secure(res: Response): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ILL staff</title></head>
<body><h1>The staff interface is not built</h1>
<p>Run <code>npm start</code> (or <code>npm run build</code>) to build it; the staff API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p></body></html>
`;

export function webRouter(dir: string = defaultWebDir()): Router {
  const router = Router();
  const indexFile = join(dir, 'index.html');
  // Read once per change of the build (a rebuild while running is picked up at the next request).
  let index: { readonly html: string; readonly mtime: number } | undefined;
  const indexHtml = (): string | undefined => {
    if (!existsSync(indexFile)) return undefined;
    const { mtimeMs } = statSync(indexFile);
    if (!index || index.mtime !== mtimeMs) index = { html: readFileSync(indexFile, 'utf8'), mtime: mtimeMs };
    return index.html;
  };

  const compress = compression();
  router.use(
    '/assets',
    compress,
    express.static(join(dir, 'assets'), {
      index: false,
      fallthrough: true,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => secure(res),
    }),
  );
  router.get(/.*/, (req, res, next) => {
    if (SERVER_PATHS.test(req.path) || req.path.startsWith('/assets/') || !req.accepts('html')) return next();
    compress(req, res, () => sendIndex(res));
  });
  const sendIndex = (res: Response) => {
    const html = indexHtml();
    secure(res);
    res.setHeader('Cache-Control', 'no-cache');
    if (html === undefined) return void res.status(503).type('html').send(NOT_BUILT);
    res.type('html').send(html);
  };
  return router;
}
