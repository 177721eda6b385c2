import request from 'supertest';
import { apiRoutes } from '../../../src/http/api';
import { isPublic, type ApiRoute } from '../../../src/http/api/route';
import { findApiKeyById } from '../../../src/store/api-keys';
import { startStaffApi, type StaffApi } from '../../helpers/staff-api';

/** A concrete URL for a documented path (ids that exist or not: authentication comes first). */
const urlOf = (route: ApiRoute) => `/api/v1${route.path.replace('{id}', '00000000-0000-4000-8000-000000000000').replace('{symbol}', 'ISIL:DK-100').replace('{outboxId}', '00000000-0000-4000-8000-000000000001')}`;

describe('staff API: authentication, roles and the failed-authentication limit', () => {
  let api: StaffApi;
  beforeAll(async () => {
    // These tests fail authentication on purpose, many times; the limit has tests of its own below.
    api = await startStaffApi({ authFailureLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterAll(() => api.database.close());

  /** Routes that need a key or a session (setup and sign-in are anonymous, see sessions.db.test.ts; patron routes take the patron's cookie only, test/integration/patrons). */
  const routes = () => apiRoutes(api.deps).filter((r): r is ApiRoute => !isPublic(r) && r.access !== 'anonymous' && r.access !== 'patron');
  const call = (route: ApiRoute, auth?: Record<string, string>) => {
    let req = request(api.app)[route.method](urlOf(route));
    for (const [name, value] of Object.entries(auth ?? {})) req = req.set(name, value);
    return route.method === 'get' || route.method === 'delete' ? req : req.send({});
  };

  it('answers every route without a key 401 with a Bearer challenge', async () => {
    for (const route of routes()) {
      const res = await call(route);
      expect([route.operationId, res.status, res.type]).toEqual([route.operationId, 401, 'application/problem+json']);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="ill"');
      expect(res.body.detail).toContain('Authorization: Bearer');
    }
  });

  it('answers a wrong key and a malformed header 401 invalid_token', async () => {
    for (const auth of [{ Authorization: 'Bearer ill_not-a-key' }, { 'X-API-Key': 'ill_not-a-key' }]) {
      const res = await request(api.app).get('/api/v1/requests').set(auth);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="ill", error="invalid_token"');
      expect(res.body.detail).toBe('the API key is not valid');
    }
    expect((await request(api.app).get('/api/v1/requests').set('Authorization', 'Basic dXNlcjpwYXNz')).status).toBe(401);
  });

  it('takes the key in X-API-Key as well as in Authorization, and records when it was last used', async () => {
    const res = await request(api.app).get('/api/v1/requests').set('X-API-Key', api.keys.readOnly.replace('Bearer ', ''));
    expect(res.status).toBe(200);
    expect((await findApiKeyById(api.database.db, api.keyIds.readOnly!))?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('refuses a revoked key at once', async () => {
    const made = await request(api.app).post('/api/v1/api-keys').set('Authorization', api.keys.admin).send({ name: 'temporary', role: 'staff' });
    const key = `Bearer ${made.body.key as string}`;
    expect((await request(api.app).get('/api/v1/requests').set('Authorization', key)).status).toBe(200);
    expect((await request(api.app).delete(`/api/v1/api-keys/${made.body.id as string}`).set('Authorization', api.keys.admin)).status).toBe(200);
    const res = await request(api.app).get('/api/v1/requests').set('Authorization', key);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('the API key was revoked');
  });

  it('lets read-only keys read only: every route that changes something answers 403', async () => {
    const changing = routes().filter((r) => r.method !== 'get' && r.access !== 'person');
    expect(changing.length).toBeGreaterThan(8);
    for (const route of changing) {
      const res = await call(route, { Authorization: api.keys.readOnly });
      expect([route.operationId, res.status, res.body.type]).toEqual([route.operationId, 403, '/problems/forbidden']);
      expect(res.body.detail).toContain(`needs the ${route.role} role`);
    }
  });

  it('keeps staff keys out of admin routes (keys, directory changes, library changes, the peer self-test) with 403', async () => {
    const adminOnly = routes().filter((r) => r.role === 'admin');
    expect(adminOnly.map((r) => r.operationId).sort()).toEqual([
      'createApiKey',
      'createLibrary',
      'createPartner',
      'createUser',
      'erasePatron',
      'getUser',
      'importDirectory',
      'listApiKeys',
      'listUsers',
      'resetUserPassword',
      'revokeApiKey',
      'selfTestPartner',
      'testLibraryNcip',
      'updateLibrary',
      'updatePartner',
      'updateUser',
    ]);
    for (const route of adminOnly) {
      const res = await call(route, { Authorization: api.keys.staff });
      expect([route.operationId, res.status]).toEqual([route.operationId, 403]);
    }
  });

  it('answers a key on the routes of a signed-in person (sign out, password) 403', async () => {
    const personal = routes().filter((r) => r.access === 'person');
    expect(personal.map((r) => r.operationId).sort()).toEqual(['changePassword', 'getSession', 'signOut', 'signOutEverywhere']);
    for (const route of personal) {
      const res = await call(route, { Authorization: api.keys.admin });
      expect([route.operationId, res.status]).toEqual([route.operationId, 403]);
      expect(res.body.detail).toContain('needs a signed-in person');
    }
  });

  it('keeps an admin key of one library out of server-wide changes (directory, new libraries) with 403', async () => {
    for (const route of routes().filter((r) => r.allLibraries)) {
      const res = await call(route, { Authorization: api.keys.adminA });
      expect([route.operationId, res.status]).toEqual([route.operationId, 403]);
      expect(res.body.detail).toContain('needs a key for all libraries');
    }
  });

  it('answers 404 problem+json for a path under /api/v1 that does not exist', async () => {
    const res = await request(api.app).get('/api/v1/loans').set('Authorization', api.keys.admin);
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
  });

  describe('failed authentications', () => {
    let limited: StaffApi;
    beforeAll(async () => {
      limited = await startStaffApi({ authFailureLimit: { max: 3, windowMs: 60_000 } });
    });
    afterAll(() => limited.database.close());

    it('are limited per client: past the limit every attempt gets 429 with Retry-After, a right key included', async () => {
      expect((await request(limited.app).get('/api/v1/requests').set('Authorization', limited.keys.staff)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await request(limited.app).get('/api/v1/requests').set('Authorization', `Bearer ill_guess${i}`)).status).toBe(401);
      const blocked = await request(limited.app).get('/api/v1/requests').set('Authorization', 'Bearer ill_guess4');
      expect(blocked.status).toBe(429);
      expect(blocked.type).toBe('application/problem+json');
      expect(blocked.body).toMatchObject({ type: '/problems/too-many-attempts', status: 429 });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await request(limited.app).get('/api/v1/requests').set('Authorization', limited.keys.staff)).status).toBe(429);
    });

    it('do not count successful requests', async () => {
      const fresh = await startStaffApi({ authFailureLimit: { max: 2, windowMs: 60_000 } });
      try {
        for (let i = 0; i < 5; i++) expect((await request(fresh.app).get('/api/v1/requests').set('Authorization', fresh.keys.staff)).status).toBe(200);
        expect((await request(fresh.app).get('/api/v1/requests')).status).toBe(401);
        expect((await request(fresh.app).get('/api/v1/requests').set('Authorization', fresh.keys.staff)).status).toBe(200);
      } finally {
        await fresh.database.close();
      }
    });
  });
});
