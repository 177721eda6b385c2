import { compileErrors, validate } from '@readme/openapi-parser';
import request from 'supertest';
import type { Router } from 'express';
import { apiRouter } from '../../../src/http/api';
import { startStaffApi, type StaffApi } from '../../helpers/staff-api';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every method + path the router answers, in OpenAPI form, read from Express itself. */
function servedRoutes(router: Router): string[] {
  return (router.stack as Layer[])
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`));
}

describe('the OpenAPI document (/api/v1/openapi.json) and its viewer (/api/v1/docs)', () => {
  let api: StaffApi;
  let document: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>> };
  beforeAll(async () => {
    api = await startStaffApi();
    const res = await request(api.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    document = res.body;
  });
  afterAll(() => api.database.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('describes every route the server answers under /api/v1, and no other', () => {
    const served = servedRoutes(apiRouter(api.deps)).map((r) => r.replace(' /api/v1/', ' /'));
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.length).toBeGreaterThan(15);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('documents the problems each route can answer, and no key for the document itself', () => {
    const create = document.paths['/requests']!.post!;
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '413', '429']);
    expect(Object.keys(document.paths['/requests/{id}/actions']!.post!.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
    expect(document.paths['/openapi.json']!.get!.security).toEqual([]);
  });

  it('takes the request schemas from the validating zod schemas (fields, enums and limits included)', () => {
    const body = JSON.stringify(document.paths['/requests']!.post);
    for (const field of ['bibliographic', 'patron', 'candidates', 'neededBy', 'pickupLocation', 'library']) expect(body).toContain(`"${field}"`);
    const query = JSON.stringify(document.paths['/requests']!.get);
    for (const param of ['state', 'partner', 'patron', 'createdFrom', 'createdBefore', 'needsAttention', 'q', 'sort', 'limit', 'cursor']) expect(query).toContain(`"name":"${param}"`);
  });

  it('serves an interactive page that loads its assets from this server, not from a CDN', async () => {
    const page = await request(api.app).get('/api/v1/docs');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const source of sources) {
      expect(source.startsWith('/api/v1/docs/assets/')).toBe(true);
      const asset = await request(api.app).get(source);
      expect(asset.status).toBe(200);
    }
    const init = await request(api.app).get('/api/v1/docs/assets/init.js');
    expect(init.text).toContain("url: '/api/v1/openapi.json'");
  });

  it('does not serve the rest of the Swagger UI package', async () => {
    const res = await request(api.app).get('/api/v1/docs/assets/package.json');
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
  });
});
