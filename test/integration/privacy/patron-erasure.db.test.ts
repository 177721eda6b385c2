/**
 * Patron details leave the server: by the library's retention (the daily job, run through its
 * handler) once a request has ended that many days ago, and by staff for one patron on demand.
 * Observed through the staff API: the request stays (state, dates, partners, service type,
 * timeline), its patron details and note are gone from it and from its kept messages, and the
 * audit trail says what was erased without saying what it was.
 */
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { JOBS } from '../../../src/jobs';
import { deliverOutboxRow, type DeliveryDeps } from '../../../src/services/iso18626/delivery';
import { notifications, outbox, requests } from '../../../src/store/schema';
import { scheduledHandlers } from '../../../workers/handlers';
import { borrowing, LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

// A fresh database (migrations) and a few dozen writes: minutes on a loaded machine, never a timing assertion.
jest.setTimeout(180_000);

const DAY = 24 * 3600 * 1000;
const OCTAVIA = { id: 'P-4711', name: 'Octavia Butler', email: 'octavia@example.org' };
const DETAILS = [OCTAVIA.id, 'Octavia', OCTAVIA.email, 'her thesis'];

describe('erasing patron details', () => {
  let api: StaffApi;
  let clock = new Date('2027-05-03T09:00:00Z');
  let deps: DeliveryDeps;

  beforeAll(async () => {
    api = await startStaffApi({ now: () => clock });
    deps = { ...api.deps, timeoutMs: 5000 };
  });
  afterAll(() => api.database.close());

  const post = (path: string, key: string, body: unknown) => request(api.app).post(`/api/v1${path}`).set('Authorization', key).send(body as object);
  const get = async (path: string, key = api.keys.admin) => {
    const res = await request(api.app).get(`/api/v1${path}`).set('Authorization', key);
    expect(res.status).toBe(200);
    return res.body as { id: string; state: string; version: number; serviceType: string; partner?: string; createdAt: string; data: Record<string, unknown>; timeline: Record<string, unknown>[] };
  };
  const patchSettings = (library: string, settings: Record<string, unknown>) => request(api.app).patch(`/api/v1/libraries/${library}`).set('Authorization', api.keys.admin).send({ settings });
  const create = async (body: Record<string, unknown>) => {
    const res = await post('/requests', api.keys.staffA, body);
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number; state: string };
  };
  const act = async (id: string, action: string, key = api.keys.staffA, params?: Record<string, unknown>) => {
    const { version } = await get(`/requests/${id}`);
    const res = await post(`/requests/${id}/actions`, key, { action, version, ...(params ? { params } : {}) });
    expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ status: 200, body: undefined });
  };
  /** Delivers what the request has waiting for a partner (here: the other member library). */
  const deliver = async (requestId: string) => {
    const rows = await api.database.db.select().from(outbox).where(and(eq(outbox.requestId, requestId), eq(outbox.queue, 'delivery'), eq(outbox.status, 'pending')));
    for (const row of rows) await deliverOutboxRow(deps, row);
  };
  const runRetentionJob = (at: Date) => scheduledHandlers(deps)[JOBS.retentionSweep]!({ at, log: pino({ level: 'silent' }) });
  const erasedEvents = (timeline: Record<string, unknown>[]) => timeline.filter((e) => e.event === 'patron_details_erased');

  describe('settings.privacy', () => {
    it('is set and removed with PATCH /libraries/{symbol}, and wrong values are refused with the setting named', async () => {
      const set = await patchSettings(LIBRARY_B, { privacy: { patronDetailsToSuppliers: 'name', retentionDays: 90 } });
      expect(set.status).toBe(200);
      expect(set.body.settings.privacy).toEqual({ patronDetailsToSuppliers: 'name', retentionDays: 90 });
      const bad = await patchSettings(LIBRARY_B, { privacy: { patronDetailsToSuppliers: 'everything', retentionDays: 0 } });
      expect(bad.status).toBe(400);
      expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['settings.privacy.patronDetailsToSuppliers', 'settings.privacy.retentionDays']);
      const removed = await patchSettings(LIBRARY_B, { privacy: null });
      expect(removed.body.settings).not.toHaveProperty('privacy');
    });
  });

  describe('retention', () => {
    it('erases the details of requests that ended more than retentionDays ago, on both sides of a loan, and leaves the requests as they were', async () => {
      expect((await patchSettings(LIBRARY_A, { privacy: { patronDetailsToSuppliers: 'full', retentionDays: 30 } })).status).toBe(200);
      expect((await patchSettings(LIBRARY_B, { privacy: { retentionDays: 30 } })).status).toBe(200);
      const borrowed = await create(borrowing({ patron: OCTAVIA, note: 'for her thesis', candidates: [{ symbol: LIBRARY_B }] }));
      await deliver(borrowed.id);
      const [lent] = await api.database.db.select().from(requests).where(and(eq(requests.role, 'supplier'), eq(requests.requestingAgencyRequestId, borrowed.id)));
      expect(JSON.stringify((await get(`/requests/${lent!.id}`)).timeline)).toContain(OCTAVIA.email);
      // The lender cannot supply; the borrowing request has no other lender and ends unfilled.
      await act(lent!.id, 'cannot_supply', api.keys.staffB, { reason: 'not-available' });
      await deliver(lent!.id);
      const before = { borrowed: await get(`/requests/${borrowed.id}`), lent: await get(`/requests/${lent!.id}`) };
      expect([before.borrowed.state, before.lent.state]).toEqual(['unfilled', 'unfilled']);

      // 29 days after it ended: kept.
      await runRetentionJob(new Date(clock.getTime() + 29 * DAY));
      expect((await get(`/requests/${borrowed.id}`)).data.patron).toEqual(expect.objectContaining({ id: OCTAVIA.id }));

      clock = new Date(clock.getTime() + 31 * DAY);
      await runRetentionJob(clock);
      for (const [side, was] of Object.entries(before)) {
        const now = await get(`/requests/${was.id}`);
        const text = JSON.stringify(now);
        for (const detail of DETAILS) expect({ side, found: text.includes(detail) ? detail : undefined }).toEqual({ side, found: undefined });
        // The request itself, as statistics count it, is what it was.
        expect({ state: now.state, serviceType: now.serviceType, partner: now.partner, createdAt: now.createdAt }).toEqual({ state: was.state, serviceType: was.serviceType, partner: was.partner, createdAt: was.createdAt });
        expect(now.data.patronErased).toEqual({ at: clock.toISOString(), reason: 'retention' });
        expect(now.data.bibliographic).toEqual(was.data.bibliographic);
        const events = now.timeline.filter((e) => e.kind === 'event');
        expect(events.slice(0, -1)).toEqual(was.timeline.filter((e) => e.kind === 'event'));
        expect(erasedEvents(now.timeline)).toEqual([expect.objectContaining({ actor: 'system', fromState: was.state, toState: was.state, data: { reason: 'retention', retentionDays: 30, fields: expect.arrayContaining(['patron.id', 'patron.name']) } })]);
      }
      expect(erasedEvents((await get(`/requests/${borrowed.id}`)).timeline)[0]!.data).toEqual({ reason: 'retention', retentionDays: 30, fields: ['patron.id', 'patron.name', 'patron.email', 'note'] });

      // A second run finds nothing left to erase.
      await runRetentionJob(new Date(clock.getTime() + DAY));
      expect(erasedEvents((await get(`/requests/${borrowed.id}`)).timeline)).toHaveLength(1);
    });

    it('leaves open requests, and every request of a library without a retention, alone', async () => {
      await patchSettings(LIBRARY_A, { privacy: { retentionDays: 1 } });
      await patchSettings(LIBRARY_B, { privacy: null });
      const open = await create(borrowing({ patron: OCTAVIA }));
      const ofB = await post('/requests', api.keys.staffB, borrowing({ patron: OCTAVIA }));
      await act(ofB.body.id, 'close_manually', api.keys.staffB);
      await runRetentionJob(new Date(clock.getTime() + 400 * DAY));
      expect((await get(`/requests/${open.id}`)).data).toMatchObject({ patron: { id: OCTAVIA.id } });
      expect((await get(`/requests/${ofB.body.id}`)).data).toMatchObject({ patron: { id: OCTAVIA.id } });
    });
  });

  describe('POST /patrons/erase', () => {
    it('erases one patron’s ended requests at once, names the open ones it kept, and records the staff member', async () => {
      const patron = { id: 'P-1234', name: 'Kindred Reader', email: 'kindred@example.org' };
      const ended = await create(borrowing({ patron, note: 'Kindred Reader phoned twice' }));
      await act(ended.id, 'close_manually');
      await api.database.db.insert(notifications).values({ id: randomUUID(), requestId: ended.id, event: 'cancelled', dedupeKey: `${ended.id}:cancelled`, recipient: patron.email, status: 'sent', createdAt: clock });
      const open = await create(borrowing({ patron }));
      const someoneElse = await create(borrowing({ patron: { id: 'P-9999', name: 'Someone Else' } }));
      await act(someoneElse.id, 'close_manually');

      const res = await post('/patrons/erase', api.keys.adminA, { library: LIBRARY_A, patronId: 'P-1234' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        library: LIBRARY_A,
        patronId: 'P-1234',
        erased: [{ id: ended.id, fields: ['patron.id', 'patron.name', 'patron.email', 'note'] }],
        kept: [{ id: open.id, state: 'sent_to_supplier', reason: expect.stringContaining('open') }],
      });
      const shown = await get(`/requests/${ended.id}`);
      expect(shown.state).toBe('closed');
      expect(shown.data).not.toHaveProperty('patron');
      expect(shown.data).not.toHaveProperty('note');
      expect(shown.data.patronErased).toEqual({ at: clock.toISOString(), reason: 'staff' });
      expect(shown.timeline).toContainEqual(expect.objectContaining({ kind: 'notification', recipient: null, status: 'sent' }));
      expect(erasedEvents(shown.timeline)).toEqual([expect.objectContaining({ actor: `staff:${api.keyIds.adminA}`, data: { reason: 'staff', fields: ['patron.id', 'patron.name', 'patron.email', 'note'] } })]);
      expect(JSON.stringify(shown)).not.toContain('kindred@example.org');
      expect((await get(`/requests/${open.id}`)).data).toMatchObject({ patron });
      expect((await get(`/requests/${someoneElse.id}`)).data).toMatchObject({ patron: { id: 'P-9999' } });

      // Nothing of the patron is left on ended requests; the open one is still named.
      const again = await post('/patrons/erase', api.keys.adminA, { library: LIBRARY_A, patronId: 'P-1234' });
      expect(again.body).toMatchObject({ erased: [], kept: [{ id: open.id }] });
    });

    it('is for the library’s admins: staff are refused, another library’s admin finds no such library, input is checked', async () => {
      expect((await post('/patrons/erase', api.keys.staffA, { library: LIBRARY_A, patronId: 'P-1' })).status).toBe(403);
      expect((await post('/patrons/erase', api.keys.readOnly, { library: LIBRARY_A, patronId: 'P-1' })).status).toBe(403);
      expect((await post('/patrons/erase', api.keys.adminA, { library: LIBRARY_B, patronId: 'P-1' })).status).toBe(404);
      const bad = await post('/patrons/erase', api.keys.admin, { library: LIBRARY_A, patronId: '' });
      expect(bad.status).toBe(400);
      expect((bad.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['patronId']);
    });
  });
});
