/** Staff users and their sessions over HTTP, as the web app (a same-origin browser page) uses them. */
import request from 'supertest';
import type { StaffApi } from './staff-api';

export const PASSWORD = 'correct horse battery';

/** A user made by an admin key through POST /users; the id. */
export async function makeUser(api: StaffApi, fields: Record<string, unknown>, key = api.keys.admin): Promise<string> {
  const res = await request(api.app).post('/api/v1/users').set('Authorization', key).send({ password: PASSWORD, displayName: `${String(fields.username)} (display)`, role: 'staff', ...fields });
  if (res.status !== 201) throw new Error(`POST /users answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The `name=value` part of the session cookie a response set, for the next requests. */
export function sessionCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const set = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return set.find((c) => c.startsWith('ill_session='))?.split(';')[0];
}

export async function signIn(api: StaffApi, username: string, password = PASSWORD): Promise<string> {
  const res = await request(api.app).post('/api/v1/session').send({ username, password });
  if (res.status !== 200) throw new Error(`POST /session answered ${res.status}: ${JSON.stringify(res.body)}`);
  return sessionCookieOf(res)!;
}

/** Requests of a signed-in page: the cookie, and for changes the header every browser sends from our own page. */
export function asPerson(api: StaffApi, cookie: string) {
  const agent = request(api.app);
  const page = <T extends { set(name: string, value: string): T }>(req: T) => req.set('Cookie', cookie).set('Sec-Fetch-Site', 'same-origin');
  return {
    get: (path: string) => page(agent.get(`/api/v1${path}`)),
    post: (path: string, body: object = {}) => page(agent.post(`/api/v1${path}`)).send(body),
    patch: (path: string, body: object) => page(agent.patch(`/api/v1${path}`)).send(body),
    delete: (path: string) => page(agent.delete(`/api/v1${path}`)),
  };
}
