import request from 'supertest';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/log';

describe('the request log', () => {
  it('logs a safe list of request headers: no credential, no partner’s custom header', async () => {
    const lines: string[] = [];
    const app = createApp({ log: createLogger('info', { write: (line: string) => void lines.push(line) }), bodyLimit: 1024, health: {} });
    await request(app)
      .post('/iso18626')
      .set('Content-Type', 'application/xml')
      .set('User-Agent', 'peer/1.0')
      .set('X-Request-Id', 'peer-42')
      .set('X-Partner-Token', 'tok-5b1d0c9e')
      .set('X-Okapi-Token', 'okapi-77e1')
      .set('Authorization', 'Bearer ill_abc123')
      .set('Cookie', 'session=c00k1e')
      .send('<ISO18626Message/>');
    const [logged] = lines.map((line) => JSON.parse(line) as { req: { headers: Record<string, string>; url: string } }).filter((l) => l.req?.url === '/iso18626');
    expect(logged!.req.headers).toEqual({ host: expect.any(String), 'user-agent': 'peer/1.0', 'content-type': 'application/xml', 'content-length': '18', 'x-request-id': 'peer-42' });
    for (const secret of ['tok-5b1d0c9e', 'okapi-77e1', 'ill_abc123', 'c00k1e']) expect(lines.join('\n')).not.toContain(secret);
  });
});
