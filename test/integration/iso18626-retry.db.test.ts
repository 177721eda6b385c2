/**
 * A partner's Retry (a `request` with requestType Retry) at our lending side, over POST /iso18626:
 * accepted only for a request of ours whose last status was RetryPossible, and then a new
 * transaction linked both ways to the old one; refused otherwise, naming why (as crosslink does).
 * And the staff action that offers the retry, checked before anything is sent.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import request from 'supertest';
import { buildIso18626, parseIso18626, type Request } from '../../protocols/iso18626';
import { createApp } from '../../src/http/app';
import { iso18626Router } from '../../src/http/iso18626';
import { ValidationFailed } from '../../src/services/errors';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { performStaffAction } from '../../src/services/staff/actions';
import { listEvents } from '../../src/store/events';
import { insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { decodeRequest, getRequest, type RequestRow } from '../../src/store/requests';
import { requests } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { validateAgainst } from '../helpers/xsd';

const LIMIT = 64 * 1024;
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });

describe('a Retry from a partner, at our lending library', () => {
  let database: TestDatabase;
  let deps: LifecycleDeps;
  let app: ReturnType<typeof createApp>;
  let clock = new Date('2026-11-26T10:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase();
    deps = { db: database.db, directory: database.directory, now: () => clock, newId: randomUUID, supplierTimeoutMs: 3600_000 };
    app = createApp({ log: pino({ level: 'silent' }), bodyLimit: LIMIT, health: {}, protocolRouters: [iso18626Router(deps, LIMIT)] });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-L', name: 'Lending Library', settings: {} });
    await insertPartner(database.db, { id: randomUUID(), symbol: 'ISIL:DK-P', name: 'Partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    await insertPartner(database.db, { id: randomUUID(), symbol: 'ISIL:DK-Q', name: 'Other partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
  });
  afterAll(() => database.close());

  const tick = () => (clock = new Date(clock.getTime() + 1000));

  async function send(message: Request) {
    tick();
    const res = await request(app).post('/iso18626').set('Content-Type', 'application/xml').send(buildIso18626(message));
    expect(res.status).toBe(200);
    expect(await validateAgainst('iso18626', res.text)).toEqual({ valid: true, errors: [] });
    const parsed = parseIso18626(res.text).message;
    if (parsed.kind !== 'requestConfirmation') throw new Error(`not a request confirmation: ${parsed.kind}`);
    return parsed;
  }

  const loanRequest = (id: string, serviceInfo: Partial<NonNullable<Request['serviceInfo']>> = {}, from = 'DK-P'): Request => ({
    kind: 'request',
    header: { supplyingAgencyId: agency('DK-L'), requestingAgencyId: agency(from), timestamp: clock.toISOString(), requestingAgencyRequestId: id },
    bibliographicInfo: { title: 'Roadside Picnic', author: 'Strugatsky' },
    serviceInfo: { serviceType: 'Loan', ...serviceInfo },
  });
  const retryOf = (previous: string, id = `${previous}-R1`, from = 'DK-P') => loanRequest(id, { requestType: 'Retry', requestingAgencyPreviousRequestId: previous }, from);

  const lendingRequest = async (id: string, from = 'ISIL:DK-P'): Promise<RequestRow | undefined> => {
    const [row] = await database.db
      .select()
      .from(requests)
      .where(and(eq(requests.role, 'supplier'), eq(requests.requestingAgencyId, from), eq(requests.requestingAgencyRequestId, id)));
    return row && decodeRequest(row);
  };
  const staff = (row: RequestRow, action: string, params?: Record<string, unknown>) => performStaffAction(deps, row.id, { action, ...(params ? { params } : {}) }, 'staff:test');

  /** A request of ours that we answered with a retry offer. */
  async function offered(): Promise<RequestRow> {
    const id = `req-${randomUUID().slice(0, 8)}`;
    expect((await send(loanRequest(id))).confirmationHeader.messageStatus).toBe('OK');
    return staff((await lendingRequest(id))!, 'offer_retry', { reason: 'OnLoan', retryAfter: '2026-12-01', retryBefore: '2027-01-15T00:00:00Z' });
  }

  it('is accepted for a request we offered a retry on: a new transaction, linked to the old one in both timelines', async () => {
    const previous = await offered();
    expect(previous).toMatchObject({ state: 'retry_offered', data: { lifecycle: { lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryAfter: '2026-12-01', retryBefore: '2027-01-15T00:00:00Z' } } } });
    const confirmation = await send(retryOf(previous.requestingAgencyRequestId));
    expect(confirmation.confirmationHeader.messageStatus).toBe('OK');

    const retried = (await lendingRequest(`${previous.requestingAgencyRequestId}-R1`))!;
    expect(retried).toMatchObject({ state: 'validated', data: { retryOf: previous.id } });
    expect(await getRequest(database.db, previous.id)).toMatchObject({ state: 'retry_offered', version: previous.version + 1, data: { retriedAs: retried.id } });
    const remark = (await listEvents(database.db, previous.id)).at(-1);
    expect(remark).toMatchObject({ event: 'retried', fromState: 'retry_offered', toState: 'retry_offered', data: { retriedAs: retried.id } });
    expect(String((await listEvents(database.db, retried.id))[0]?.data.note)).toContain(`a Retry of request ${previous.requestingAgencyRequestId}`);
  });

  const refusals: [string, () => Promise<Request>, RegExp][] = [
    ['names no previous request', async () => loanRequest(`req-${randomUUID().slice(0, 8)}`, { requestType: 'Retry' }), /^serviceInfo\.requestingAgencyPreviousRequestId: a Retry must name the request it retries$/],
    ['names a request we do not have', async () => retryOf('no-such-request'), /^serviceInfo\.requestingAgencyPreviousRequestId: ISIL:DK-L has no request no-such-request from ISIL:DK-P$/],
    [
      'names a request of another requester',
      async () => retryOf((await offered()).requestingAgencyRequestId, `req-${randomUUID().slice(0, 8)}`, 'DK-Q'),
      /^serviceInfo\.requestingAgencyPreviousRequestId: ISIL:DK-L has no request req-\w+ from ISIL:DK-Q$/,
    ],
    [
      'names a request we are still answering',
      async () => {
        const id = `req-${randomUUID().slice(0, 8)}`;
        await send(loanRequest(id));
        return retryOf(id);
      },
      /^serviceInfo\.requestingAgencyPreviousRequestId: request req-\w+'s last status was none, not RetryPossible$/,
    ],
    [
      'names a request we said we would supply',
      async () => {
        const id = `req-${randomUUID().slice(0, 8)}`;
        await send(loanRequest(id));
        await staff((await lendingRequest(id))!, 'will_supply');
        return retryOf(id);
      },
      /^serviceInfo\.requestingAgencyPreviousRequestId: request req-\w+'s last status was WillSupply, not RetryPossible$/,
    ],
    [
      'names a request that was retried already',
      async () => {
        const previous = await offered();
        await send(retryOf(previous.requestingAgencyRequestId));
        return retryOf(previous.requestingAgencyRequestId, `${previous.requestingAgencyRequestId}-again`);
      },
      /^serviceInfo\.requestingAgencyPreviousRequestId: request req-\w+ was retried already$/,
    ],
  ];

  it.each(refusals)('is refused with an ERROR confirmation naming why when it %s, and nothing is stored', async (_what, make, why) => {
    const message = await make();
    const before = await database.db.select().from(requests);
    const confirmation = await send(message);
    expect(confirmation.confirmationHeader.messageStatus).toBe('ERROR');
    expect(confirmation.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(why) });
    expect(await database.db.select().from(requests)).toEqual(before);
  });

  it('treats a Reminder as it always did: a new id is a new request, a known one is refused as a duplicate', async () => {
    const id = `req-${randomUUID().slice(0, 8)}`;
    expect((await send(loanRequest(id, { requestType: 'Reminder' }))).confirmationHeader.messageStatus).toBe('OK');
    const again = await send(loanRequest(id, { requestType: 'Reminder' }));
    expect(again.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(/already exists/) });
  });

  describe('offering a retry (staff)', () => {
    async function fresh(): Promise<RequestRow> {
      const id = `req-${randomUUID().slice(0, 8)}`;
      await send(loanRequest(id));
      return (await lendingRequest(id))!;
    }

    it('needs a reason, a window that closes after it opens, and a price with its currency', async () => {
      const row = await fresh();
      for (const params of [{}, { reason: 'OnLoan', retryAfter: '2027-02-01', retryBefore: '2027-01-01' }, { reason: 'CostExceedsMaxCost', offeredCosts: { monetaryValue: '25' } }, { reason: 'OnLoan', retryBefore: 'soon' }]) {
        await expect(staff(row, 'offer_retry', params)).rejects.toBeInstanceOf(ValidationFailed);
      }
      expect((await getRequest(database.db, row.id))?.state).toBe('validated');
    });

    it('refuses a window that has closed already', async () => {
      const row = await fresh();
      await expect(staff(row, 'offer_retry', { reason: 'OnLoan', retryBefore: '2026-11-01' })).rejects.toThrow(/retryBefore 2026-11-01 has passed/);
    });

    it('is not offered once the item has gone out', async () => {
      const row = await fresh();
      const shipped = await staff(row, 'ship', { dueDate: '2027-02-01T00:00:00Z' });
      await expect(staff(shipped, 'offer_retry', { reason: 'OnLoan' })).rejects.toThrow(/not possible while the request is shipped/);
    });
  });
});
