/**
 * The document and its interactive viewer (Swagger UI, served from the installed package: the
 * machines running this server need not reach a CDN).
 */
import { dirname, join } from 'node:path';
import express, { type RequestHandler } from 'express';
import { API_BASE, type PublicRoute } from './route';

const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'];

function swaggerUiDir(): string {
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ILL broker staff API</title>
  <link rel="stylesheet" href="${API_BASE}/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="${API_BASE}/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${API_BASE}/docs/assets/swagger-ui-bundle.js"></script>
  <script src="${API_BASE}/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="${API_BASE}/docs/assets/init.js"></script>
</body>
</html>
`;

// A file of its own rather than inline script, so a strict Content-Security-Policy can allow 'self' only.
const INIT = `window.ui = SwaggerUIBundle({
  url: '${API_BASE}/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout'
});
`;

/** Static files of the viewer (not API routes: they are not in the document). */
export function docsAssets(): RequestHandler {
  const dir = swaggerUiDir();
  const files = new Map(ASSETS.map((name) => [name, join(dir, name)]));
  const serve = express.static(dir, { index: false, fallthrough: true, maxAge: '1d' });
  return (req, res, next) => {
    if (req.path === '/init.js') return void res.type('application/javascript').send(INIT);
    // Only the files the page uses; the package holds more (source maps, other bundles).
    if (!files.has(req.path.slice(1))) return next();
    return serve(req, res, next);
  };
}

export function documentRoutes(document: () => unknown): PublicRoute[] {
  let json: string | undefined;
  return [
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI document',
      tag: 'Documentation',
      contentType: 'application/json',
      public: true,
      respond: (_req, res) => {
        json ??= JSON.stringify(document());
        res.type('application/json').send(json);
      },
    },
    {
      method: 'get',
      path: '/docs',
      operationId: 'getApiDocs',
      summary: 'Interactive documentation (Swagger UI)',
      tag: 'Documentation',
      contentType: 'text/html',
      public: true,
      respond: (_req, res) => {
        res.type('text/html').send(PAGE);
      },
    },
  ];
}

