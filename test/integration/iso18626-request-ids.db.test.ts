/**
 * The requester's request id is the key of a transaction: a message with an empty or blank one is
 * refused (UnrecognisedDataValue, naming header.requestingAgencyRequestId) whatever it is and
 * whoever it is for, a member library or a broker hub, and stores nothing. The supplier's id is
 * optional: a blank one is read as absent, never learned.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { buildIso18626, parseIso18626, type InboundMessage, type Request, type SupplyingAgencyMessage } from '../../protocols/iso18626';
import { createApp } from '../../src/http/app';
import { iso18626Router } from '../../src/http/iso18626';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { getRequest } from '../../src/store/requests';
import { protocolMessages, requests } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { validateAgainst } from '../helpers/xsd';

const LIMIT = 64 * 1024;
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });

describe('request ids a transaction cannot be found by (POST /iso18626)', () => {
  let database: TestDatabase;
  let deps: LifecycleDeps;
  let app: ReturnType<typeof createApp>;
  const clock = new Date('2026-11-30T10:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase();
    deps = { db: database.db, directory: database.directory, now: () => clock, newId: randomUUID, supplierTimeoutMs: 3600_000 };
    app = createApp({ log: pino({ level: 'silent' }), bodyLimit: LIMIT, health: {}, protocolRouters: [iso18626Router(deps, LIMIT)] });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-L', name: 'Lending Library', settings: {} });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-H', name: 'Home Library', settings: {} });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-HUB', name: 'Hub', settings: { broker: { mode: 'opaque' } } });
    await insertPartner(database.db, { id: randomUUID(), symbol: 'ISIL:DK-P', name: 'Partner', iso18626Url: 'http://127.0.0.1:9/iso18626', auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
  });
  afterAll(() => database.close());

  async function send(message: InboundMessage) {
    const res = await request(app).post('/iso18626').set('Content-Type', 'application/xml').send(buildIso18626(message));
    expect(res.status).toBe(200);
    expect(await validateAgainst('iso18626', res.text)).toEqual({ valid: true, errors: [] });
    const parsed = parseIso18626(res.text).message;
    if (!('confirmationHeader' in parsed)) throw new Error(`not a confirmation: ${parsed.kind}`);
    return parsed;
  }
  const requestTo = (to: string, requestId: string): Request => ({
    kind: 'request',
    header: { supplyingAgencyId: agency(to), requestingAgencyId: agency('DK-P'), timestamp: new Date(clock.getTime() + Math.floor(Math.random() * 1e6)).toISOString(), requestingAgencyRequestId: requestId },
    bibliographicInfo: { title: 'Solaris' },
    serviceInfo: { serviceType: 'Loan' },
  });
  const sam = (requestId: string, header: Partial<SupplyingAgencyMessage['header']> = {}): SupplyingAgencyMessage => ({
    kind: 'supplyingAgencyMessage',
    header: { supplyingAgencyId: agency('DK-P'), requestingAgencyId: agency('DK-H'), timestamp: new Date(clock.getTime() + Math.floor(Math.random() * 1e6)).toISOString(), requestingAgencyRequestId: requestId, ...header },
    messageInfo: { reasonForMessage: 'RequestResponse' },
    statusInfo: { status: 'ExpectToSupply', lastChange: clock.toISOString() },
  });
  const counts = async () => ({ requests: (await database.db.select().from(requests)).length, messages: (await database.db.select().from(protocolMessages)).length });

  it.each([
    ['an empty id to a member library', 'DK-L', ''],
    ['a blank id to a member library', 'DK-L', '  \t'],
    ['an empty id to a broker hub', 'DK-HUB', ''],
    ['a blank id to a broker hub', 'DK-HUB', ' '],
  ])('refuses a request with %s, naming the element, and stores no request', async (_name, to, requestId) => {
    const before = await counts();
    const confirmation = await send(requestTo(to, requestId));
    expect(confirmation.confirmationHeader.messageStatus).toBe('ERROR');
    expect(confirmation.errorData).toEqual({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(/^header\.requestingAgencyRequestId: must not be empty/) });
    // The refusal is recorded (a conformance report counts it); no request is made.
    expect(await counts()).toEqual({ requests: before.requests, messages: before.messages + 1 });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('refuses a supplier’s message with an %s requester id by naming the element, not “no request”', async (_name, requestId) => {
    const confirmation = await send(sam(requestId));
    expect(confirmation.errorData).toEqual({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(/^header\.requestingAgencyRequestId: must not be empty/) });
  });

  it('refuses a requester’s message with a blank request id the same way', async () => {
    const confirmation = await send({
      kind: 'requestingAgencyMessage',
      header: { supplyingAgencyId: agency('DK-L'), requestingAgencyId: agency('DK-P'), timestamp: clock.toISOString(), requestingAgencyRequestId: ' ' },
      action: 'Cancel',
    });
    expect(confirmation.errorData).toEqual({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(/^header\.requestingAgencyRequestId: must not be empty/) });
  });

  it('reads a blank supplier request id as absent: the status applies, the id is not learned', async () => {
    const library = await database.directory.library('ISIL:DK-H');
    const req = await createBorrowingRequest(deps, library!.id, parseBorrowingRequest({ bibliographic: { title: 'Roadside Picnic' }, patron: { id: 'P-5' }, candidates: [{ symbol: 'ISIL:DK-P' }] }), 'staff:test', { channel: 'staff' });
    const confirmation = await send(sam(req.requestingAgencyRequestId, { supplyingAgencyRequestId: '   ' }));
    expect(confirmation.confirmationHeader.messageStatus).toBe('OK');
    expect(await getRequest(database.db, req.id)).toMatchObject({ state: 'expect_to_supply', supplyingAgencyRequestId: null });
  });
});
