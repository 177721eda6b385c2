/**
 * What an ILL desk needs on a request in its first week, through the staff API, /iso18626 and the
 * library's ILS (a mock ILS over NCIP): the book band (the ILS's temporary barcode, the pickup
 * location, the due date, where it goes back to), the pull slip of a lending request, the
 * patron's name from the ILS, and a patron the ILS blocks.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { buildIso18626, type Request, type SupplyingAgencyMessage } from '../../../protocols/iso18626';
import { createApp } from '../../../src/http/app';
import { apiRouter } from '../../../src/http/api';
import { iso18626Router } from '../../../src/http/iso18626';
import { createApiKey } from '../../../src/services/access/api-keys';
import type { LifecycleDeps } from '../../../src/services/pipeline/pipeline';
import { JOBS, requireJob } from '../../../src/jobs';
import { insertLibrary } from '../../../src/store/libraries';
import { listOutboxForRequest } from '../../../src/store/outbox';
import type { RequestData } from '../../../src/store/request-data';
import { insertPartner } from '../../../src/store/partners';
import { jobHandlers } from '../../../workers/handlers';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { startMockIls, type MockIls } from '../../helpers/mock-ils';

const BORROWER = 'ISIL:DK-100';
const LENDER = 'ISIL:DK-L';
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });

describe('the ILL desk: book bands, pull slips and the patron in the ILS', () => {
  let database: TestDatabase;
  let deps: LifecycleDeps;
  let app: ReturnType<typeof createApp>;
  let ils: MockIls;
  let lenderIls: MockIls;
  let key: string;

  beforeAll(async () => {
    database = await freshDatabase();
    ils = await startMockIls({
      agencyId: 'DK-100-ILS',
      users: [
        { id: 'P-77', givenName: 'Shevek', surname: 'Urras', email: 'shevek@anarres.example' },
        { id: 'P-13', surname: 'Blocked', blocked: true },
      ],
    });
    lenderIls = await startMockIls({ agencyId: 'DK-L-ILS', users: [{ id: 'ILL-DKP' }], items: ['L-1', 'L-2', 'L-3'].map((barcode) => ({ barcode, title: 'Solaris' })) });
    deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID, supplierTimeoutMs: 3600_000 };
    app = createApp({
      log: pino({ level: 'silent' }),
      bodyLimit: 64 * 1024,
      health: {},
      routers: [apiRouter(deps, { checkAnswers: true })],
      protocolRouters: [iso18626Router(deps, 64 * 1024)],
    });
    const ncip = { url: ils.url, fromAgencyId: 'DK-100', toAgencyId: 'DK-100-ILS', timeoutMs: 5000 };
    await insertLibrary(database.db, { id: randomUUID(), symbol: BORROWER, name: 'Main Library', settings: { ncip, pickupLocations: [{ code: 'MAIN', name: 'Main desk' }, { code: 'BRANCH', name: 'Branch desk' }] } });
    await insertLibrary(database.db, {
      id: randomUUID(),
      symbol: LENDER,
      name: 'Lending Library',
      settings: {
        ncip: { url: lenderIls.url, fromAgencyId: 'DK-L', toAgencyId: 'DK-L-ILS', timeoutMs: 5000, borrowerAccounts: { 'ISIL:DK-P': 'ILL-DKP' } },
        mail: { timeZone: 'Europe/Copenhagen' },
        lending: { loanPeriodDays: 28, partners: { 'ISIL:DK-P': { loanPeriodDays: 14 } } },
      },
    });
    // A library that has set no loan period and no ILS.
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-M', name: 'Small Library', settings: {} });
    await insertPartner(database.db, { id: randomUUID(), symbol: 'ISIL:DK-P', name: 'Partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    key = `Bearer ${(await createApiKey(deps, { name: 'desk', role: 'staff' })).key}`;
  });
  afterAll(async () => {
    await database.close();
    await Promise.all([ils.close(), lenderIls.close()]);
  });

  const post = (path: string, body: unknown) => request(app).post(`/api/v1${path}`).set('Authorization', key).send(body as object);
  const get = (path: string) => request(app).get(`/api/v1${path}`).set('Authorization', key);
  const detail = async (id: string) => {
    const res = await get(`/requests/${id}`);
    expect(res.status).toBe(200);
    return res.body as { id: string; state: string; version: number; actions: string[]; supplyingAgencyId: string | null; supplyingAgencyRequestId: string | null; data: RequestData };
  };
  const act = async (id: string, action: string, params?: Record<string, unknown>, status = 200) => {
    const { version } = await detail(id);
    const res = await post(`/requests/${id}/actions`, { action, ...(params ? { params } : {}), version });
    expect(res.status).toBe(status);
    return res.body;
  };
  /** Runs the request's pending ILS calls, as the NCIP worker does. */
  const ran = new Set<string>();
  const runIlsCalls = async (id: string) => {
    const handlers = jobHandlers({ ...deps, timeoutMs: 5000 });
    for (const row of await listOutboxForRequest(database.db, id)) {
      if (row.jobName !== JOBS.ncip || ran.has(row.id)) continue;
      ran.add(row.id);
      await handlers[JOBS.ncip]!({ row: requireJob(row, JOBS.ncip), attempt: 1, log: pino({ level: 'silent' }) });
    }
  };
  const borrow = async (patron: Record<string, unknown>) => {
    const res = await post('/requests', { library: BORROWER, serviceType: 'Loan', bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.' }, patron, pickupLocation: 'MAIN', candidates: [{ symbol: 'ISIL:DK-P' }] });
    expect(res.status).toBe(201);
    return res.body as { id: string; requestingAgencyRequestId: string };
  };
  const samFromPartner = (requestingAgencyRequestId: string, extra: Partial<SupplyingAgencyMessage>): SupplyingAgencyMessage => ({
    kind: 'supplyingAgencyMessage',
    header: { supplyingAgencyId: agency('DK-P'), requestingAgencyId: agency('DK-100'), timestamp: new Date().toISOString(), requestingAgencyRequestId, supplyingAgencyRequestId: 'P-LOAN-42' },
    messageInfo: { reasonForMessage: 'StatusChange' },
    statusInfo: { status: 'Loaned', lastChange: new Date().toISOString(), dueDate: '2027-03-01T23:59:59Z' },
    ...extra,
  });
  const iso18626 = async (message: Request | SupplyingAgencyMessage) => {
    const res = await request(app).post('/iso18626').set('Content-Type', 'application/xml').send(buildIso18626(message));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<messageStatus>OK</messageStatus>');
  };

  describe('the patron as the ILS knows them', () => {
    it('keeps the name LookupUser answers: the request shows it, patron mail greets with it, staff find the request by it', async () => {
      const created = await borrow({ id: 'P-77' });
      await runIlsCalls(created.id);
      const checked = await detail(created.id);
      expect(checked.data.patron).toEqual({ id: 'P-77', name: 'Shevek Urras', givenName: 'Shevek', surname: 'Urras', email: 'shevek@anarres.example' });

      const notice = await get(`/requests/${created.id}/notices/request_received/preview`);
      expect(notice.status).toBe(200);
      expect(notice.body.text).toMatch(/^Dear Shevek Urras,/);
      const found = await get('/requests?q=urras');
      expect(found.body.items.map((r: { id: string }) => r.id)).toContain(created.id);
    });

    it('keeps the name staff typed, and the ILS’s structured name beside it', async () => {
      const created = await borrow({ id: 'P-77', name: 'S. Urras' });
      await runIlsCalls(created.id);
      expect((await detail(created.id)).data.patron).toMatchObject({ name: 'S. Urras', givenName: 'Shevek', surname: 'Urras' });
      expect((await get('/requests?q=shevek')).body.items.map((r: { id: string }) => r.id)).toContain(created.id);
    });
  });

  describe('a patron the ILS does not accept', () => {
    it('lands in error with the reason category, and staff correct the patron and check again', async () => {
      const created = await borrow({ id: 'P-13', email: 'old@example.org' });
      await runIlsCalls(created.id);
      const blocked = await detail(created.id);
      expect(blocked).toMatchObject({ state: 'error', data: { lifecycle: { reasonCategory: 'patron_blocked', reason: expect.stringContaining('blocked in the ILS') } } });
      expect(blocked.actions).toEqual(['retry', 'edit_patron', 'cancel', 'close_manually']);
      expect((await get('/requests?state=error')).body.items.map((r: { id: string }) => r.id)).toContain(created.id);

      // The wrong card was read at the desk: staff put in the right one, and another pickup desk.
      const edited = await act(created.id, 'edit_patron', { patronId: 'P-77', email: null, pickupLocation: 'BRANCH', note: 'wrong card read' });
      expect(edited).toMatchObject({ state: 'error', data: { patron: { id: 'P-77' }, pickupLocation: 'BRANCH' } });
      expect(edited.data.patron.email).toBeUndefined();
      await act(created.id, 'retry');
      await runIlsCalls(created.id);
      const sent = await detail(created.id);
      expect(sent).toMatchObject({ state: 'sent_to_supplier', data: { patron: { id: 'P-77', name: 'Shevek Urras', email: 'shevek@anarres.example' }, pickupLocation: 'BRANCH' } });
      expect(sent.data.lifecycle.reasonCategory).toBeUndefined();
      const lookups = ils.calls.filter((c) => c.service === 'LookupUser').map((c) => c.body.match(/<ns1:UserIdentifierValue>([^<]*)</)?.[1] ?? c.body.match(/UserIdentifierValue>([^<]*)</)?.[1]);
      expect(lookups.slice(-2)).toEqual(['P-13', 'P-77']);
    });

    it('names an unknown patron as such', async () => {
      const created = await borrow({ id: 'P-404' });
      await runIlsCalls(created.id);
      expect((await detail(created.id)).data.lifecycle).toMatchObject({ reasonCategory: 'patron_unknown' });
    });

    it('lets staff correct the patron before sending: the ILS check waiting checks the corrected patron', async () => {
      const { id } = await borrow({ id: 'P-77' });
      const edited = await act(id, 'edit_patron', { patronId: 'P-13' });
      expect(edited).toMatchObject({ state: 'new', data: { patron: { id: 'P-13' } } });
      await runIlsCalls(id);
      expect((await detail(id)).data.lifecycle).toMatchObject({ reasonCategory: 'patron_blocked' });
      const refused = await post(`/requests/${id}/actions`, { action: 'edit_patron', params: {}, version: (await detail(id)).version });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ path: 'params', message: 'give patronId, email or pickupLocation' }]);
    });
  });

  describe('a borrowing request when the item has come', () => {
    it('shows the ILS’s temporary barcode as a field, and finds the request by it', async () => {
      const created = await borrow({ id: 'P-77' });
      await runIlsCalls(created.id); // LookupUser
      expect((await detail(created.id)).state).toBe('sent_to_supplier');
      await iso18626(
        samFromPartner(created.requestingAgencyRequestId, {
          returnInfo: { returnAgencyId: agency('DK-P'), name: 'Partner ILL office', physicalAddress: { line1: 'Returns, Dock 3', locality: 'Aarhus', postalCode: '8000', country: { value: 'DK' } } },
        }),
      );
      await act(created.id, 'mark_received');
      await runIlsCalls(created.id); // AcceptItem
      const received = await detail(created.id);
      const barcode = received.data.ncip?.itemId ?? '';
      expect(barcode).toEqual(expect.any(String));
      expect(ils.state.items.get(barcode)).toMatchObject({ temporary: true, title: 'The Dispossessed' });

      // The book band: the patron's pickup location, the due date, the lender's id, where it goes back.
      expect(received).toMatchObject({
        supplyingAgencyId: 'ISIL:DK-P',
        supplyingAgencyRequestId: 'P-LOAN-42',
        data: {
          pickupLocation: 'MAIN',
          lifecycle: { dueDate: '2027-03-01T23:59:59Z' },
          returnTo: { agency: 'ISIL:DK-P', name: 'Partner ILL office', address: { line1: 'Returns, Dock 3', locality: 'Aarhus', postalCode: '8000', country: 'DK' } },
        },
      });

      const scanned = await get(`/requests?barcode=${encodeURIComponent(barcode)}`);
      expect(scanned.body.items.map((r: { id: string }) => r.id)).toEqual([created.id]);
      const searched = await get(`/requests?q=${encodeURIComponent(barcode)}`);
      expect(searched.body.items.map((r: { id: string }) => r.id)).toEqual([created.id]);
    });
  });

  describe('a lending request from a partner', () => {
    const lendingRequest = (requestingAgencyRequestId: string, lender = 'DK-L'): Request => ({
      kind: 'request',
      header: { supplyingAgencyId: agency(lender), requestingAgencyId: agency('DK-P'), timestamp: new Date().toISOString(), requestingAgencyRequestId },
      bibliographicInfo: { title: 'Solaris', author: 'Lem, Stanisław', supplierUniqueRecordId: 'L-REC-991' },
      serviceInfo: { serviceType: 'Loan', serviceLevel: { value: 'Express' }, needBeforeDate: '2027-02-15T23:59:59Z', note: 'For a seminar; any edition will do' },
      supplierInfo: [
        { supplierCode: agency('DK-X'), callNumber: 'not ours' },
        {
          supplierCode: agency('DK-L'),
          callNumber: '891.8 LEM',
          summaryHoldings: 'Stacks, 3rd floor',
          availabilityNote: 'On shelf',
          bibliographicRecordId: { bibliographicRecordIdentifierCode: { value: 'LocalId' }, bibliographicRecordIdentifier: 'b1234567' },
        },
      ],
      requestedDeliveryInfo: [
        { sortOrder: 2, address: { electronicAddress: { electronicAddressType: { value: 'Email' }, electronicAddressData: 'ill@partner.example' } } },
        { sortOrder: 1, address: { physicalAddress: { line1: 'Partner Library', line2: 'ILL office', locality: 'Aarhus', postalCode: '8000', country: { value: 'DK' } } } },
      ],
      requestingAgencyInfo: { name: 'Partner Library', contactName: 'Ida Jensen', address: [{ electronicAddress: { electronicAddressType: { value: 'Email' }, electronicAddressData: 'ida@partner.example' } }] },
      patronInfo: { patronId: 'their-9', givenName: 'Kris', surname: 'Kelvin' },
    });

    it('keeps what a pull slip needs: call number and shelf, the requester and its addresses, dates, service level, patron and note', async () => {
      const requestId = `pull-${randomUUID().slice(0, 8)}`;
      await iso18626(lendingRequest(requestId));
      const listed = await get(`/requests?barcode=${requestId}`);
      expect(listed.body.items).toHaveLength(1);
      const lending = await detail(listed.body.items[0].id);
      expect(lending.data).toMatchObject({
        holding: { callNumber: '891.8 LEM', summaryHoldings: 'Stacks, 3rd floor', availabilityNote: 'On shelf', supplierUniqueRecordId: 'L-REC-991', bibliographicRecordId: { code: 'LocalId', id: 'b1234567' } },
        requestingAgency: { name: 'Partner Library', contactName: 'Ida Jensen', addresses: [{ electronic: { type: 'Email', data: 'ida@partner.example' } }] },
        deliveryAddresses: [{ physical: { line1: 'Partner Library', line2: 'ILL office', locality: 'Aarhus', postalCode: '8000', country: 'DK' } }, { electronic: { type: 'Email', data: 'ill@partner.example' } }],
        neededBy: '2027-02-15',
        serviceLevel: 'Express',
        patron: { id: 'their-9', name: 'Kris Kelvin', givenName: 'Kris', surname: 'Kelvin' },
        note: 'For a seminar; any edition will do',
      });
    });
  });

  describe('shipping a loan', () => {
    const receive = async (lender = 'DK-L') => {
      const requestId = `ship-${randomUUID().slice(0, 8)}`;
      await iso18626({
        kind: 'request',
        header: { supplyingAgencyId: agency(lender), requestingAgencyId: agency('DK-P'), timestamp: new Date().toISOString(), requestingAgencyRequestId: requestId },
        bibliographicInfo: { title: 'Solaris' },
        serviceInfo: { serviceType: 'Loan' },
      });
      const id = (await get(`/requests?barcode=${requestId}`)).body.items[0].id as string;
      await act(id, 'will_supply');
      return id;
    };
    /** The due date the Loaned message to the requester carries. */
    const loanedDueDate = async (id: string) => {
      const rows = await listOutboxForRequest(database.db, id);
      const loaned = rows.map((r) => r.payload as { message?: { status?: string; dueDate?: string } }).find((p) => p.message?.status === 'Loaned');
      return loaned?.message?.dueDate;
    };
    const DAY = 24 * 3600 * 1000;

    it('takes a plain date as the end of that day in the library’s time zone, for the ILS checkout and the Loaned message', async () => {
      const id = await receive();
      await act(id, 'ship', { dueDate: '2027-01-15', itemId: 'L-1' });
      await runIlsCalls(id); // CheckOutItem
      const shipped = await detail(id);
      // Copenhagen is UTC+1 in January: 23:59:59 there is 22:59:59Z.
      expect(shipped).toMatchObject({ state: 'shipped', data: { lifecycle: { dueDate: '2027-01-15T22:59:59.000Z' } } });
      expect(lenderIls.state.items.get('L-1')?.loan).toMatchObject({ userId: 'ILL-DKP', dateDue: new Date('2027-01-15T22:59:59Z') });
      expect(await loanedDueDate(id)).toBe('2027-01-15T22:59:59.000Z');
    });

    it('without a due date, lends for the period the library set for this requester', async () => {
      const id = await receive();
      const before = Date.now();
      await act(id, 'ship', { itemId: 'L-2' });
      await runIlsCalls(id);
      const due = Date.parse((await detail(id)).data.lifecycle.dueDate!);
      // The end of a day in Copenhagen, 14 days on (DK-P's period, not the library's 28).
      expect(new Date(due).toISOString()).toMatch(/T2[23]:59:59\.000Z$/);
      expect(due).toBeGreaterThan(before + 13 * DAY);
      expect(due).toBeLessThan(before + 15 * DAY + DAY);
      expect(lenderIls.state.items.get('L-2')?.loan?.dateDue.getTime()).toBe(due);
      expect(Date.parse((await loanedDueDate(id))!)).toBe(due);
    });

    it('still takes a full date and time as given', async () => {
      const id = await receive();
      await act(id, 'ship', { dueDate: '2027-02-01T12:00:00+01:00', itemId: 'L-3' });
      await runIlsCalls(id);
      expect(lenderIls.state.items.get('L-3')?.loan?.dateDue.toISOString()).toBe('2027-02-01T11:00:00.000Z');
    });

    it('asks for a due date when the library has no loan period, and refuses what is not a date', async () => {
      const id = await receive('DK-M');
      const { version } = await detail(id);
      const none = await post(`/requests/${id}/actions`, { action: 'ship', version });
      expect(none.status).toBe(400);
      expect(none.body.errors).toEqual([{ path: 'params.dueDate', message: 'is required: ISIL:DK-M has no loan period for ISIL:DK-P (settings.lending)' }]);
      const bad = await post(`/requests/${id}/actions`, { action: 'ship', params: { dueDate: '15/01/2027' }, version });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ path: 'params.dueDate', message: expect.stringContaining('must be a date') }]);
      // Without an ILS, Loaned goes at once with the end of the day in UTC (no time zone set).
      await act(id, 'ship', { dueDate: '2027-01-15' });
      expect((await detail(id)).data.lifecycle.dueDate).toBe('2027-01-15T23:59:59.000Z');
    });
  });
});
