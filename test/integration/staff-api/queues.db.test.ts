/**
 * The staff's work queues: how many requests wait in each, in the key's library scope, and the
 * list of one queue with the filters and sorts staff use on it (need-before date, age, service
 * type), page by page.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RequestDataInput } from '../../../src/store/request-data';
import type { NewRequestRow } from '../../../src/store/requests';
import { insertRequest } from '../../../src/store/requests';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

const PAST = '2020-01-01T23:59:59Z';
const FUTURE = '2099-01-01T23:59:59Z';

describe('staff API: work queues (GET /queues, GET /requests?queue=)', () => {
  let api: StaffApi;
  const id: Record<string, string> = {};
  beforeAll(async () => {
    api = await startStaffApi();
    let clock = Date.parse('2026-05-01T09:00:00Z');
    const add = async (
      name: string,
      role: NewRequestRow['role'],
      state: string,
      more: { library?: 'a' | 'b'; needsAttention?: boolean; serviceType?: 'Loan' | 'Copy'; data?: RequestDataInput } = {},
    ) => {
      id[name] = randomUUID();
      const library = more.library === 'b' ? LIBRARY_B : LIBRARY_A;
      await insertRequest(
        api.database.db,
        {
          id: id[name]!,
          libraryId: more.library === 'b' ? api.libraryIds.b : api.libraryIds.a,
          role,
          state,
          serviceType: more.serviceType ?? 'Loan',
          requestingAgencyId: role === 'supplier' ? 'ISIL:DK-900' : library,
          requestingAgencyRequestId: id[name]!,
          supplyingAgencyId: role === 'supplier' ? library : 'ISIL:DK-900',
          supplyingAgencyRequestId: null,
          needsAttention: more.needsAttention ?? false,
          data: more.data ?? {},
        },
        new Date((clock += 60_000)),
      );
    };
    // Library A, borrowing.
    await add('patronRefused', 'requester', 'error', { needsAttention: true });
    await add('toSend', 'requester', 'validated', { data: { neededBy: '2026-06-30' } });
    await add('asked', 'requester', 'sent_to_supplier', { data: { neededBy: '2026-06-01' } });
    await add('askedCopy', 'requester', 'sent_to_supplier', { serviceType: 'Copy', data: { neededBy: '2026-06-15', lifecycle: { serviceType: 'Copy' } } });
    await add('askedUndated', 'requester', 'expect_to_supply');
    await add('conditions', 'requester', 'conditional');
    await add('arriving', 'requester', 'shipped', { data: { lifecycle: { serviceType: 'Loan', dueDate: FUTURE } } });
    await add('withPatron', 'requester', 'checked_out', { data: { lifecycle: { serviceType: 'Loan', dueDate: FUTURE } } });
    await add('patronLate', 'requester', 'checked_out', { data: { lifecycle: { serviceType: 'Loan', dueDate: PAST } } });
    await add('recalled', 'requester', 'recalled', { data: { lifecycle: { serviceType: 'Loan', resumeState: 'checked_out', lastStatus: 'Recalled' } } });
    await add('renewingLate', 'requester', 'renew_pending', { data: { lifecycle: { serviceType: 'Loan', resumeState: 'checked_out', lastStatus: 'Overdue', dueDate: FUTURE } } });
    await add('done', 'requester', 'complete');
    await add('doneButDeadWork', 'requester', 'complete', { needsAttention: true });
    // Library A, lending.
    await add('toAnswer', 'supplier', 'validated');
    await add('toPull', 'supplier', 'will_supply');
    await add('lentLate', 'supplier', 'shipped', { data: { lifecycle: { serviceType: 'Loan', dueDate: PAST } } });
    await add('lentUnreachable', 'supplier', 'shipped', { needsAttention: true, data: { lifecycle: { serviceType: 'Loan', dueDate: FUTURE } } });
    // Library B: never counted or listed for A's key.
    await add('elsewhereAsked', 'requester', 'sent_to_supplier', { library: 'b', data: { neededBy: '2026-05-15' } });
    await add('elsewhereLate', 'supplier', 'overdue', { library: 'b' });
    await add('elsewhereHub', 'broker', 'searching', { library: 'b', needsAttention: true });
  });
  afterAll(() => api.database.close());

  const counts = async (key: string) => {
    const res = await request(api.app).get('/api/v1/queues').set('Authorization', key);
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.queues as { id: string; count: number }[]).map((q) => [q.id, q.count]));
  };

  const names = (items: { id: string }[]) => {
    const byId = Object.fromEntries(Object.entries(id).map(([name, value]) => [value, name]));
    return items.map((i) => byId[i.id]);
  };

  const listed = async (query: string, key = api.keys.staffA) => {
    const res = await request(api.app).get(`/api/v1/requests${query}`).set('Authorization', key);
    expect([query, res.status]).toEqual([query, 200]);
    return names(res.body.items);
  };

  it('counts each queue in the key’s library, with flagged and overdue requests where they belong', async () => {
    expect(await counts(api.keys.staffA)).toEqual({
      'borrowing.attention': 2,
      'borrowing.new': 1,
      'borrowing.local': 0,
      'borrowing.waiting': 3,
      'borrowing.conditions': 1,
      'borrowing.will-supply': 0,
      'borrowing.in-transit': 1,
      'borrowing.to-patron': 0,
      'borrowing.on-loan': 2,
      'borrowing.overdue': 3,
      'borrowing.returned': 0,
      'borrowing.renewal': 1,
      'lending.attention': 1,
      'lending.new': 1,
      'lending.to-pull': 1,
      'lending.to-ship': 0,
      'lending.conditions': 0,
      'lending.cancel-requested': 0,
      'lending.renewal': 0,
      'lending.on-loan': 2,
      'lending.overdue': 1,
      'lending.returned': 0,
      'broker.active': 0,
      'broker.attention': 0,
    });
  });

  it('counts every library’s requests for a key of all libraries, and gives each queue its role and row action', async () => {
    const res = await request(api.app).get('/api/v1/queues').set('Authorization', api.keys.readOnly);
    expect(res.status).toBe(200);
    const queues = res.body.queues as { id: string; role: string; count: number; rowAction: string | null }[];
    expect(queues.find((q) => q.id === 'borrowing.waiting')).toEqual({ id: 'borrowing.waiting', role: 'requester', count: 4, rowAction: 'skip_supplier' });
    expect(queues.find((q) => q.id === 'lending.overdue')).toEqual({ id: 'lending.overdue', role: 'supplier', count: 2, rowAction: 'check_in' });
    expect(queues.find((q) => q.id === 'broker.attention')).toEqual({ id: 'broker.attention', role: 'broker', count: 1, rowAction: null });
    expect((await counts(api.keys.staffB))['borrowing.waiting']).toBe(1);
  });

  it('lists the requests of a queue, the same ones it counts, and only the key’s library', async () => {
    expect(await listed('?queue=borrowing.overdue&sort=createdAt')).toEqual(['patronLate', 'recalled', 'renewingLate']);
    expect(await listed('?queue=borrowing.attention&sort=createdAt')).toEqual(['patronRefused', 'doneButDeadWork']);
    expect(await listed('?queue=lending.on-loan&sort=createdAt')).toEqual(['lentLate', 'lentUnreachable']);
    expect(await listed('?queue=broker.attention')).toEqual([]);
    expect(await listed('?queue=broker.attention', api.keys.staff)).toEqual(['elsewhereHub']);
  });

  it('sorts a queue by the need-before date, undated last, and pages through it with cursors', async () => {
    expect(await listed('?queue=borrowing.waiting&sort=needBefore')).toEqual(['asked', 'askedCopy', 'askedUndated']);
    expect(await listed('?queue=borrowing.waiting&sort=-needBefore')).toEqual(['askedUndated', 'askedCopy', 'asked']);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(api.app)
        .get('/api/v1/requests')
        .query({ role: 'requester', sort: 'needBefore', limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', api.keys.staff);
      expect(res.status).toBe(200);
      pages.push(names(res.body.items) as string[]);
      cursor = res.body.nextCursor;
    } while (cursor);
    const all = pages.flat();
    // The dated ones by date (B's among them for a key of all libraries), then the rest by id.
    expect(all.slice(0, 5)).toEqual(['elsewhereAsked', 'asked', 'askedCopy', 'toSend', all[4]]);
    expect(all).toHaveLength(14);
    expect(new Set(all).size).toBe(14);
    expect(pages.every((p) => p.length <= 2)).toBe(true);
  });

  it('filters by service type and need-before dates, with the other filters', async () => {
    expect(await listed('?queue=borrowing.waiting&serviceType=Copy')).toEqual(['askedCopy']);
    expect(await listed('?queue=borrowing.waiting&serviceType=Loan&sort=createdAt')).toEqual(['asked', 'askedUndated']);
    expect(await listed('?needBeforeFrom=2026-06-01&needBeforeTo=2026-06-15&sort=needBefore')).toEqual(['asked', 'askedCopy']);
    expect(await listed('?needBeforeTo=2026-06-30&state=validated')).toEqual(['toSend']);
  });

  it('refuses an unknown queue, naming query.queue', async () => {
    const res = await request(api.app).get('/api/v1/requests?queue=borrowing.everything').set('Authorization', api.keys.staffA);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ path: 'query.queue', message: expect.stringContaining('unknown queue "borrowing.everything"') }]);
    const date = await request(api.app).get('/api/v1/requests?needBeforeFrom=soon').set('Authorization', api.keys.staffA);
    expect(date.status).toBe(400);
    expect(date.body.errors[0].path).toBe('query.needBeforeFrom');
  });
});
