/**
 * A signed-in patron's requests, through the API with the patron's cookie (`ill_patron`): placing
 * one as staff would (the patron from the session, never from the form), the library's limits,
 * seeing only one's own, cancelling before anything is shipped and asking for a renewal on loan,
 * the request's phase in plain words along a whole loan, and the citation an OpenURL gives.
 */
import { and, eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { deliverOutboxRow, type DeliveryDeps } from '../../../src/services/iso18626/delivery';
import { openPatronSession, type PatronDetails } from '../../../src/services/patrons/sessions';
import { outbox, requests } from '../../../src/store/schema';
import { LIBRARY_A, startStaffApi, type StaffApi } from '../../helpers/staff-api';

// A fresh database (migrations) and a few dozen writes: minutes on a loaded machine, never a timing assertion.
jest.setTimeout(180_000);

const HOUR = 3600 * 1000;
const ADA = { patronId: 'P-1815', details: { name: 'Ada Lovelace', email: 'ada@example.org' } };
const BOOK = { kind: 'loan', title: 'The Dispossessed', author: 'Le Guin, Ursula K.', isbn: '978-0-06-051275-0' };

interface PatronRequest {
  id: string;
  requestNumber: string;
  phase: string;
  actions: string[];
  recalled: boolean;
  overdue: boolean;
  renewalPending: boolean;
  cancelRequested: boolean;
  dueDate?: string;
  shippedAt?: string;
  endedAt?: string;
  pickupLocation?: { code: string; name: string; address?: string };
  [key: string]: unknown;
}

describe('the patron’s requests', () => {
  let api: StaffApi;
  let clock = new Date('2027-04-05T09:00:00Z');
  let deps: DeliveryDeps;

  beforeAll(async () => {
    api = await startStaffApi({ now: () => clock });
    deps = { ...api.deps, timeoutMs: 5000 };
    const settings = { pickupLocations: [{ code: 'MAIN', name: 'Main library, lending desk', address: '1 Library Square' }, { code: 'SCI', name: 'Science library' }] };
    expect((await request(api.app).patch(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin).send({ settings })).status).toBe(200);
  });
  afterAll(() => api.database.close());

  type Who = { patronId: string; details: PatronDetails; library?: 'a' | 'b' };
  /** A patron's cookie, as sign-in would set it. */
  async function signIn(who: Who = ADA): Promise<string> {
    const { token } = await openPatronSession(api.deps, { libraryId: api.libraryIds[who.library ?? 'a'], patronId: who.patronId, method: 'ils', details: who.details });
    return `ill_patron=${token}`;
  }
  /** Each call signs in afresh: the test's clock runs past a session's two hours. */
  const asPatron = (who: Who = ADA) => ({
    get: async (path: string) => request(api.app).get(`/api/v1${path}`).set('Cookie', await signIn(who)),
    post: async (path: string, body?: object) => request(api.app).post(`/api/v1${path}`).set('Cookie', await signIn(who)).set('Sec-Fetch-Site', 'same-origin').send(body),
  });
  const place = async (who: Who = ADA, body: object = BOOK): Promise<PatronRequest> => {
    const res = await asPatron(who).post('/patron/requests', body);
    expect({ status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ status: 201, body: undefined });
    return res.body as PatronRequest;
  };
  const staffView = async (id: string) => (await request(api.app).get(`/api/v1/requests/${id}`).set('Authorization', api.keys.admin)).body as { state: string; version: number; data: Record<string, unknown>; timeline: { kind: string; actor?: string; event?: string }[] };
  const act = async (id: string, action: string, key: string, params?: Record<string, unknown>) => {
    const { version } = await staffView(id);
    const res = await request(api.app).post(`/api/v1/requests/${id}/actions`).set('Authorization', key).send({ action, version, ...(params ? { params } : {}) });
    expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ status: 200, body: undefined });
  };
  /** Delivers what the request has waiting for the other member library. */
  const deliver = async (requestId: string) => {
    const rows = await api.database.db.select().from(outbox).where(and(eq(outbox.requestId, requestId), eq(outbox.queue, 'delivery'), eq(outbox.status, 'pending')));
    for (const row of rows) await deliverOutboxRow(deps, row);
  };
  const lendingSide = async (borrowingId: string) => {
    const [lent] = await api.database.db.select().from(requests).where(and(eq(requests.role, 'supplier'), eq(requests.requestingAgencyRequestId, borrowingId)));
    return lent!.id;
  };
  const setPatronSettings = async (patrons: Record<string, unknown> | null) => {
    expect((await request(api.app).patch(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin).send({ settings: { patrons } })).status).toBe(200);
  };

  it('places a request as staff would, for the patron who signed in, with what the form said', async () => {
    const res = await asPatron().post('/patron/requests', {
      ...BOOK,
      pickupLocation: 'main',
      neededBy: '2027-06-30',
      note: 'For my seminar',
      pmid: '',
      referrer: 'primo.exlibrisgroup.com',
      edition: '  ',
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/patron/requests/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(String),
      requestNumber: expect.stringMatching(/^[1-9]\d*$/),
      kind: 'loan',
      title: 'The Dispossessed',
      author: 'Le Guin, Ursula K.',
      // The directory's other member library was asked at once.
      phase: 'searching',
      recalled: false,
      overdue: false,
      renewalPending: false,
      cancelRequested: false,
      createdAt: clock.toISOString(),
      neededBy: '2027-06-30',
      pickupLocation: { code: 'MAIN', name: 'Main library, lending desk', address: '1 Library Square' },
      actions: ['cancel'],
    });
    const staff = await staffView(res.body.id);
    expect(staff.data).toMatchObject({
      patron: { id: ADA.patronId, name: 'Ada Lovelace', email: 'ada@example.org' },
      bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.', isbn: '978-0-06-051275-0' },
      pickupLocation: 'MAIN',
      neededBy: '2027-06-30',
      note: 'For my seminar',
      source: { channel: 'patron', referrer: 'primo.exlibrisgroup.com' },
    });
    expect(staff.data.bibliographic).not.toHaveProperty('edition');
    expect(staff.timeline[0]).toMatchObject({ event: 'created', actor: 'patron', actorName: 'the patron' });
  });

  it('takes the patron from the session: a patron id or name in the form is refused, not used', async () => {
    const res = await asPatron().post('/patron/requests', { ...BOOK, patron: { id: 'P-someone-else' } });
    expect(res.status).toBe(400);
  });

  it('refuses a form without a title, a bad date and a pickup location the library does not have, naming the field', async () => {
    const untitled = await asPatron().post('/patron/requests', { kind: 'loan', isbn: '978-0-06-051275-0' });
    expect(untitled.status).toBe(400);
    expect(untitled.body.errors).toEqual([expect.objectContaining({ path: 'title' })]);
    const badDate = await asPatron().post('/patron/requests', { ...BOOK, neededBy: '30.06.2027' });
    expect(badDate.body.errors).toEqual([expect.objectContaining({ path: 'neededBy', message: 'must be a date such as 2026-12-31' })]);
    const elsewhere = await asPatron().post('/patron/requests', { ...BOOK, pickupLocation: 'MOON' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors).toEqual([{ path: 'pickupLocation', message: 'Main Library has no pickup location MOON' }]);
  });

  it('keeps a PubMed id for staff in the note, and a copy’s article in the journal it is in', async () => {
    const copy = await place(ADA, { kind: 'copy', title: 'Nature', articleTitle: 'Initial sequencing of the human genome', articleAuthor: 'Lander, E. S.', volume: '409', pages: '860-921', pmid: '11237011' });
    expect(copy).toMatchObject({ kind: 'copy', title: 'Nature', articleTitle: 'Initial sequencing of the human genome', author: 'Lander, E. S.' });
    const staff = await staffView(copy.id);
    expect(staff.data).toMatchObject({ note: 'PMID 11237011', bibliographic: { title: 'Nature', titleOfComponent: 'Initial sequencing of the human genome', authorOfComponent: 'Lander, E. S.', volume: '409', pagesRequested: '860-921' } });
  });

  it('shows a patron their own requests only, newest first, and another patron’s request as not found', async () => {
    const grace = { patronId: 'P-1906', details: { name: 'Grace Hopper' } };
    const first = await place(grace, { ...BOOK, title: 'First' });
    clock = new Date(clock.getTime() + 60_000);
    const second = await place(grace, { ...BOOK, title: 'Second' });
    // The same patron id at another library is another patron.
    const atB = await place({ ...grace, library: 'b' }, { ...BOOK, title: 'At the branch' });
    const adas = await place();

    const list = await asPatron(grace).get('/patron/requests');
    expect(list.status).toBe(200);
    expect((list.body.items as PatronRequest[]).map((r) => r.title)).toEqual(['Second', 'First']);
    expect((await asPatron(grace).get(`/patron/requests/${first.id}`)).body).toMatchObject({ id: first.id, title: 'First' });
    for (const id of [adas.id, atB.id, 'not-a-uuid']) expect((await asPatron(grace).get(`/patron/requests/${id}`)).status).toBe(404);
    expect((await asPatron().post(`/patron/requests/${second.id}/cancel`)).status).toBe(404);
  });

  it('lets in no one without a patron session: not anonymous callers, not staff keys', async () => {
    expect((await request(api.app).get('/api/v1/patron/requests')).status).toBe(401);
    expect((await request(api.app).get('/api/v1/patron/requests').set('Authorization', api.keys.admin)).status).toBe(401);
    const forged = await request(api.app).post('/api/v1/patron/requests').set('Cookie', await signIn()).set('Sec-Fetch-Site', 'cross-site').send(BOOK);
    expect(forged.status).toBe(403);
  });

  it('refuses a blocked patron, in words and with code blocked', async () => {
    const res = await asPatron({ patronId: 'P-666', details: { name: 'Owes Fines', blockReasons: ['Fines over limit'] } }).post('/patron/requests', BOOK);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'blocked', detail: 'your library account is blocked: Fines over limit' });
  });

  it('holds a patron to the library’s open requests and requests per day, with codes and a Retry-After', async () => {
    const busy = { patronId: 'P-BUSY', details: {} };
    await setPatronSettings({ maxOpenRequests: 2, requestsPerDay: 3 });
    const one = await place(busy);
    await place(busy);
    const third = await asPatron(busy).post('/patron/requests', BOOK);
    expect(third.status).toBe(409);
    expect(third.body).toMatchObject({ code: 'limit_open', detail: expect.stringContaining('(2)') });

    // An ended request frees a place; the day's count still holds it.
    await act(one.id, 'close_manually', api.keys.staffA);
    clock = new Date(clock.getTime() + 2 * HOUR);
    const made = await place(busy);
    await act(made.id, 'close_manually', api.keys.staffA);
    const fourth = await asPatron(busy).post('/patron/requests', BOOK);
    expect(fourth.status).toBe(429);
    expect(fourth.body).toMatchObject({ code: 'limit_rate' });
    // The first of the three leaves the 24 hours in 22 hours.
    expect(Number(fourth.headers['retry-after'])).toBe(22 * 3600);

    clock = new Date(clock.getTime() + 22 * HOUR);
    await place(busy);
    await setPatronSettings(null);
  });

  it('holds a patron to the open-request limit when several submits arrive at once (a double click, two tabs)', async () => {
    const eager = { patronId: 'P-EAGER', details: {} };
    await setPatronSettings({ maxOpenRequests: 2, requestsPerDay: 20 });
    const cookie = await signIn(eager);
    // One listening server, so the submits reach it together rather than one server start apart.
    const server = api.app.listen(0, '127.0.0.1');
    const submits = await Promise.all(
      Array.from({ length: 6 }, () => request(server).post('/api/v1/patron/requests').set('Cookie', cookie).set('Sec-Fetch-Site', 'same-origin').send(BOOK)),
    ).finally(() => server.close());
    expect(submits.map((res) => res.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    expect(submits.filter((res) => res.status === 409).every((res) => res.body.code === 'limit_open')).toBe(true);
    const stored = await api.database.db.select().from(requests).where(and(eq(requests.role, 'requester'), sql`${requests.data}->'patron'->>'id' = 'P-EAGER'`));
    expect(stored).toHaveLength(2);
    await setPatronSettings(null);
  });

  it('cancels a request before it is shipped: the lender is asked, and the request ends when it agrees', async () => {
    const waiting = await place();
    expect(waiting).toMatchObject({ phase: 'searching', actions: ['cancel'] });
    await deliver(waiting.id);
    const cancelled = await asPatron().post(`/patron/requests/${waiting.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ phase: 'searching', cancelRequested: true, actions: [] });
    const staff = await staffView(waiting.id);
    expect(staff.state).toBe('cancel_pending');
    expect(staff.timeline.filter((e) => e.kind === 'event').at(-1)).toMatchObject({ toState: 'cancel_pending', actor: 'patron', actorName: 'the patron' });
    const again = await asPatron().post(`/patron/requests/${waiting.id}/cancel`);
    expect([again.status, again.body.code]).toEqual([409, 'not_cancellable']);

    await deliver(waiting.id);
    const lent = await lendingSide(waiting.id);
    await act(lent, 'accept_cancel', api.keys.staffB);
    await deliver(lent);
    expect((await asPatron().get(`/patron/requests/${waiting.id}`)).body).toMatchObject({ phase: 'cancelled', cancelRequested: false, actions: [], endedAt: clock.toISOString() });
  });

  it('follows a loan in plain words, from searching to on loan, and asks for a renewal once', async () => {
    const placed = await place(ADA, { ...BOOK, pickupLocation: 'SCI' });
    const phase = async () => (await asPatron().get(`/patron/requests/${placed.id}`)).body as PatronRequest;
    expect(await phase()).toMatchObject({ phase: 'searching', actions: ['cancel'] });
    await deliver(placed.id);
    const lent = await lendingSide(placed.id);

    clock = new Date(clock.getTime() + HOUR);
    const shippedAt = clock.toISOString();
    await act(lent, 'ship', api.keys.staffB, { dueDate: '2027-05-20T21:59:59Z' });
    await deliver(lent);
    const onTheWay = await phase();
    expect(onTheWay).toMatchObject({ phase: 'on_the_way', shippedAt, dueDate: '2027-05-20T21:59:59.000Z', actions: [], pickupLocation: { code: 'SCI', name: 'Science library' } });
    expect((await asPatron().post(`/patron/requests/${placed.id}/cancel`)).body.code).toBe('not_cancellable');
    // Nothing of the lender reaches the patron.
    expect(JSON.stringify(onTheWay)).not.toContain('DK-200');

    await act(placed.id, 'mark_received', api.keys.staffA);
    expect(await phase()).toMatchObject({ phase: 'ready_for_pickup', actions: [] });
    const early = await asPatron().post(`/patron/requests/${placed.id}/renew`);
    expect([early.status, early.body.code]).toEqual([409, 'not_renewable']);
    await act(placed.id, 'check_out', api.keys.staffA);
    expect(await phase()).toMatchObject({ phase: 'on_loan', actions: ['renew'], overdue: false });

    const renewed = await asPatron().post(`/patron/requests/${placed.id}/renew`);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ phase: 'on_loan', renewalPending: true, actions: [] });
    expect((await staffView(placed.id)).state).toBe('renew_pending');
    const twice = await asPatron().post(`/patron/requests/${placed.id}/renew`);
    expect([twice.status, twice.body.code]).toEqual([409, 'not_renewable']);

    // Past the due date, the patron is told so before the lender says it.
    clock = new Date('2027-05-21T08:00:00Z');
    expect(await phase()).toMatchObject({ phase: 'on_loan', overdue: true });
  });

  it('lists ended requests for a year after they ended, and open ones however old', async () => {
    const old = { patronId: 'P-OLD', details: {} };
    const ended = await place(old, { ...BOOK, title: 'Ended long ago' });
    await act(ended.id, 'close_manually', api.keys.staffA);
    clock = new Date(clock.getTime() + 60_000);
    const open = await place(old, { ...BOOK, title: 'Still open' });
    expect(((await asPatron(old).get('/patron/requests')).body.items as PatronRequest[]).map((r) => r.id)).toEqual([open.id, ended.id]);
    clock = new Date(clock.getTime() + 366 * 24 * HOUR);
    expect(((await asPatron(old).get('/patron/requests')).body.items as PatronRequest[]).map((r) => r.id)).toEqual([open.id]);
  });

  describe('GET /patron/citation', () => {
    const read = (query: string) => request(api.app).get(`/api/v1/patron/citation?${query}`);

    it('fills the form from an OpenURL 1.0 article citation, with every rft_id read', async () => {
      const res = await read(
        'url_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article&rft.atitle=Initial%20sequencing&rft.jtitle=Nature&rft.aulast=Lander&rft.aufirst=Eric&rft.volume=409&rft.spage=860&rft.epage=921&rft.date=2001' +
          '&rft_id=info%3Adoi%2F10.1038%2F35057062&rft_id=info%3Apmid%2F11237011&rfr_id=info%3Asid%2Fprimo.exlibrisgroup.com',
      );
      expect(res.status).toBe(200);
      expect(res.body.form).toEqual({
        kind: 'copy',
        title: 'Nature',
        articleTitle: 'Initial sequencing',
        articleAuthor: 'Lander, Eric',
        volume: '409',
        pages: '860-921',
        publicationDate: '2001',
        doi: '10.1038/35057062',
        pmid: '11237011',
        referrer: 'primo.exlibrisgroup.com',
      });
      expect(res.body.citation).toMatchObject({ kind: 'article', serviceType: 'Copy', version: '1.0' });
    });

    it('gives a form to complete for a citation that says almost nothing, and cuts what is too long for it', async () => {
      const empty = await read('sid=google');
      expect([empty.status, empty.body.form]).toEqual([200, { kind: 'loan', referrer: 'google' }]);
      const long = await read(`title=${'a'.repeat(1500)}&isbn=${'9'.repeat(40)}`);
      expect(long.body.form.title).toHaveLength(1000);
      expect(long.body.form).not.toHaveProperty('isbn');
    });
  });
});
