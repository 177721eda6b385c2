/**
 * A systems librarian tests a library's ILS connection before relying on it: LookupVersion and a
 * LookupUser for a test patron, with the stored settings or the ones typed in a form. What the ILS
 * says (or that nothing answers) is the answer in plain words, never a server error.
 */
import request from 'supertest';
import { LIBRARY_A, startStaffApi, type StaffApi } from '../../helpers/staff-api';
import { startMockIls, type MockIls } from '../../helpers/mock-ils';
import { closedPort } from '../../helpers/ports';


interface Step {
  service: string;
  ok: boolean;
  message: string;
  versions?: string[];
  patron?: { id: string; name?: string; blocked: boolean; blockReasons: string[] };
}

describe('staff API: the ILS test connection (POST /libraries/{symbol}/ncip-test)', () => {
  let api: StaffApi;
  let ils: MockIls;
  beforeAll(async () => {
    api = await startStaffApi();
    ils = await startMockIls({
      users: [
        { id: 'P-100', givenName: 'Ada', surname: 'Lovelace', email: 'ada@example.org' },
        { id: 'P-200', givenName: 'Bo', surname: 'Blocked', blocked: true },
      ],
    });
    const saved = await request(api.app)
      .patch(`/api/v1/libraries/${LIBRARY_A}`)
      .set('Authorization', api.keys.admin)
      .send({ settings: { ncip: { url: ils.url, fromAgencyId: 'ILL', toAgencyId: 'MAIN', fromAgencyAuthentication: 'ncip-secret' } } });
    expect(saved.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await ils.close();
    await api.database.close();
  });

  const test = (body: object, key = api.keys.admin) => request(api.app).post(`/api/v1/libraries/${LIBRARY_A}/ncip-test`).set('Authorization', key).send(body);

  it('finds a test patron with the stored settings, and shows the exchange with the secret masked', async () => {
    const res = await test({ patronId: 'P-100' });
    expect(res.status).toBe(200);
    expect(res.body.reachable).toBe(true);
    const [version, user] = res.body.steps as Step[];
    expect(version).toMatchObject({ service: 'LookupVersion', ok: true, versions: ['2.02'] });
    expect(user).toMatchObject({ service: 'LookupUser', ok: true, patron: { id: 'P-100', name: 'Ada Lovelace', blocked: false } });
    expect(user!.message).toBe('Patron Ada Lovelace (P-100) was found and may borrow.');
    expect(res.body.exchanges.map((e: { service: string }) => e.service)).toEqual(['LookupVersion', 'LookupUser']);
    const lookupUser = res.body.exchanges[1] as { requestXml: string; responseXml: string };
    expect(lookupUser.requestXml).toContain('P-100');
    expect(lookupUser.requestXml).not.toContain('ncip-secret');
    expect(lookupUser.responseXml).toContain('Lovelace');
  });

  it('tells a blocked patron apart from one who may borrow', async () => {
    const user = ((await test({ patronId: 'P-200' })).body.steps as Step[])[1]!;
    expect(user.ok).toBe(true);
    expect(user.patron?.blocked).toBe(true);
    expect(user.message).toMatch(/^Patron Bo Blocked \(P-200\) was found and is blocked/);
  });

  it('reports an unknown patron as the ILS’s NCIP Problem, in words', async () => {
    const res = await test({ patronId: 'NOBODY' });
    expect(res.status).toBe(200);
    expect(res.body.reachable).toBe(true);
    const user = (res.body.steps as Step[])[1]!;
    expect(user.ok).toBe(false);
    expect(user.message).toMatch(/^The ILS answered with an NCIP Problem: Unknown User/);
    expect(res.body.exchanges[1].outcome).toBe('refused');
  });

  it('tests settings typed in a form without saving them, the masked secret standing for the stored one', async () => {
    const port = await closedPort();
    const res = await test({ settings: { url: `http://127.0.0.1:${port}/ncip`, fromAgencyId: 'ILL', toAgencyId: 'MAIN', fromAgencyAuthentication: '********' }, patronId: 'P-100' });
    expect(res.status).toBe(200);
    expect(res.body.reachable).toBe(false);
    const [version, user] = res.body.steps as Step[];
    expect(version!.ok).toBe(false);
    expect(version!.message).toMatch(/^Nothing answers at this address \(connection refused\)/);
    expect(user!.ok).toBe(false);
    const stored = await request(api.app).get(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin);
    expect(stored.body.settings.ncip.url).toBe(ils.url);
  });

  it('answers a stopped ILS with connection refused, not a server error', async () => {
    const stopped = await startMockIls();
    const url = stopped.url;
    await stopped.close();
    const res = await test({ settings: { url, fromAgencyId: 'ILL', toAgencyId: 'MAIN' } });
    expect(res.status).toBe(200);
    expect((res.body.steps as Step[])[0]!.message).toContain('connection refused');
  });

  it('refuses settings that do not validate with the field named, and staff may not test', async () => {
    const bad = await test({ settings: { url: 'ftp://ils.example', fromAgencyId: 'ILL' } });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['settings.toAgencyId', 'settings.url']);
    expect((await test({}, api.keys.staffA)).status).toBe(403);
  });
});
