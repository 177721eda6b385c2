/**
 * The route table's promises, kept by the router: a use case gets its body as the route's schema
 * parsed it, and (in tests) an answer the document does not describe is a fault, not a reply.
 */
import pino from 'pino';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from '../../../src/http/app';
import { apiRoute, routerFor } from '../../../src/http/api/route';
import type { Principal } from '../../../src/services/access/api-keys';

const principal: Principal = { keyId: 'k', name: 'test', role: 'admin', libraryId: null };
const authenticate = (_req: unknown, res: { locals: Record<string, unknown> }, next: () => void) => {
  res.locals.principal = principal;
  next();
};

function app(answer: (body: { count: number }) => unknown, checkAnswers: boolean) {
  const route = apiRoute({
    method: 'post',
    path: '/things',
    operationId: 'makeThing',
    summary: 'Make a thing',
    tag: 'Things',
    role: 'staff',
    body: z.object({ count: z.coerce.number().int().default(1) }).strict(),
    success: { status: 200, description: 'The thing', schema: z.object({ count: z.number(), at: z.string() }).strict() },
    handle: async ({ body }) => answer(body),
  });
  const gate = { authenticate: authenticate as never, anonymous: authenticate as never, patron: authenticate as never, countFailure: async () => {} };
  return createApp({ log: pino({ level: 'silent' }), bodyLimit: 1024, health: {}, routers: [routerFor([route], gate, { checkAnswers })] });
}

describe('the staff API route table', () => {
  it('hands the use case the body as its schema parsed it, defaults filled in', async () => {
    const res = await request(app((body) => ({ count: body.count, at: new Date(0) }), true)).post('/api/v1/things').send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ count: 1, at: '1970-01-01T00:00:00.000Z' });
  });

  it('refuses a body its schema refuses, before the use case runs', async () => {
    const res = await request(app(() => ({ count: 0, at: '' }), true)).post('/api/v1/things').send({ count: 'many' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ path: 'count' });
  });

  it('treats an answer the document does not describe as a fault when answers are checked', async () => {
    const undocumented = () => ({ count: 1, at: 'now', secret: 'should not be here' });
    expect((await request(app(undocumented, true)).post('/api/v1/things').send({})).status).toBe(500);
    expect((await request(app(undocumented, false)).post('/api/v1/things').send({})).status).toBe(200);
  });
});
