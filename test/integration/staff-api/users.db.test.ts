/** Admins manage staff users; an admin of one library manages that library's users only. */
import request from 'supertest';
import { asPerson, makeUser, PASSWORD, signIn } from '../../helpers/accounts';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff users (/users)', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
  });
  afterAll(() => api.database.close());
  const as = (key: string) => ({
    get: (path: string) => request(api.app).get(`/api/v1${path}`).set('Authorization', key),
    post: (path: string, body: object) => request(api.app).post(`/api/v1${path}`).set('Authorization', key).send(body),
    patch: (path: string, body: object) => request(api.app).patch(`/api/v1${path}`).set('Authorization', key).send(body),
  });

  it('makes a user (never showing the password), with its Location, and refuses a taken username with 409', async () => {
    const made = await as(api.keys.admin).post('/users', { username: 'Annie', displayName: 'Annie Easley', role: 'staff', library: 'isil:dk-100', password: PASSWORD });
    expect(made.status).toBe(201);
    expect(made.headers.location).toBe(`/api/v1/users/${made.body.id as string}`);
    expect(made.body).toEqual({ id: expect.any(String), username: 'annie', displayName: 'Annie Easley', email: null, role: 'staff', library: LIBRARY_A, disabled: false, mustChangePassword: false, createdAt: expect.any(String), lastSignInAt: null });
    expect(JSON.stringify(made.body)).not.toContain('password');
    const again = await as(api.keys.admin).post('/users', { username: 'ANNIE', displayName: 'Another', role: 'staff', password: PASSWORD });
    expect(again.status).toBe(409);
  });

  it('refuses a short password, an unknown role and an unknown library, field by field', async () => {
    const res = await as(api.keys.admin).post('/users', { username: 'x', displayName: '', role: 'root', password: 'short' });
    expect(res.status).toBe(400);
    expect((res.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['displayName', 'password', 'role', 'username']);
    const library = await as(api.keys.admin).post('/users', { username: 'someone', displayName: 'Someone', role: 'staff', library: 'ISIL:XX-1', password: PASSWORD });
    expect(library.body.errors).toEqual([{ path: 'library', message: 'no member library ISIL:XX-1 is served here' }]);
  });

  it('lets an admin of one library see and make only its own library’s users', async () => {
    const inB = await makeUser(api, { username: 'bea', library: LIBRARY_B });
    const inA = await as(api.keys.adminA).post('/users', { username: 'carl', displayName: 'Carl', role: 'staff', password: PASSWORD });
    expect(inA.body.library).toBe(LIBRARY_A);
    expect((await as(api.keys.adminA).get(`/users/${inB}`)).status).toBe(404);
    expect((await as(api.keys.adminA).patch(`/users/${inB}`, { disabled: true })).status).toBe(404);
    expect((await as(api.keys.adminA).post(`/users/${inB}/password`, { password: PASSWORD })).status).toBe(404);
    expect((await as(api.keys.adminA).post('/users', { username: 'dan', displayName: 'Dan', role: 'staff', library: LIBRARY_B, password: PASSWORD })).status).toBe(403);
    expect((await as(api.keys.adminA).post('/users', { username: 'eve', displayName: 'Eve', role: 'admin', library: null, password: PASSWORD })).status).toBe(403);
    const listed = (await as(api.keys.adminA).get('/users')).body as { library: string }[];
    expect(new Set(listed.map((u) => u.library))).toEqual(new Set([LIBRARY_A]));
    expect(((await as(api.keys.admin).get('/users')).body as { id: string }[]).map((u) => u.id)).toContain(inB);
  });

  it('changes name, e-mail, role and library', async () => {
    const id = await makeUser(api, { username: 'fran' });
    const res = await as(api.keys.admin).patch(`/users/${id}`, { displayName: 'Frances Allen', email: 'fran@library.example.org', role: 'read-only', library: LIBRARY_B });
    expect(res.body).toMatchObject({ displayName: 'Frances Allen', email: 'fran@library.example.org', role: 'read-only', library: LIBRARY_B });
    expect((await as(api.keys.admin).get(`/users/${id}`)).body).toEqual(res.body);
  });

  it('works for a signed-in admin as for an admin key, who cannot disable or demote themself', async () => {
    const id = await makeUser(api, { username: 'root-admin', role: 'admin' });
    const admin = asPerson(api, await signIn(api, 'root-admin'));
    const made = await admin.post('/users', { username: 'gail', displayName: 'Gail', role: 'staff', password: PASSWORD });
    expect(made.status).toBe(201);
    expect((await admin.patch(`/users/${id}`, { disabled: true })).status).toBe(409);
    expect((await admin.patch(`/users/${id}`, { role: 'staff' })).status).toBe(409);
    expect((await admin.patch(`/users/${made.body.id as string}`, { disabled: true })).body.disabled).toBe(true);
  });
});
