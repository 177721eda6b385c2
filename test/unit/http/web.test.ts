/**
 * The staff interface is served by the same server: hashed assets cached for a year, index.html
 * never cached and answered for every app URL, a strict Content-Security-Policy, and the
 * server's own paths keep their JSON 404s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../src/http/app';
import { webRouter } from '../../../src/http/web';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ill-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ILL staff</title><script type="module" src="/assets/index-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("an interlibrary loan");\n'.repeat(200));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const app = (webDir: string) => createApp({ log: pino({ level: 'silent' }), bodyLimit: 1024, health: {}, web: webRouter(webDir) });

it('answers index.html, uncached and under a strict policy, at / and at any URL of the app', async () => {
  for (const path of ['/', '/requests/2b1e6c8a-0000-4000-8000-000000000000', '/queues/lending.to-ship']) {
    const res = await request(app(dir)).get(path).set('Accept', 'text/html').expect(200);
    expect(res.text).toContain('<title>ILL staff</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
  }
});

it('serves hashed assets with a year of immutable caching, compressed for a browser that accepts it', async () => {
  const res = await request(app(dir)).get('/assets/index-abc123.js').set('Accept-Encoding', 'gzip').expect(200);
  expect(res.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
  expect(res.headers['content-type']).toMatch(/javascript/);
  expect(res.headers['content-encoding']).toBe('gzip');
  expect(res.text).toContain('an interlibrary loan');
  const plain = await request(app(dir)).get('/assets/index-abc123.js').set('Accept-Encoding', 'identity').expect(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
});

it('leaves the server’s own paths and non-HTML requests to the 404 handler', async () => {
  const api = await request(app(dir)).get('/api/v1/nothing-here').set('Accept', 'text/html').expect(404);
  expect(api.headers['content-type']).toMatch(/problem\+json/);
  await request(app(dir)).get('/assets/missing-0000.js').expect(404);
  await request(app(dir)).get('/some/page').set('Accept', 'application/json').expect(404);
});

it('says how to build the interface when it is not built', async () => {
  const res = await request(app(join(dir, 'missing'))).get('/').set('Accept', 'text/html').expect(503);
  expect(res.text).toContain('npm start');
});
