import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../src/http/app';

const log = pino({ level: 'silent' });

function app(health: Parameters<typeof createApp>[0]['health'] = { database: async () => {} }) {
  return createApp({ log, bodyLimit: 1024, health });
}

describe('HTTP foundation', () => {
  it('answers liveness without touching dependencies', async () => {
    const res = await request(app({ database: () => Promise.reject(new Error('down')) })).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports each dependency in readiness and answers 503 when one is down', async () => {
    const res = await request(app({ database: async () => {}, redis: () => Promise.reject(new Error('connection is reconnecting')) })).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'unavailable',
      checks: { database: { status: 'up' }, redis: { status: 'down', error: 'connection is reconnecting' } },
    });
  });

  it('answers unknown routes with problem+json', async () => {
    const res = await request(app()).get('/no/such/thing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toEqual({ type: '/problems/not-found', title: 'Not Found', status: 404, detail: 'No route for GET /no/such/thing', instance: '/no/such/thing' });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await request(app()).post('/anything').set('Content-Type', 'application/json').send('{"title": ');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ title: 'Malformed JSON', status: 400 });
  });

  it('refuses bodies over the limit with 413, XML as well as JSON', async () => {
    const json = await request(app()).post('/anything').set('Content-Type', 'application/json').send(JSON.stringify({ note: 'x'.repeat(2000) }));
    expect(json.status).toBe(413);
    expect(JSON.parse(json.text)).toMatchObject({ title: 'Payload Too Large', status: 413 });
    const xml = await request(app()).post('/anything').set('Content-Type', 'application/xml').send(`<a>${'x'.repeat(2000)}</a>`);
    expect(xml.status).toBe(413);
  });

  it('reuses a sane X-Request-Id from the caller and invents one otherwise', async () => {
    const given = await request(app()).get('/health/live').set('X-Request-Id', 'partner-abc.123');
    expect(given.headers['x-request-id']).toBe('partner-abc.123');
    const hostile = await request(app()).get('/health/live').set('X-Request-Id', 'has spaces <script>');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('hides internal errors behind a generic 500 problem', async () => {
    const router = express.Router();
    router.get('/boom', () => {
      throw new Error('secret database detail');
    });
    const res = await request(createApp({ log, bodyLimit: 1024, health: {}, routers: [router] })).get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('secret database detail');
    expect(JSON.parse(res.text)).toMatchObject({ title: 'Internal Server Error', status: 500 });
  });
});
