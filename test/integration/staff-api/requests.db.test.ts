import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { listEvents } from '../../../src/store/events';
import { recordMessage } from '../../../src/store/messages';
import { getOutboxRow, markDead } from '../../../src/store/outbox';
import { insertPartner } from '../../../src/store/partners';
import { getRequest, insertRequest, updateRequest } from '../../../src/store/requests';
import { notifications, outbox, requests } from '../../../src/store/schema';
import { borrowing, LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: requests', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    // Supplies copies only: loans made without candidates stay with staff (state validated).
    await insertPartner(api.database.db, { id: randomUUID(), symbol: 'ISIL:DK-900', name: 'Copy service', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: { services: ['Copy'] }, vendor: null, contactEmail: null, status: 'active' });
    // So do the two member libraries, which would otherwise lend to each other.
    for (const library of [LIBRARY_A, LIBRARY_B]) {
      const res = await request(api.app).patch(`/api/v1/libraries/${library}`).set('Authorization', api.keys.admin).send({ settings: { lending: { services: ['Copy'] } } });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => api.database.close());

  const post = (path: string, key: string, body: unknown) => request(api.app).post(`/api/v1${path}`).set('Authorization', key).send(body as object);
  const get = (path: string, key: string) => request(api.app).get(`/api/v1${path}`).set('Authorization', key);
  const create = async (key: string, body: Record<string, unknown> = borrowing()) => {
    const res = await post('/requests', key, body);
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number; state: string; actions: string[]; library: string };
  };

  describe('POST /requests', () => {
    it('creates a borrowing request for the key’s library, answers 201 with where it lives and what can be done next', async () => {
      const res = await post('/requests', api.keys.staffA, borrowing({ neededBy: '2027-01-31', note: 'for a thesis' }));
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/v1/requests/${res.body.id}`);
      expect(res.body).toMatchObject({
        library: LIBRARY_A,
        role: 'requester',
        state: 'validated',
        serviceType: 'Loan',
        requestingAgencyId: LIBRARY_A,
        needsAttention: false,
        data: { bibliographic: { title: 'The Left Hand of Darkness' }, patron: { id: 'P-1001' }, pickupLocation: 'MAIN', neededBy: '2027-01-31', source: { channel: 'staff' } },
        actions: ['send', 'edit_patron', 'cancel', 'close_manually'],
      });
      const events = await listEvents(api.database.db, res.body.id);
      expect(events.map((e) => [e.event, e.actor])).toEqual([
        ['created', `staff:${api.keyIds.staffA}`],
        ['validate', 'system'],
      ]);
    });

    it('keeps the most the library will pay, which lenders are sent as billingInfo maximumCosts', async () => {
      const res = await post('/requests', api.keys.staffA, borrowing({ maxCost: { monetaryValue: '25.00', currencyCode: 'EUR' } }));
      expect(res.status).toBe(201);
      expect(res.body.data.billing).toEqual({ maxCost: { monetaryValue: '25.00', currencyCode: 'EUR' } });
      const bad = await post('/requests', api.keys.staffA, borrowing({ maxCost: { monetaryValue: 'a lot', currencyCode: 'euro' } }));
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['maxCost.currencyCode', 'maxCost.monetaryValue']);
    });

    it('sends it at once to candidate suppliers the directory knows', async () => {
      const res = await post('/requests', api.keys.staffA, borrowing({ serviceType: 'Copy', candidates: [{ symbol: 'isil:dk-900' }] }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ state: 'sent_to_supplier', partner: 'ISIL:DK-900' });
    });

    it('borrows for the library named in the body when the key acts for all libraries', async () => {
      const res = await post('/requests', api.keys.staff, borrowing({ library: 'isil:dk-200' }));
      expect(res.status).toBe(201);
      expect(res.body.library).toBe(LIBRARY_B);
    });

    it('needs the library named when the key acts for all of several libraries', async () => {
      const res = await post('/requests', api.keys.staff, borrowing());
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'library', message: expect.stringContaining('is required') }]);
    });

    it('refuses a library-scoped key borrowing for another library (403) and an unknown library (400)', async () => {
      const other = await post('/requests', api.keys.staffA, borrowing({ library: LIBRARY_B }));
      expect(other.status).toBe(403);
      expect(other.type).toBe('application/problem+json');
      const unknown = await post('/requests', api.keys.staff, borrowing({ library: 'ISIL:XX-1' }));
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ path: 'library', message: 'no member library ISIL:XX-1 is served here' }]);
    });

    it('lists every bad field as problem+json and stores nothing', async () => {
      const before = (await api.database.db.select().from(requests)).length;
      const res = await post('/requests', api.keys.staffA, { serviceType: 'Lease', bibliographic: { author: 'Nobody' }, patron: { email: 'not-an-address' }, colour: 'red' });
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body).toMatchObject({ type: '/problems/validation', title: 'Validation failed', status: 400, instance: '/api/v1/requests' });
      const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['serviceType', 'bibliographic', 'patron.id', 'patron.email', '(body)']));
      expect((await api.database.db.select().from(requests)).length).toBe(before);
    });

    it('answers a body that is not JSON with 400 malformed-json', async () => {
      const res = await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffA).set('Content-Type', 'application/json').send('{"bibliographic":');
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('/problems/malformed-json');
    });
  });

  describe('GET /requests', () => {
    let api2: StaffApi;
    const ids: string[] = [];
    beforeAll(async () => {
      api2 = await startStaffApi();
      // Seven borrowing requests of A with distinct creation times, one of B, one supply request of A.
      let clock = Date.parse('2026-03-01T10:00:00Z');
      api2 = { ...api2, deps: { ...api2.deps, now: () => new Date((clock += 60_000)) } };
      const titles = ['Dune', 'Solaris', 'Neuromancer', 'Hyperion', 'Foundation', 'Ubik', 'Kindred'];
      for (const [i, title] of titles.entries()) {
        const id = randomUUID();
        ids.push(id);
        await insertRequest(
          api2.database.db,
          {
            id,
            libraryId: api2.libraryIds.a,
            role: 'requester',
            state: i % 2 === 0 ? 'validated' : 'sent_to_supplier',
            serviceType: 'Loan',
            requestingAgencyId: LIBRARY_A,
            requestingAgencyRequestId: id,
            needsAttention: i === 3,
            data: {
              bibliographic: { title, author: i === 1 ? 'Lem, Stanisław' : 'Someone', ...(i === 2 ? { isbn: '978-0-441-56959-5' } : {}) },
              patron: { id: i < 2 ? 'P-7' : 'P-8' },
              lifecycle: { serviceType: 'Loan', rota: [{ symbol: i < 3 ? 'ISIL:DK-900' : 'ISIL:DK-901' }], rotaIndex: 0 },
            },
          },
          api2.deps.now(),
        );
      }
      const b = randomUUID();
      await insertRequest(api2.database.db, { id: b, libraryId: api2.libraryIds.b, role: 'requester', state: 'validated', serviceType: 'Copy', requestingAgencyId: LIBRARY_B, requestingAgencyRequestId: b, data: { bibliographic: { title: 'Dune Messiah' }, patron: { id: 'P-7' } } }, api2.deps.now());
      const s = randomUUID();
      await insertRequest(api2.database.db, { id: s, libraryId: api2.libraryIds.a, role: 'supplier', state: 'received', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-901', requestingAgencyRequestId: 'their-42', supplyingAgencyId: LIBRARY_A, data: { bibliographic: { title: 'Dune' } } }, api2.deps.now());
      ids.push(b, s);
    });
    afterAll(() => api2.database.close());

    const list = async (query: string, key = api2.keys.staffA) => {
      const res = await request(api2.app).get(`/api/v1/requests${query}`).set('Authorization', key);
      expect(res.status).toBe(200);
      return res.body as { items: { id: string; data: { bibliographic: { title: string } }; role: string }[]; nextCursor: string | null };
    };
    const titles = (page: { items: { data: { bibliographic: { title: string } } }[] }) => page.items.map((i) => i.data.bibliographic.title);

    it('pages newest first through more than one page with an opaque cursor, to a last page without one', async () => {
      const first = await list('?limit=3');
      expect(titles(first)).toEqual(['Dune', 'Kindred', 'Ubik']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await list(`?limit=3&cursor=${first.nextCursor}`);
      expect(titles(second)).toEqual(['Foundation', 'Hyperion', 'Neuromancer']);
      const third = await list(`?limit=3&cursor=${second.nextCursor}`);
      expect(titles(third)).toEqual(['Solaris', 'Dune']);
      expect(third.nextCursor).toBeNull();
    });

    it('keeps the pages stable when requests are added while a client pages', async () => {
      const first = await list('?limit=2&sort=-createdAt');
      const late = randomUUID();
      await insertRequest(api2.database.db, { id: late, libraryId: api2.libraryIds.a, role: 'requester', state: 'validated', serviceType: 'Loan', requestingAgencyId: LIBRARY_A, requestingAgencyRequestId: late, data: { bibliographic: { title: 'Late arrival' } } }, new Date('2026-03-02T00:00:00Z'));
      const second = await list(`?limit=2&sort=-createdAt&cursor=${first.nextCursor}`);
      expect(titles(first)).toEqual(['Dune', 'Kindred']);
      expect(titles(second)).toEqual(['Ubik', 'Foundation']);
      await api2.database.db.delete(requests).where(eq(requests.id, late));
    });

    it('sorts oldest first, and by last change', async () => {
      expect(titles(await list('?limit=2&sort=createdAt'))).toEqual(['Dune', 'Solaris']);
      const row = (await getRequest(api2.database.db, ids[2]!))!;
      await updateRequest(api2.database.db, row.id, row.version, { needsAttention: false }, new Date('2026-04-01T00:00:00Z'));
      expect(titles(await list('?limit=1&sort=-updatedAt'))).toEqual(['Neuromancer']);
    });

    it('filters by role, state, partner, patron, needs-attention and creation time, combined with AND', async () => {
      expect(titles(await list('?role=supplier'))).toEqual(['Dune']);
      expect(titles(await list('?state=validated&role=requester'))).toEqual(['Kindred', 'Foundation', 'Neuromancer', 'Dune']);
      expect(titles(await list('?state=sent_to_supplier,received'))).toEqual(['Dune', 'Ubik', 'Hyperion', 'Solaris']);
      expect(titles(await list('?partner=isil:dk-900'))).toEqual(['Neuromancer', 'Solaris', 'Dune']);
      expect(titles(await list('?partner=ISIL:DK-901&role=supplier'))).toEqual(['Dune']);
      expect(titles(await list('?patron=P-7'))).toEqual(['Solaris', 'Dune']);
      expect(titles(await list('?needsAttention=true'))).toEqual(['Hyperion']);
      expect(titles(await list('?createdFrom=2026-03-01T10:02:00Z&createdBefore=2026-03-01T10:04:00Z'))).toEqual(['Neuromancer', 'Solaris']);
    });

    it('pages through a filtered list with the same filters', async () => {
      const first = await list('?state=validated&limit=2');
      const second = await list(`?state=validated&limit=2&cursor=${first.nextCursor}`);
      expect([...titles(first), ...titles(second)]).toEqual(['Kindred', 'Foundation', 'Neuromancer', 'Dune']);
      expect(second.nextCursor).toBeNull();
    });

    it('finds free text in title and author, and identifiers written with or without hyphens', async () => {
      expect(titles(await list('?q=dune'))).toEqual(['Dune', 'Dune']);
      expect(titles(await list('?q=lem solaris'))).toEqual(['Solaris']);
      expect(titles(await list('?q=9780441569595'))).toEqual(['Neuromancer']);
      expect(titles(await list('?q=0-441-56959'))).toEqual(['Neuromancer']);
      expect(titles(await list('?q=their-42'))).toEqual(['Dune']);
      expect(titles(await list('?q=100%25_'))).toEqual([]);
    });

    it('shows a library-scoped key its own library’s requests only, and an all-libraries key every one', async () => {
      expect((await list('?limit=100', api2.keys.staffB)).items.map((i) => i.data.bibliographic.title)).toEqual(['Dune Messiah']);
      expect((await list('?limit=100', api2.keys.readOnly)).items).toHaveLength(9);
    });

    it('refuses bad filters with the query parameter named, in the detail and in each error', async () => {
      const cases: [string, string, string][] = [
        ['?limit=0', 'query.limit', 'limit'],
        ['?limit=many', 'query.limit', 'limit'],
        ['?state=shiped', 'query.state.0', 'state'],
        ['?role=lender', 'query.role.0', 'role'],
        ['?sort=title', 'query.sort', 'sort'],
        ['?createdFrom=yesterday', 'query.createdFrom', 'createdFrom'],
        ['?needsAttention=maybe', 'query.needsAttention', 'needsAttention'],
        ['?partner=nocolon', 'query.partner', 'partner'],
        ['?colour=red', 'query.colour', 'colour'],
        ['?cursor=bm90IGEgY3Vyc29y', 'query.cursor', 'cursor'],
      ];
      for (const [query, path, name] of cases) {
        const res = await request(api2.app).get(`/api/v1/requests${query}`).set('Authorization', api2.keys.staffA);
        expect([query, res.status, res.type]).toEqual([query, 400, 'application/problem+json']);
        expect([query, (res.body.errors as { path: string }[]).map((e) => e.path)]).toEqual([query, [path]]);
        expect([query, res.body.detail]).toEqual([query, `The query parameter ${name} is not valid`]);
      }
    });

    it('names every bad query parameter at once', async () => {
      const res = await request(api2.app).get('/api/v1/requests?state=shiped&limit=0&colour=red').set('Authorization', api2.keys.staffA);
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe('The query parameters state, limit, colour are not valid');
      expect(res.body.errors).toEqual([
        { path: 'query.state.0', message: expect.stringContaining('unknown state "shiped"') },
        { path: 'query.limit', message: expect.any(String) },
        { path: 'query.colour', message: 'is not a query parameter of this route' },
      ]);
    });

    it('refuses a cursor used with other filters or another sort', async () => {
      const first = await list('?state=validated&limit=1');
      const res = await request(api2.app).get(`/api/v1/requests?state=received&limit=1&cursor=${first.nextCursor}`).set('Authorization', api2.keys.staffA);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toEqual({ path: 'query.cursor', message: expect.stringContaining('other filters') });
    });
  });

  describe('GET /requests/{id}', () => {
    it('shows the request with its actions and its whole timeline: state changes, notes, messages with raw XML, notices', async () => {
      const created = await create(api.keys.staffA);
      await post(`/requests/${created.id}/notes`, api.keys.staffA, { note: 'patron phoned' }).expect(201);
      await recordMessage(api.database.db, {
        id: randomUUID(),
        protocol: 'iso18626',
        direction: 'out',
        peer: 'ISIL:DK-900',
        messageType: 'request',
        status: 'confirmed',
        requestId: created.id,
        rawXml: '<ISO18626Message><request/></ISO18626Message>',
        responseXml: '<ISO18626Message><requestConfirmation/></ISO18626Message>',
        httpStatus: 200,
        createdAt: new Date(Date.now() + 1000),
      });
      await api.database.db.insert(notifications).values({ id: randomUUID(), requestId: created.id, event: 'request_received', dedupeKey: `${created.id}:request_received`, recipient: 'ada@example.org', status: 'sent', createdAt: new Date(Date.now() + 2000) });

      const res = await get(`/requests/${created.id}`, api.keys.readOnly);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: created.id, state: 'validated', actions: ['send', 'edit_patron', 'cancel', 'close_manually'] });
      const timeline = res.body.timeline as { kind: string }[];
      expect(timeline.map((e) => e.kind)).toEqual(['event', 'event', 'event', 'message', 'notification']);
      expect(timeline).toEqual([
        expect.objectContaining({ kind: 'event', event: 'created', toState: 'new' }),
        expect.objectContaining({ kind: 'event', event: 'validate', fromState: 'new', toState: 'validated' }),
        expect.objectContaining({ kind: 'event', event: 'note', data: { note: 'patron phoned' }, actor: `staff:${api.keyIds.staffA}` }),
        expect.objectContaining({ kind: 'message', direction: 'out', rawXml: '<ISO18626Message><request/></ISO18626Message>', responseXml: expect.stringContaining('requestConfirmation') }),
        expect.objectContaining({ kind: 'notification', notice: 'request_received', recipient: 'ada@example.org', status: 'sent' }),
      ]);
    });

    it('answers 404 for a request that does not exist, and for an id that is not one', async () => {
      for (const id of [randomUUID(), 'not-an-id']) {
        const res = await get(`/requests/${id}`, api.keys.admin);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ type: '/problems/not-found', detail: `request ${id} was not found` });
      }
    });

    it('answers another library’s request exactly as a missing one (404), so a scoped key cannot learn it exists', async () => {
      const ofB = await create(api.keys.staffB);
      const missing = randomUUID();
      const seen = await get(`/requests/${ofB.id}`, api.keys.staffA);
      const absent = await get(`/requests/${missing}`, api.keys.staffA);
      expect([seen.status, absent.status]).toEqual([404, 404]);
      expect(seen.body.detail.replace(ofB.id, 'X')).toBe(absent.body.detail.replace(missing, 'X'));
      expect((await get(`/requests/${ofB.id}/notes`, api.keys.staffA)).status).toBe(404);
    });
  });

  describe('POST /requests/{id}/actions', () => {
    it('takes an action the state offers and answers with the new version and the actions available next', async () => {
      const created = await create(api.keys.staffA);
      const res = await post(`/requests/${created.id}/actions`, api.keys.staffA, { action: 'send', params: { rota: [{ symbol: 'isil:dk-901' }], note: 'chosen by hand' }, version: created.version });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'sent_to_supplier', version: created.version + 1, partner: 'ISIL:DK-901', actions: ['skip_supplier', 'reroute', 'cancel', 'close_manually'] });
    });

    it('answers an action the state does not offer with 409, the current state and the actions it does offer', async () => {
      const created = await create(api.keys.staffA);
      const res = await post(`/requests/${created.id}/actions`, api.keys.staffA, { action: 'mark_received', version: created.version });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ type: '/problems/conflict', current: { state: 'validated', version: created.version, actions: ['send', 'edit_patron', 'cancel', 'close_manually'] } });
    });

    it('refuses a stale version with 409 and the request as it is now, changing nothing', async () => {
      const created = await create(api.keys.staffA);
      await post(`/requests/${created.id}/notes`, api.keys.staffA, { note: 'a note does not bump the version' }).expect(201);
      await post(`/requests/${created.id}/actions`, api.keys.staffA, { action: 'cancel', version: created.version }).expect(200);
      const stale = await post(`/requests/${created.id}/actions`, api.keys.staffA, { action: 'close_manually', version: created.version });
      expect(stale.status).toBe(409);
      expect(stale.body.current).toEqual({ state: 'cancelled', version: created.version + 1, actions: ['rerequest'] });
      expect((await getRequest(api.database.db, created.id))?.state).toBe('cancelled');
    });

    it('lets one of two staff acting at once win; the other gets 409 with the winner’s result', async () => {
      const created = await create(api.keys.staffA);
      const [one, two] = await Promise.all([
        post(`/requests/${created.id}/actions`, api.keys.staffA, { action: 'cancel', version: created.version }),
        post(`/requests/${created.id}/actions`, api.keys.staff, { action: 'close_manually', version: created.version }),
      ]);
      expect([one.status, two.status].sort()).toEqual([200, 409]);
      const [winner, loser] = one.status === 200 ? [one, two] : [two, one];
      expect(loser.body.current).toEqual({ state: winner.body.state, version: winner.body.version, actions: winner.body.actions });
      const events = await listEvents(api.database.db, created.id);
      expect(events.filter((e) => ['staff:cancel', 'staff:close_manually', 'cancel', 'close_manually'].includes(e.event))).toHaveLength(1);
    });

    it('validates the body and the action’s parameters', async () => {
      const created = await create(api.keys.staffA);
      const cases: [unknown, string[]][] = [
        [{ action: 'send' }, ['version']],
        [{ action: 'fly', version: created.version }, ['action']],
        [{ action: 'send', version: created.version, params: { rota: [] } }, ['params.rota']],
        [{ action: 'cancel', version: created.version, params: { reason: 'x' } }, ['params']],
        [{ action: 'cancel', version: '1' }, ['version']],
      ];
      for (const [body, paths] of cases) {
        const res = await post(`/requests/${created.id}/actions`, api.keys.staffA, body);
        expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
        expect((res.body.errors as { path: string }[]).map((e) => e.path)).toEqual(paths);
      }
      expect((await getRequest(api.database.db, created.id))?.version).toBe(created.version);
    });

    it('does not let a scoped key act on another library’s request (404) and leaves it untouched', async () => {
      const ofB = await create(api.keys.staffB);
      const res = await post(`/requests/${ofB.id}/actions`, api.keys.staffA, { action: 'cancel', version: ofB.version });
      expect(res.status).toBe(404);
      expect((await getRequest(api.database.db, ofB.id))).toMatchObject({ state: 'validated', version: ofB.version });
      expect((await post(`/requests/${randomUUID()}/actions`, api.keys.staffA, { action: 'cancel', version: 1 })).status).toBe(404);
    });
  });

  describe('work that gave up', () => {
    /** A request sent to a supplier whose delivery went dead (the partner refused it for good). */
    async function withDeadDelivery(key: string) {
      const created = await create(key, borrowing({ serviceType: 'Copy', candidates: [{ symbol: 'ISIL:DK-900' }] }));
      const [row] = await api.database.db.select().from(outbox).where(and(eq(outbox.requestId, created.id), eq(outbox.queue, 'delivery')));
      await markDead(api.database.db, row!.id, 'HTTP 403 from ISIL:DK-900', new Date());
      return { requestId: created.id, outboxId: row!.id };
    }

    it('retries dead work as a new outbox row and clears needs-attention; a second retry is a 409', async () => {
      const { requestId, outboxId } = await withDeadDelivery(api.keys.staffA);
      const shown = await get(`/requests/${requestId}`, api.keys.staffA);
      expect(shown.body.needsAttention).toBe(true);
      expect(shown.body.timeline).toContainEqual(expect.objectContaining({ event: 'needs_attention', data: expect.objectContaining({ outboxId }) }));
      const res = await post(`/requests/${requestId}/effects/${outboxId}/retry`, api.keys.staffA, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ settled: { id: outboxId, status: 'done' }, replacement: { queue: 'delivery', status: 'pending' }, needsAttention: false });
      expect((await getOutboxRow(api.database.db, res.body.replacement.id))?.status).toBe('pending');
      expect((await post(`/requests/${requestId}/effects/${outboxId}/retry`, api.keys.staffA, {})).status).toBe(409);
    });

    it('skips dead work with a note in the audit trail, and needs the note', async () => {
      const { requestId, outboxId } = await withDeadDelivery(api.keys.staffA);
      const missing = await post(`/requests/${requestId}/effects/${outboxId}/skip`, api.keys.staffA, {});
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ path: 'note', message: expect.any(String) }]);
      const res = await post(`/requests/${requestId}/effects/${outboxId}/skip`, api.keys.staffA, { note: 'sent by e-mail instead' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ settled: { id: outboxId }, replacement: null });
      expect((await listEvents(api.database.db, requestId)).at(-1)).toMatchObject({ event: 'staff:skip_effect', data: expect.objectContaining({ note: 'sent by e-mail instead' }) });
    });

    it('answers 404 for work of another library’s request, of another request, or that does not exist', async () => {
      const ofB = await withDeadDelivery(api.keys.staffB);
      expect((await post(`/requests/${ofB.requestId}/effects/${ofB.outboxId}/retry`, api.keys.staffA, {})).status).toBe(404);
      const ofA = await withDeadDelivery(api.keys.staffA);
      expect((await post(`/requests/${ofA.requestId}/effects/${ofB.outboxId}/retry`, api.keys.staffA, {})).status).toBe(404);
      expect((await post(`/requests/${ofA.requestId}/effects/${randomUUID()}/skip`, api.keys.staffA, { note: 'x' })).status).toBe(404);
      expect((await getOutboxRow(api.database.db, ofB.outboxId))?.status).toBe('dead');
    });
  });

  describe('notes', () => {
    it('adds notes to the audit trail without changing state or version, and lists them', async () => {
      const created = await create(api.keys.staffA);
      const res = await post(`/requests/${created.id}/notes`, api.keys.staffA, { note: '  asked DK-900 by phone  ' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind: 'event', event: 'note', fromState: 'validated', toState: 'validated', data: { note: 'asked DK-900 by phone' } });
      await post(`/requests/${created.id}/notes`, api.keys.staff, { note: 'second' }).expect(201);
      const notes = await get(`/requests/${created.id}/notes`, api.keys.readOnly);
      expect(notes.status).toBe(200);
      expect((notes.body as { data: { note: string } }[]).map((n) => n.data.note)).toEqual(['asked DK-900 by phone', 'second']);
      expect((await getRequest(api.database.db, created.id))?.version).toBe(created.version);
    });

    it('refuses an empty note, a note on a missing request, and a note on another library’s request', async () => {
      const created = await create(api.keys.staffA);
      const empty = await post(`/requests/${created.id}/notes`, api.keys.staffA, { note: '   ' });
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([{ path: 'note', message: expect.any(String) }]);
      expect((await post(`/requests/${randomUUID()}/notes`, api.keys.staffA, { note: 'x' })).status).toBe(404);
      const ofB = await create(api.keys.staffB);
      expect((await post(`/requests/${ofB.id}/notes`, api.keys.staffA, { note: 'x' })).status).toBe(404);
      expect((await listEvents(api.database.db, ofB.id)).filter((e) => e.event === 'note')).toHaveLength(0);
    });
  });
});
