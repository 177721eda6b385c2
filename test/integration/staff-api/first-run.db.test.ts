/**
 * First run: with no staff user, only the one-time code from the server's start-up log makes
 * the first administrator, once; a fresh server on 0.0.0.0 cannot be claimed by whoever comes first.
 */
import request from 'supertest';
import { issueSetupCode } from '../../../src/services/access/setup';
import { listStaffUsers } from '../../../src/store/staff-users';
import { PASSWORD, sessionCookieOf } from '../../helpers/accounts';
import { startStaffApi, type StaffApi } from '../../helpers/staff-api';

const admin = (code: string, username = 'ada') => ({ code, username, displayName: 'Ada Lovelace', email: 'ada@library.example.org', password: PASSWORD });

describe('first run: the first administrator, with the setup code', () => {
  let api: StaffApi;
  beforeEach(async () => {
    api = await startStaffApi({ authFailureLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterEach(() => api.database.close());

  it('says setup is needed until the first administrator exists, who is then signed in', async () => {
    expect((await request(api.app).get('/api/v1/setup')).body).toEqual({ setupNeeded: true });
    const issued = await issueSetupCode(api.deps);
    expect(issued!.code).toMatch(/^([A-Z2-9]{4}-){7}[A-Z2-9]{4}$/);

    const res = await request(api.app).post('/api/v1/setup').send(admin(issued!.code.toLowerCase()));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ user: { username: 'ada', displayName: 'Ada Lovelace', role: 'admin', library: null, disabled: false, mustChangePassword: false }, timeZone: null });
    const setCookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('ill_session='))!;
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/);

    const session = await request(api.app).get('/api/v1/session').set('Cookie', sessionCookieOf(res)!);
    expect(session.status).toBe(200);
    expect(session.body.user.id).toBe(res.body.user.id);
    expect((await request(api.app).get('/api/v1/setup')).body).toEqual({ setupNeeded: false });
  });

  it('sets the cookie Secure when the request came over HTTPS (through a proxy on loopback)', async () => {
    const issued = await issueSetupCode(api.deps);
    const res = await request(api.app).post('/api/v1/setup').set('X-Forwarded-Proto', 'https').send(admin(issued!.code));
    expect(res.status).toBe(201);
    expect((res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('ill_session='))).toMatch(/; Secure/);
  });

  it('refuses a wrong code and a missing one, and keeps the right code working', async () => {
    const issued = await issueSetupCode(api.deps);
    const wrong = await request(api.app).post('/api/v1/setup').send(admin('AAAA-BBBB-CCCC-DDDD'));
    expect(wrong.status).toBe(403);
    expect(wrong.body.detail).toContain('setup code is not valid');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const { code: _code, ...without } = admin('x');
    expect((await request(api.app).post('/api/v1/setup').send(without)).status).toBe(400);
    expect(await listStaffUsers(api.database.db)).toEqual([]);
    expect((await request(api.app).post('/api/v1/setup').send(admin(issued!.code))).status).toBe(201);
  });

  it('refuses every code before one was issued (a server that has not started), and every code once an administrator exists', async () => {
    expect((await request(api.app).post('/api/v1/setup').send(admin('AAAA-BBBB-CCCC-DDDD'))).status).toBe(403);
    const first = await issueSetupCode(api.deps);
    expect((await request(api.app).post('/api/v1/setup').send(admin(first!.code))).status).toBe(201);
    const again = await request(api.app).post('/api/v1/setup').send(admin(first!.code, 'mallory'));
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('exists already');
    expect(await issueSetupCode(api.deps)).toBeUndefined();
  });

  it('takes a code of any server process, and of two racing setups exactly one wins', async () => {
    const [one, two] = [await issueSetupCode(api.deps), await issueSetupCode(api.deps)];
    const answers = await Promise.all([
      request(api.app).post('/api/v1/setup').send(admin(one!.code, 'ada')),
      request(api.app).post('/api/v1/setup').send(admin(two!.code, 'grace')),
      request(api.app).post('/api/v1/setup').send(admin(one!.code, 'mallory')),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    expect((await listStaffUsers(api.database.db)).map((u) => u.role)).toEqual(['admin']);
  });

  it('counts wrong codes as failed authentications', async () => {
    const limited = await startStaffApi({ authFailureLimit: { max: 2, windowMs: 60_000 } });
    try {
      const issued = await issueSetupCode(limited.deps);
      for (let i = 0; i < 2; i++) expect((await request(limited.app).post('/api/v1/setup').send(admin(`GUES-S00${i}`))).status).toBe(403);
      expect((await request(limited.app).post('/api/v1/setup').send(admin(issued!.code))).status).toBe(429);
    } finally {
      await limited.database.close();
    }
  });

  it('refuses a code a day old', async () => {
    let clock = new Date('2026-03-02T08:00:00.000Z');
    const later = await startStaffApi({ now: () => clock });
    try {
      const issued = await issueSetupCode(later.deps);
      expect(issued!.expiresAt.toISOString()).toBe('2026-03-03T08:00:00.000Z');
      clock = new Date('2026-03-03T08:00:01.000Z');
      expect((await request(later.app).post('/api/v1/setup').send(admin(issued!.code))).status).toBe(403);
    } finally {
      await later.database.close();
    }
  });

  it('documents setup and sign-in as needing no key or session', async () => {
    const document = (await request(api.app).get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const [path, method] of [['/setup', 'get'], ['/setup', 'post'], ['/session', 'post']] as const) expect(document.paths[path]![method]!.security).toEqual([]);
    expect(document.paths['/session']!.delete!.security).toEqual([{ session: [] }]);
  });

  it('refuses a setup posted from another site', async () => {
    const issued = await issueSetupCode(api.deps);
    const res = await request(api.app).post('/api/v1/setup').set('Sec-Fetch-Site', 'cross-site').send(admin(issued!.code));
    expect(res.status).toBe(403);
    expect(await listStaffUsers(api.database.db)).toEqual([]);
  });
});
