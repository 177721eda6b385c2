/**
 * Signing in and out, session lifetimes, password changes, disabled users, the CSRF rule, and a
 * person's scope and name in the audit trail. Time is the use cases' clock, moved by the test.
 */
import request from 'supertest';
import { hashToken } from '../../../src/services/access/sessions';
import { findSessionByTokenHash } from '../../../src/store/staff-sessions';
import { asPerson, makeUser, PASSWORD, sessionCookieOf, signIn } from '../../helpers/accounts';
import { borrowing, LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

const HOUR = 3600_000;

describe('staff sessions', () => {
  let api: StaffApi;
  let clock: Date;
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
  beforeAll(async () => {
    clock = new Date('2026-03-02T08:00:00.000Z');
    api = await startStaffApi({ now: () => clock, authFailureLimit: { max: 1000, windowMs: 60_000 }, sessions: { idleMs: 8 * HOUR, absoluteMs: 7 * 24 * HOUR } });
  });
  afterAll(() => api.database.close());

  describe('signing in', () => {
    let userId: string;
    beforeAll(async () => {
      userId = await makeUser(api, { username: 'Grace', displayName: 'Grace Hopper', role: 'staff', library: LIBRARY_A, email: 'grace@library.example.org' });
    });

    it('answers the session and sets the cookie; the username is case-insensitive', async () => {
      const res = await request(api.app).post('/api/v1/session').send({ username: 'GRACE', password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        user: { id: userId, username: 'grace', displayName: 'Grace Hopper', email: 'grace@library.example.org', role: 'staff', library: LIBRARY_A, disabled: false, mustChangePassword: false, createdAt: expect.any(String), lastSignInAt: clock.toISOString() },
        expiresAt: new Date(clock.getTime() + 7 * 24 * HOUR).toISOString(),
        idleExpiresAt: new Date(clock.getTime() + 8 * HOUR).toISOString(),
        timeZone: null,
      });
      expect(sessionCookieOf(res)).toMatch(/^ill_session=[A-Za-z0-9_-]{43}$/);
    });

    it('answers a wrong password, an unknown user and a disabled one with the same 401', async () => {
      const disabled = await makeUser(api, { username: 'linus' });
      expect((await request(api.app).patch(`/api/v1/users/${disabled}`).set('Authorization', api.keys.admin).send({ disabled: true })).body.disabled).toBe(true);
      const answers = await Promise.all(
        [
          { username: 'grace', password: 'not the password' },
          { username: 'nobody', password: PASSWORD },
          { username: 'linus', password: PASSWORD },
        ].map((body) => request(api.app).post('/api/v1/session').send(body)),
      );
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.body.detail).toBe('the username or password is not right');
        expect(sessionCookieOf(res)).toBeUndefined();
      }
    });

    it('answers GET /session 401 without a session, so the web app shows sign-in', async () => {
      const res = await request(api.app).get('/api/v1/session');
      expect(res.status).toBe(401);
      expect(res.type).toBe('application/problem+json');
    });

    it('signs out: the cookie is cleared and the session no longer works', async () => {
      const cookie = await signIn(api, 'grace');
      const out = await asPerson(api, cookie).delete('/session');
      expect(out.status).toBe(204);
      expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^ill_session=; .*Expires=Thu, 01 Jan 1970/);
      expect((await asPerson(api, cookie).get('/session')).status).toBe(401);
    });

    it('signs out everywhere: every session of the person ends, other people keep theirs', async () => {
      const other = await makeUser(api, { username: 'katherine' });
      const [laptop, desk, theirs] = [await signIn(api, 'grace'), await signIn(api, 'grace'), await signIn(api, 'katherine')];
      expect((await asPerson(api, laptop).post('/session/sign-out-everywhere')).status).toBe(204);
      expect((await asPerson(api, laptop).get('/session')).status).toBe(401);
      expect((await asPerson(api, desk).get('/session')).status).toBe(401);
      expect((await asPerson(api, theirs).get('/session')).body.user.id).toBe(other);
    });
  });

  describe('lifetimes', () => {
    beforeAll(async () => {
      await makeUser(api, { username: 'dorothy' });
    });

    it('ends a session unused for the idle time; use moves the idle expiry on, written at most once a minute', async () => {
      const cookie = await signIn(api, 'dorothy');
      const start = clock.getTime();
      advance(30_000);
      expect((await asPerson(api, cookie).get('/session')).body.idleExpiresAt).toBe(new Date(start + 8 * HOUR).toISOString());
      advance(40_000);
      expect((await asPerson(api, cookie).get('/session')).body.idleExpiresAt).toBe(new Date(start + 70_000 + 8 * HOUR).toISOString());
      advance(8 * HOUR - 1000);
      expect((await asPerson(api, cookie).get('/session')).status).toBe(200);
      advance(8 * HOUR + 1000);
      const ended = await asPerson(api, cookie).get('/session');
      expect(ended.status).toBe(401);
      expect(ended.body.detail).toContain('the session has ended');
      expect(sessionCookieOf(ended)).toBe('ill_session=');
    });

    it('ends a session at its absolute expiry however busy it is, and the idle expiry never passes it', async () => {
      const cookie = await signIn(api, 'dorothy');
      const expiresAt = clock.getTime() + 7 * 24 * HOUR;
      for (let day = 0; day < 7 * 24 / 6 - 1; day++) {
        advance(6 * HOUR);
        const res = await asPerson(api, cookie).get('/session');
        expect(res.status).toBe(200);
        expect(new Date(res.body.idleExpiresAt as string).getTime()).toBeLessThanOrEqual(expiresAt);
      }
      clock = new Date(expiresAt);
      expect((await asPerson(api, cookie).get('/session')).status).toBe(401);
    });

    it('deletes an expired session when it is met, and expired sessions of anyone when a new one starts', async () => {
      const met = await signIn(api, 'dorothy');
      const unmet = await signIn(api, 'dorothy');
      advance(9 * HOUR);
      expect((await asPerson(api, met).get('/session')).status).toBe(401);
      expect(await sessionRowOf(met)).toBeUndefined();
      expect(await sessionRowOf(unmet)).toBeDefined();
      await signIn(api, 'grace');
      expect(await sessionRowOf(unmet)).toBeUndefined();
    });

    const sessionRowOf = async (cookie: string) => findSessionByTokenHash(api.database.db, hashToken(cookie.split('=')[1]!));
  });

  describe('passwords', () => {
    let userId: string;
    beforeAll(async () => {
      userId = await makeUser(api, { username: 'margaret' });
    });

    it('changes one’s own password with the current one: other sessions end, this one goes on', async () => {
      const [here, elsewhere] = [await signIn(api, 'margaret'), await signIn(api, 'margaret')];
      const wrong = await asPerson(api, here).post('/session/password', { currentPassword: 'a wrong guess', newPassword: 'a new long passphrase' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([{ path: 'currentPassword', message: 'is not the current password' }]);
      const short = await asPerson(api, here).post('/session/password', { currentPassword: PASSWORD, newPassword: 'short' });
      expect(short.status).toBe(400);
      expect(short.body.errors[0]).toMatchObject({ path: 'newPassword', message: 'must be at least 12 characters' });

      expect((await asPerson(api, here).post('/session/password', { currentPassword: PASSWORD, newPassword: 'a new long passphrase' })).status).toBe(204);
      expect((await asPerson(api, here).get('/session')).status).toBe(200);
      expect((await asPerson(api, elsewhere).get('/session')).status).toBe(401);
      expect((await request(api.app).post('/api/v1/session').send({ username: 'margaret', password: PASSWORD })).status).toBe(401);
      await signIn(api, 'margaret', 'a new long passphrase');
    });

    it('lets an admin set a temporary password: the user must change it before anything else, and every session of the user ends', async () => {
      const before = await signIn(api, 'margaret', 'a new long passphrase');
      const reset = await request(api.app).post(`/api/v1/users/${userId}/password`).set('Authorization', api.keys.admin).send({ password: 'temporary password 1' });
      expect(reset.status).toBe(204);
      expect((await asPerson(api, before).get('/session')).status).toBe(401);
      const after = await signIn(api, 'margaret', 'temporary password 1');
      expect((await asPerson(api, after).get('/session')).body.user.mustChangePassword).toBe(true);
      const meanwhile = await asPerson(api, after).get('/requests');
      expect(meanwhile.status).toBe(403);
      expect(meanwhile.body.detail).toMatch(/temporary password: change it first/);
      await asPerson(api, after).post('/session/password', { currentPassword: 'temporary password 1', newPassword: 'my own passphrase' });
      expect((await asPerson(api, after).get('/session')).body.user.mustChangePassword).toBe(false);
      expect((await asPerson(api, after).get('/requests')).status).toBe(200);
    });
  });

  it('ends the sessions of a user an admin disables, at once', async () => {
    const id = await makeUser(api, { username: 'barbara' });
    const cookie = await signIn(api, 'barbara');
    expect((await request(api.app).patch(`/api/v1/users/${id}`).set('Authorization', api.keys.admin).send({ disabled: true })).status).toBe(200);
    expect((await asPerson(api, cookie).get('/session')).status).toBe(401);
    expect((await request(api.app).patch(`/api/v1/users/${id}`).set('Authorization', api.keys.admin).send({ disabled: false })).status).toBe(200);
    await signIn(api, 'barbara');
  });

  it('counts wrong passwords with wrong keys: past the limit even the right password gets 429', async () => {
    const limited = await startStaffApi({ authFailureLimit: { max: 3, windowMs: 60_000 } });
    try {
      await makeUser(limited, { username: 'ada' });
      expect((await request(limited.app).get('/api/v1/requests').set('Authorization', 'Bearer ill_guess')).status).toBe(401);
      for (let i = 0; i < 2; i++) expect((await request(limited.app).post('/api/v1/session').send({ username: 'ada', password: `guess ${i}` })).status).toBe(401);
      const blocked = await request(limited.app).post('/api/v1/session').send({ username: 'ada', password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.database.close();
    }
  });

  describe('cross-site request forgery', () => {
    let cookie: string;
    let requestId: string;
    beforeAll(async () => {
      await makeUser(api, { username: 'hedy', library: LIBRARY_A });
      cookie = await signIn(api, 'hedy');
      requestId = (await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffA).send(borrowing())).body.id;
    });
    const note = (headers: Record<string, string>, auth: Record<string, string> = { Cookie: cookie }) => {
      let req = request(api.app).post(`/api/v1/requests/${requestId}/notes`);
      for (const [name, value] of Object.entries({ ...auth, ...headers })) req = req.set(name, value);
      return req.send({ note: 'patron phoned' });
    };

    it('refuses a change with the cookie from another site, or from nowhere it can tell', async () => {
      const refused: Record<string, string>[] = [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }, { 'Sec-Fetch-Site': 'none' }, { Origin: 'https://evil.example' }, {}];
      for (const headers of refused) {
        const res = await note(headers);
        expect([headers, res.status]).toEqual([headers, 403]);
        expect(res.body.detail).toContain('from another site');
      }
    });

    it('lets the same origin change things, said by Sec-Fetch-Site or, without it, by Origin', async () => {
      expect((await note({ 'Sec-Fetch-Site': 'same-origin' })).status).toBe(201);
      expect((await note({ Host: 'ill.example.org', Origin: 'http://ill.example.org' })).status).toBe(201);
      expect((await note({ Host: 'ill.example.org', Origin: 'http://ill.example.org.evil.example' })).status).toBe(403);
    });

    it('reads with the cookie from anywhere (GET changes nothing), and does not check requests with a key', async () => {
      expect((await request(api.app).get(`/api/v1/requests/${requestId}`).set('Cookie', cookie).set('Sec-Fetch-Site', 'cross-site')).status).toBe(200);
      expect((await note({ 'Sec-Fetch-Site': 'cross-site' }, { Authorization: api.keys.staffA })).status).toBe(201);
    });

    it('refuses a sign-in posted from another site', async () => {
      const res = await request(api.app).post('/api/v1/session').set('Sec-Fetch-Site', 'cross-site').send({ username: 'hedy', password: PASSWORD });
      expect(res.status).toBe(403);
    });
  });

  describe('a person’s scope and name', () => {
    let otherLibraryRequest: string;
    let ownRequest: string;
    let userId: string;
    let cookie: string;
    beforeAll(async () => {
      userId = await makeUser(api, { username: 'ursula', displayName: 'Ursula Franklin', library: LIBRARY_A });
      cookie = await signIn(api, 'ursula');
      otherLibraryRequest = (await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffB).send(borrowing({ library: LIBRARY_B }))).body.id;
    });

    it('answers another library’s request 404, exactly as a key of the library does', async () => {
      const bySession = await asPerson(api, cookie).get(`/requests/${otherLibraryRequest}`);
      const byKey = await request(api.app).get(`/api/v1/requests/${otherLibraryRequest}`).set('Authorization', api.keys.staffA);
      expect(bySession.status).toBe(404);
      expect(bySession.body).toEqual(byKey.body);
      expect((await asPerson(api, cookie).post(`/requests/${otherLibraryRequest}/notes`, { note: 'x' })).status).toBe(404);
    });

    it('borrows for the person’s own library and records the person, by name, on the timeline', async () => {
      const created = await asPerson(api, cookie).post('/requests', borrowing());
      expect(created.status).toBe(201);
      expect(created.body.library).toBe(LIBRARY_A);
      ownRequest = created.body.id;
      const noted = await asPerson(api, cookie).post(`/requests/${ownRequest}/notes`, { note: 'patron phoned' });
      expect(noted.body).toMatchObject({ kind: 'event', event: 'note', actor: `user:${userId}`, actorName: 'Ursula Franklin' });
      await request(api.app).post(`/api/v1/requests/${ownRequest}/notes`).set('Authorization', api.keys.staffA).send({ note: 'by the integration' });

      const timeline = (await asPerson(api, cookie).get(`/requests/${ownRequest}`)).body.timeline as { kind: string; event: string; actor: string; actorName: string | null }[];
      expect(timeline.filter((e) => e.kind === 'event').map((e) => [e.event, e.actor, e.actorName])).toEqual([
        ['created', `user:${userId}`, 'Ursula Franklin'],
        ['validate', 'system', null],
        ['note', `user:${userId}`, 'Ursula Franklin'],
        ['note', `staff:${api.keyIds.staffA}`, 'staff of A'],
      ]);
    });

    it('keeps a staff user out of admin routes and a read-only user out of changes, as keys are', async () => {
      expect((await asPerson(api, cookie).get('/users')).status).toBe(403);
      await makeUser(api, { username: 'reader', role: 'read-only' });
      const reader = await signIn(api, 'reader');
      const refused = await asPerson(api, reader).post('/requests', borrowing());
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain('a read-only user cannot do this');
    });
  });
});
