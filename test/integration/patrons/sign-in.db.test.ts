/**
 * A patron signs in with their library card: barcode and PIN go to the library's ILS (the mock
 * ILS over real HTTP) in an NCIP LookupUser with AuthenticationInput; the answer's name, e-mail
 * and blocks come back in the patron's session, which lives in its own cookie.
 */
import request from 'supertest';
import { sessionCookieOf } from '../../helpers/accounts';
import { startMockIls, type MockIls } from '../../helpers/mock-ils';
import { anotherServer, borrowing, LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';
import { closedPort } from '../../helpers/ports';

const ADA = { barcode: '21000001', pin: '1234' };
const BO = { barcode: '21000002', pin: '9999' };

/** The `name=value` part of the patron cookie a response set. */
function patronCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const set = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return set.find((c) => c.startsWith('ill_patron='))?.split(';')[0];
}


async function configure(api: StaffApi, ils: MockIls): Promise<void> {
  const a = await request(api.app)
    .patch(`/api/v1/libraries/${LIBRARY_A}`)
    .set('Authorization', api.keys.admin)
    .send({
      settings: {
        ncip: { url: ils.url, fromAgencyId: 'ILL', toAgencyId: 'MAIN' },
        pickupLocations: [
          { code: 'MAIN', name: 'Main library, lending desk', address: '1 Library Square', email: 'desk@library.example.org' },
          { code: 'SCI', name: 'Science library' },
        ],
        patrons: { maxOpenRequests: 3 },
      },
    });
  expect(a.status).toBe(200);
  const b = await request(api.app)
    .patch(`/api/v1/libraries/${LIBRARY_B}`)
    .set('Authorization', api.keys.admin)
    .send({ settings: { patrons: { emailDomains: ['uni.example.org'], language: 'de' } } });
  expect(b.status).toBe(200);
}

const mockUsers = () => [
  { id: 'P-100', barcode: ADA.barcode, pin: ADA.pin, givenName: 'Ada', surname: 'Lovelace', email: 'ada@example.org' },
  { id: 'P-200', barcode: BO.barcode, pin: BO.pin, givenName: 'Bo', surname: 'Blocked', blocked: true },
  { id: 'P-300', barcode: '21000003', pin: '0000', surname: 'Limit' },
];

/** The staff API on a fresh database, library A checking cards with a mock ILS of its own. */
async function startSignInServer(options: Parameters<typeof startStaffApi>[0] = {}): Promise<{ api: StaffApi; ils: MockIls }> {
  const api = await startStaffApi(options);
  const ils = await startMockIls({ users: mockUsers() });
  await configure(api, ils);
  return { api, ils };
}

async function stopSignInServer(api: StaffApi | undefined, ils: MockIls | undefined): Promise<void> {
  await ils?.close();
  await api?.database.close();
}

describe('patron sign-in with the library card', () => {
  let api: StaffApi;
  let ils: MockIls;
  beforeAll(async () => {
    ({ api, ils } = await startSignInServer());
  }, 120_000);
  afterAll(() => stopSignInServer(api, ils));

  const signIn = (body: object) => request(api.app).post('/api/v1/patron/session').send(body);
  const asPatron = (cookie: string) => ({
    get: (path: string) => request(api.app).get(`/api/v1${path}`).set('Cookie', cookie),
    delete: (path: string) => request(api.app).delete(`/api/v1${path}`).set('Cookie', cookie).set('Sec-Fetch-Site', 'same-origin'),
  });

  describe('the library as its patron pages show it', () => {
    it('names the library, its language, its sign-in and its pickup locations (without staff addresses), whatever the case of the symbol', async () => {
      const res = await request(api.app).get(`/api/v1/patron/libraries/${encodeURIComponent(LIBRARY_A.toLowerCase())}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        symbol: LIBRARY_A,
        name: 'Main Library',
        language: 'en',
        acceptsRequests: true,
        signIn: 'ils',
        emailDomains: [],
        pickupLocations: [
          { code: 'MAIN', name: 'Main library, lending desk', address: '1 Library Square' },
          { code: 'SCI', name: 'Science library' },
        ],
        maxOpenRequests: 3,
      });
    });

    it('tells a library without NCIP that signs in by e-mail link, with its domains and language', async () => {
      const res = await request(api.app).get(`/api/v1/patron/libraries/${encodeURIComponent(LIBRARY_B)}`);
      expect(res.body).toMatchObject({ symbol: LIBRARY_B, language: 'de', acceptsRequests: true, signIn: 'email', emailDomains: ['uni.example.org'], pickupLocations: [] });
    });

    it('answers 404 for a library that is not a member here', async () => {
      const res = await request(api.app).get(`/api/v1/patron/libraries/${encodeURIComponent('ISIL:XX-999')}`);
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/problem+json');
    });
  });

  describe('signing in', () => {
    it('checks barcode and PIN with the ILS and answers the session, with the ILS’s name and e-mail, in its own cookie', async () => {
      ils.calls.length = 0;
      const res = await signIn({ library: LIBRARY_A.toLowerCase(), ...ADA });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        library: { symbol: LIBRARY_A, name: 'Main Library', language: 'en' },
        method: 'ils',
        name: 'Ada Lovelace',
        email: 'ada@example.org',
        blocked: false,
        blockReasons: [],
        openRequests: 0,
        maxOpenRequests: 3,
        expiresAt: expect.any(String),
        idleExpiresAt: expect.any(String),
      });
      expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.idleExpiresAt)).toBeGreaterThan(90 * 60_000);
      expect(patronCookieOf(res)).toMatch(/^ill_patron=[A-Za-z0-9_-]{43}$/);
      expect(sessionCookieOf(res)).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain(ADA.pin);

      const [lookup] = ils.calls;
      expect(lookup?.service).toBe('LookupUser');
      const inputs = (lookup?.message as { authenticationInputs?: { authenticationInputData: string; authenticationInputType: { value: string } }[] }).authenticationInputs;
      expect(inputs?.map((i) => [i.authenticationInputType.value, i.authenticationInputData])).toEqual([
        ['Barcode Id', ADA.barcode],
        ['PIN', ADA.pin],
      ]);
    });

    it('the cookie reaches GET /patron/session; a staff key does not', async () => {
      const cookie = patronCookieOf(await signIn({ library: LIBRARY_A, ...ADA }))!;
      const res = await asPatron(cookie).get('/patron/session');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ method: 'ils', name: 'Ada Lovelace', library: { symbol: LIBRARY_A } });
      expect((await request(api.app).get('/api/v1/patron/session').set('Authorization', api.keys.admin)).status).toBe(401);
      expect((await request(api.app).get('/api/v1/patron/session')).status).toBe(401);
    });

    it('answers a wrong PIN and an unknown card with the same 401 wrong_card, and sets no cookie', async () => {
      const answers = [await signIn({ library: LIBRARY_A, barcode: ADA.barcode, pin: '0000' }), await signIn({ library: LIBRARY_A, barcode: '99999999', pin: '1234' })];
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ status: 401, code: 'wrong_card', detail: 'the card number or PIN is not right' });
        expect(patronCookieOf(res)).toBeUndefined();
      }
    });

    it('signs a blocked patron in, saying so and why, so the form can tell them before they submit', async () => {
      const res = await signIn({ library: LIBRARY_A, ...BO });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Bo Blocked', blocked: true });
      expect(res.body.blockReasons).toEqual(expect.arrayContaining(['BlockOrTrap: Manual block']));
    });

    it('counts the patron’s open requests at the library', async () => {
      const created = await request(api.app)
        .post('/api/v1/requests')
        .set('Authorization', api.keys.staffA)
        .send(borrowing({ patron: { id: 'P-300', name: 'Limit' } }));
      expect(created.status).toBe(201);
      const res = await signIn({ library: LIBRARY_A, barcode: '21000003', pin: '0000' });
      expect(res.body).toMatchObject({ openRequests: 1, maxOpenRequests: 3 });
    });

    it('refuses card sign-in at a library whose patrons sign in by e-mail link (409)', async () => {
      const res = await signIn({ library: LIBRARY_B, ...ADA });
      expect(res.status).toBe(409);
    });

    it('refuses a body without a PIN (400), naming the field', async () => {
      const res = await signIn({ library: LIBRARY_A, barcode: ADA.barcode });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'pin' })]);
    });
  });

  describe('signing out and erasure', () => {
    it('signs out: 204, the cookie is cleared and the session no longer works', async () => {
      const cookie = patronCookieOf(await signIn({ library: LIBRARY_A, ...ADA }))!;
      const out = await asPatron(cookie).delete('/patron/session');
      expect(out.status).toBe(204);
      expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^ill_patron=; .*Expires=Thu, 01 Jan 1970/);
      expect((await asPatron(cookie).get('/patron/session')).status).toBe(401);
    });

    it('ends the patron’s sessions when staff erase the patron’s details; other patrons stay signed in', async () => {
      const ada = patronCookieOf(await signIn({ library: LIBRARY_A, ...ADA }))!;
      const bo = patronCookieOf(await signIn({ library: LIBRARY_A, ...BO }))!;
      const erased = await request(api.app).post('/api/v1/patrons/erase').set('Authorization', api.keys.admin).send({ library: LIBRARY_A, patronId: 'P-100' });
      expect(erased.status).toBe(200);
      expect((await asPatron(ada).get('/patron/session')).status).toBe(401);
      expect((await asPatron(bo).get('/patron/session')).status).toBe(200);
    });
  });

  describe('an ILS that does not answer', () => {
    it('answers 503 sign_in_unavailable with Retry-After when the ILS fails, and counts no wrong card', async () => {
      ils.setBehaviour({ httpStatus: 500 });
      try {
        const res = await signIn({ library: LIBRARY_A, ...ADA });
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ code: 'sign_in_unavailable' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        ils.setBehaviour({});
      }
      expect((await signIn({ library: LIBRARY_A, ...ADA })).status).toBe(201);
    });

    it('answers 503 when nothing listens at the ILS address', async () => {
      const other = await startStaffApi();
      try {
        const port = await closedPort();
        await request(other.app)
          .patch(`/api/v1/libraries/${LIBRARY_A}`)
          .set('Authorization', other.keys.admin)
          .send({ settings: { ncip: { url: `http://127.0.0.1:${port}/ncip`, fromAgencyId: 'ILL', toAgencyId: 'MAIN' } } })
          .expect(200);
        const res = await request(other.app).post('/api/v1/patron/session').send({ library: LIBRARY_A, ...ADA });
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('sign_in_unavailable');
      } finally {
        await other.database.close();
      }
    });
  });
});

describe('patron sign-in limits', () => {
  let api: StaffApi;
  let ils: MockIls;
  beforeAll(async () => {
    ({ api, ils } = await startSignInServer({
      authFailureLimit: { max: 3, windowMs: 60 * 60_000 },
      patrons: {
        limits: {
          perCard: { max: 3, windowMs: 60 * 60_000 },
          perAddress: { max: 6, windowMs: 60 * 60_000 },
          linksPerMailbox: { max: 3, windowMs: 60 * 60_000 },
          linksPerAddress: { max: 10, windowMs: 60 * 60_000 },
        },
      },
    }));
  }, 120_000);
  afterAll(() => stopSignInServer(api, ils));

  const signIn = (body: object) => request(api.app).post('/api/v1/patron/session').send(body);

  it('refuses a card after a few wrong PINs, the right PIN included, without asking the ILS; other cards go on', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn({ library: LIBRARY_A, barcode: ADA.barcode, pin: `wrong-${i}` })).status).toBe(401);
    const asked = ils.calls.length;
    const locked = await signIn({ library: LIBRARY_A, ...ADA });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(ils.calls.length).toBe(asked);
    expect((await signIn({ library: LIBRARY_A, ...BO })).status).toBe(201);
  });

  it('patrons’ wrong PINs do not lock the staff out of the same address', async () => {
    const res = await request(api.app).get('/api/v1/requests').set('Authorization', api.keys.admin);
    expect(res.status).toBe(200);
  });

  it('refuses an address after more wrong cards, whichever cards they were', async () => {
    // Three wrong ones so far from this address; three more reach the limit of six.
    for (const barcode of ['1', '2', '3']) expect((await signIn({ library: LIBRARY_A, barcode, pin: 'x' })).status).toBe(401);
    const res = await signIn({ library: LIBRARY_A, barcode: '21000003', pin: '0000' });
    expect(res.status).toBe(429);
  });
});

describe('patron sign-in limits on several servers', () => {
  const limits = {
    perCard: { max: 4, windowMs: 60 * 60_000 },
    perAddress: { max: 50, windowMs: 60 * 60_000 },
    linksPerMailbox: { max: 3, windowMs: 60 * 60_000 },
    linksPerAddress: { max: 10, windowMs: 60 * 60_000 },
  };
  let api: StaffApi;
  let ils: MockIls;
  beforeAll(async () => {
    ({ api, ils } = await startSignInServer({ patrons: { limits } }));
  }, 120_000);
  afterAll(() => stopSignInServer(api, ils));

  it('counts a card’s wrong PINs on every server alike: going round them gives a guesser no more tries', async () => {
    const servers = [api.app, anotherServer(api, { patrons: { limits } })];
    for (let i = 0; i < 4; i++) {
      const res = await request(servers[i % 2]!).post('/api/v1/patron/session').send({ library: LIBRARY_A, barcode: ADA.barcode, pin: `guess-${i}` });
      expect(res.status).toBe(401);
    }
    for (const server of servers) expect((await request(server).post('/api/v1/patron/session').send({ library: LIBRARY_A, ...ADA })).status).toBe(429);
  });
});

describe('patron session lifetimes', () => {
  const MINUTE = 60_000;
  let api: StaffApi;
  let ils: MockIls;
  let clock: Date;
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
  beforeAll(async () => {
    clock = new Date('2026-05-04T09:00:00.000Z');
    ({ api, ils } = await startSignInServer({ now: () => clock, patrons: { lifetimes: { idleMs: 20 * MINUTE, absoluteMs: 120 * MINUTE } } }));
  }, 120_000);
  afterAll(() => stopSignInServer(api, ils));

  const signedIn = async () => patronCookieOf(await request(api.app).post('/api/v1/patron/session').send({ library: LIBRARY_A, ...ADA }).expect(201))!;
  const session = (cookie: string) => request(api.app).get('/api/v1/patron/session').set('Cookie', cookie);

  it('ends a session left unused for 20 minutes; each use moves that on', async () => {
    const cookie = await signedIn();
    advance(19 * MINUTE);
    expect((await session(cookie)).body.idleExpiresAt).toBe(new Date(clock.getTime() + 20 * MINUTE).toISOString());
    advance(19 * MINUTE);
    expect((await session(cookie)).status).toBe(200);
    advance(21 * MINUTE);
    const ended = await session(cookie);
    expect(ended.status).toBe(401);
    expect((ended.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^ill_patron=; /);
  });

  it('ends a session two hours after sign-in, however busy', async () => {
    const cookie = await signedIn();
    for (let used = 0; used < 7; used++) {
      advance(15 * MINUTE);
      expect((await session(cookie)).status).toBe(200);
    }
    advance(15 * MINUTE);
    expect((await session(cookie)).status).toBe(401);
  });
});
