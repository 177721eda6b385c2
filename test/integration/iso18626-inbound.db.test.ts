/**
 * POST /iso18626 against one server: what a partner's message does, and what a bad one does not.
 * Every answer is a schema-valid confirmation; refused messages leave stored data untouched.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import request from 'supertest';
import { buildIso18626, parseIso18626, type InboundMessage, type ProtocolVersion, type Request, type RequestingAgencyMessage, type SupplyingAgencyMessage } from '../../protocols/iso18626';
import { createApp } from '../../src/http/app';
import { JOBS, requireJob } from '../../src/jobs';
import { iso18626Router } from '../../src/http/iso18626';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { listEvents } from '../../src/store/events';
import { insertLibrary } from '../../src/store/libraries';
import { insertPartner } from '../../src/store/partners';
import { getRequest, type RequestRow, decodeRequest } from '../../src/store/requests';
import { outbox, protocolMessages, requests } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { validateAgainst, type SchemaName } from '../helpers/xsd';
import { jobHandlers } from '../../workers/handlers';

const LIMIT = 64 * 1024;
const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });

describe('receiving ISO 18626 messages (POST /iso18626)', () => {
  let database: TestDatabase;
  let deps: LifecycleDeps;
  let app: ReturnType<typeof createApp>;
  let clock = new Date('2026-11-26T10:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase();
    deps = { db: database.db, directory: database.directory, now: () => clock, newId: randomUUID, supplierTimeoutMs: 3600_000 };
    app = createApp({ log: pino({ level: 'silent' }), bodyLimit: LIMIT, health: {}, protocolRouters: [iso18626Router(deps, LIMIT)] });
    // We serve a lender (DK-L) and a borrower (DK-H); DK-P is a partner with a secret, DK-Q one without.
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-L', name: 'Lending Library', settings: {} });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-H', name: 'Home Library', settings: {} });
    const partner = (symbol: string, auth: Record<string, unknown>, protocolVersion: ProtocolVersion = '1.2') =>
      insertPartner(database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: 'http://127.0.0.1:9/iso18626', auth, policies: {}, vendor: null, contactEmail: null, status: 'active', protocolVersion });
    await partner('ISIL:DK-P', { inbound: { securityCode: 'p-secret' } });
    await partner('ISIL:DK-Q', {});
    // DK-R speaks ISO 18626:2021 and has a secret.
    await partner('ISIL:DK-R', { inbound: { securityCode: 'r-secret' } }, '2021');
  });
  afterAll(() => database.close());

  /** Posts a message; checks the answer is a schema-valid confirmation and returns it parsed. */
  async function post(body: string, expectedStatus = 200, schema: SchemaName = 'iso18626') {
    const res = await request(app).post('/iso18626').set('Content-Type', 'application/xml').send(body);
    expect(res.status).toBe(expectedStatus);
    expect(await validateAgainst(schema, res.text)).toEqual({ valid: true, errors: [] });
    const parsed = parseIso18626(res.text).message;
    if (!('confirmationHeader' in parsed)) throw new Error(`not a confirmation: ${parsed.kind}`);
    return { confirmation: parsed, text: res.text };
  }
  const send = (message: InboundMessage) => post(buildIso18626(message));

  const header = (over: Partial<Request['header']> = {}): Request['header'] => ({
    supplyingAgencyId: agency('DK-L'),
    requestingAgencyId: agency('DK-P'),
    timestamp: clock.toISOString(),
    requestingAgencyRequestId: `req-${randomUUID().slice(0, 8)}`,
    requestingAgencyAuthentication: { securityCode: 'p-secret' },
    ...over,
  });
  const loanRequest = (over: Partial<Request['header']> = {}): Request => ({
    kind: 'request',
    header: header(over),
    bibliographicInfo: { title: 'Solaris', author: 'Lem, Stanisław' },
    serviceInfo: { serviceType: 'Loan' },
    patronInfo: { patronId: 'their-patron-9' },
  });
  const ram = (requestId: string, action: RequestingAgencyMessage['action'], over: Partial<Request['header']> = {}): RequestingAgencyMessage => ({
    kind: 'requestingAgencyMessage',
    header: header({ requestingAgencyRequestId: requestId, ...over }),
    action,
  });
  const supplierRequest = async (requestId: string) =>
    (await database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, requestId))).map(decodeRequest).find((r) => r.role === 'supplier');

  async function snapshot() {
    return {
      requests: await database.db.select().from(requests),
      outbox: await database.db.select().from(outbox),
    };
  }

  describe('a new request from a partner', () => {
    it('is confirmed OK and becomes a validated lending request', async () => {
      const message = loanRequest();
      const { confirmation } = await send(message);
      expect(confirmation).toMatchObject({
        kind: 'requestConfirmation',
        confirmationHeader: { messageStatus: 'OK', requestingAgencyRequestId: message.header.requestingAgencyRequestId, timestampReceived: message.header.timestamp },
      });
      const stored = await supplierRequest(message.header.requestingAgencyRequestId);
      expect(stored).toMatchObject({ state: 'validated', supplyingAgencyId: 'ISIL:DK-L', requestingAgencyId: 'ISIL:DK-P', serviceType: 'Loan' });
      expect(stored?.data).toMatchObject({ bibliographic: { title: 'Solaris' }, patron: { id: 'their-patron-9' } });
    });

    it('costs one database statement once the directory is in memory: no read before the write', async () => {
      await send(loanRequest()); // the directory is read once, then heard from
      const statements: string[] = [];
      const counting = new Proxy(database.db, {
        get(target, name, receiver) {
          const value: unknown = Reflect.get(target, name, receiver);
          if (typeof value !== 'function' || !['select', 'selectDistinct', 'insert', 'update', 'delete', 'execute', 'transaction'].includes(String(name))) return value;
          return (...args: unknown[]) => {
            statements.push(String(name));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const countingApp = createApp({ log: pino({ level: 'silent' }), bodyLimit: LIMIT, health: {}, protocolRouters: [iso18626Router({ ...deps, db: counting }, LIMIT)] });
      const message = loanRequest();
      const res = await request(countingApp).post('/iso18626').set('Content-Type', 'application/xml').send(buildIso18626(message));
      expect(parseIso18626(res.text).message).toMatchObject({ kind: 'requestConfirmation', confirmationHeader: { messageStatus: 'OK' } });
      expect(statements).toEqual(['execute']);
      expect(await supplierRequest(message.header.requestingAgencyRequestId)).toMatchObject({ state: 'validated' });
    });

    it('is stored raw with its parse result and the confirmation sent, the security code masked in both', async () => {
      const message = loanRequest();
      const xml = buildIso18626(message);
      const { text } = await post(xml);
      const stored = await supplierRequest(message.header.requestingAgencyRequestId);
      const [record] = await database.db.select().from(protocolMessages).where(eq(protocolMessages.requestId, stored!.id));
      const masked = xml.replace('<securityCode>p-secret</securityCode>', '<securityCode>***</securityCode>');
      expect(masked).not.toBe(xml);
      expect(record).toMatchObject({ protocol: 'iso18626', direction: 'in', peer: 'ISIL:DK-P', messageType: 'request', status: 'answered', rawXml: masked, responseXml: text });
      expect(record!.parsed).toMatchObject({ message: { kind: 'request', header: { requestingAgencyAuthentication: { securityCode: '***' } } }, warnings: [] });
    });

    it('delivered twice, creates one request and is confirmed twice identically', async () => {
      const xml = buildIso18626(loanRequest());
      const first = await post(xml);
      clock = new Date(clock.getTime() + 5000);
      const second = await post(xml);
      expect(second.text).toBe(first.text);
      const id = parseIso18626(xml).message as Request;
      const rows = (await database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, id.header.requestingAgencyRequestId))).filter((r) => r.role === 'supplier');
      expect(rows).toHaveLength(1);
    });

    it('delivered twice at the same moment, still creates one request', async () => {
      const xml = buildIso18626(loanRequest());
      const [one, two] = await Promise.all([post(xml), post(xml)]);
      expect(one.text).toBe(two.text);
      const id = (parseIso18626(xml).message as Request).header.requestingAgencyRequestId;
      expect((await database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, id))).filter((r) => r.role === 'supplier')).toHaveLength(1);
    });

    it('reusing a request id for a different request is refused', async () => {
      const first = loanRequest();
      await send(first);
      const reused: Request = { ...first, header: { ...first.header, timestamp: new Date(clock.getTime() + 60_000).toISOString() }, bibliographicInfo: { title: 'Another book' } };
      const { confirmation } = await send(reused);
      expect(confirmation.confirmationHeader.messageStatus).toBe('ERROR');
      expect(confirmation.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(/already exists/) });
      expect((await supplierRequest(first.header.requestingAgencyRequestId))?.data).toMatchObject({ bibliographic: { title: 'Solaris' } });
    });
  });

  describe('who may send', () => {
    it('refuses a sender that is not a partner, without storing a request', async () => {
      const before = await snapshot();
      const { confirmation } = await send(loanRequest({ requestingAgencyId: agency('XX-STRANGER') }));
      expect(confirmation.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: 'header.requestingAgencyId: ISIL:XX-STRANGER is not a partner of this server' });
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a spoofed partner: right symbol, wrong or missing security code', async () => {
      const before = await snapshot();
      for (const auth of [{ securityCode: 'guess' }, undefined]) {
        const message = loanRequest();
        const spoofed: Request = { ...message, header: { ...message.header, ...(auth ? { requestingAgencyAuthentication: auth } : {}) } };
        if (!auth) delete (spoofed.header as { requestingAgencyAuthentication?: unknown }).requestingAgencyAuthentication;
        const { confirmation } = await send(spoofed);
        expect(confirmation.errorData?.errorValue).toMatch(/^header.requestingAgencyAuthentication: the security code for ISIL:DK-P is missing or wrong/);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('accepts a partner with no secret on its agency id alone, as real peers do', async () => {
      const { confirmation } = await send(loanRequest({ requestingAgencyId: agency('DK-Q'), requestingAgencyAuthentication: undefined } as Partial<Request['header']>));
      expect(confirmation.confirmationHeader.messageStatus).toBe('OK');
    });

    it('refuses a message for a library not served here', async () => {
      const { confirmation } = await send(loanRequest({ supplyingAgencyId: agency('DK-ELSEWHERE') }));
      expect(confirmation.errorData?.errorValue).toBe('header.supplyingAgencyId: ISIL:DK-ELSEWHERE is not a library served here');
    });
  });

  describe('messages about a transaction', () => {
    async function lendingRequest(): Promise<RequestRow> {
      const message = loanRequest();
      await send(message);
      return (await supplierRequest(message.header.requestingAgencyRequestId))!;
    }

    it('answers an unknown request id with UnrecognisedDataValue', async () => {
      const { confirmation } = await send(ram('no-such-request', 'Cancel'));
      expect(confirmation).toMatchObject({ kind: 'requestingAgencyMessageConfirmation', action: 'Cancel', confirmationHeader: { messageStatus: 'ERROR' } });
      expect(confirmation.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: 'header.requestingAgencyRequestId: no request no-such-request from ISIL:DK-P' });
    });

    it('answers an action the state does not allow with UnsupportedActionType and changes nothing', async () => {
      const lending = await lendingRequest();
      const before = await snapshot();
      const { confirmation } = await send(ram(lending.requestingAgencyRequestId, 'ShippedReturn'));
      expect(confirmation.errorData?.errorType).toBe('UnsupportedActionType');
      expect(await snapshot()).toEqual(before);
      expect(await getRequest(database.db, lending.id)).toEqual(lending);
    });

    it('takes a cancel request and records it for staff to answer', async () => {
      const lending = await lendingRequest();
      const { confirmation } = await send(ram(lending.requestingAgencyRequestId, 'Cancel'));
      expect(confirmation.confirmationHeader.messageStatus).toBe('OK');
      expect(await getRequest(database.db, lending.id)).toMatchObject({ state: 'cancel_requested' });
      expect((await listEvents(database.db, lending.id)).at(-1)).toMatchObject({ event: 'requester_message:Cancel', actor: 'partner:ISIL:DK-P' });
    });

    it('refuses a message about another partner’s request', async () => {
      const lending = await lendingRequest();
      const { confirmation } = await send(ram(lending.requestingAgencyRequestId, 'Cancel', { requestingAgencyId: agency('DK-Q'), requestingAgencyAuthentication: undefined } as Partial<Request['header']>));
      expect(confirmation.errorData?.errorType).toBe('UnrecognisedDataValue');
      expect((await getRequest(database.db, lending.id))?.state).toBe('validated');
    });
  });

  describe('messages to one of our borrowing requests', () => {
    async function borrowing(candidates: string[]): Promise<RequestRow> {
      const library = await database.directory.library('ISIL:DK-H');
      return createBorrowingRequest(deps, library!.id, parseBorrowingRequest({ bibliographic: { title: 'Roadside Picnic' }, patron: { id: 'P-5' }, candidates: candidates.map((symbol) => ({ symbol })) }), 'staff:test', { channel: 'staff' });
    }
    const sam = (req: RequestRow, status: SupplyingAgencyMessage['statusInfo']['status'], reason: SupplyingAgencyMessage['messageInfo']['reasonForMessage'], from = 'DK-P', extra: Partial<SupplyingAgencyMessage> = {}): SupplyingAgencyMessage => ({
      kind: 'supplyingAgencyMessage',
      header: { supplyingAgencyId: agency(from), requestingAgencyId: agency('DK-H'), timestamp: new Date(clock.getTime() + Math.floor(Math.random() * 1e6)).toISOString(), requestingAgencyRequestId: req.requestingAgencyRequestId, requestingAgencyAuthentication: { securityCode: 'p-secret' } },
      messageInfo: { reasonForMessage: reason },
      statusInfo: { ...(status ? { status } : {}), lastChange: clock.toISOString(), ...(status === 'Loaned' ? { dueDate: '2027-04-01T00:00:00Z' } : {}) },
      ...extra,
    });

    it('follows an out-of-order Loaned that overtook WillSupply, and ignores the late WillSupply', async () => {
      const req = await borrowing(['ISIL:DK-P']);
      expect((await send(sam(req, 'Loaned', 'StatusChange'))).confirmation.confirmationHeader.messageStatus).toBe('OK');
      expect((await getRequest(database.db, req.id))?.state).toBe('shipped');
      expect((await send(sam(req, 'WillSupply', 'RequestResponse'))).confirmation.confirmationHeader.messageStatus).toBe('OK');
      expect((await getRequest(database.db, req.id))?.state).toBe('shipped');
    });

    it('refuses a status from an agency that is not among the request’s suppliers', async () => {
      const req = await borrowing(['ISIL:DK-P']);
      const before = await snapshot();
      const { confirmation } = await send(sam(req, 'Loaned', 'StatusChange', 'DK-Q'));
      expect(confirmation.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(/^header.supplyingAgencyId: ISIL:DK-Q is not a supplier/) });
      expect(await snapshot()).toEqual(before);
    });

    it('takes a status change in mod-rs’s template shape, empty containers (<offeredCosts />) and all', async () => {
      const req = await borrowing(['ISIL:DK-Q']);
      const modRs = `<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">
  <supplyingAgencyMessage>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>DK-Q</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>DK-H</agencyIdValue></requestingAgencyId>
      <timestamp>${clock.toISOString()}</timestamp>
      <requestingAgencyRequestId>${req.requestingAgencyRequestId}</requestingAgencyRequestId>
      <supplyingAgencyRequestId>their-77</supplyingAgencyRequestId>
    </header>
    <messageInfo><reasonForMessage>RequestResponse</reasonForMessage><answerYesNo /><note /><reasonUnfilled /><reasonRetry /><offeredCosts /><retryAfter /><retryBefore /></messageInfo>
    <statusInfo><status>WillSupply</status><expectedDeliveryDate /><dueDate /><lastChange>${clock.toISOString()}</lastChange></statusInfo>
    <deliveryInfo><dateSent /><itemId></itemId><sentVia /><sentToPatron /><loanCondition /><deliveredFormat /><deliveryCosts /></deliveryInfo>
  </supplyingAgencyMessage>
</ISO18626Message>`;
      const { confirmation } = await post(modRs);
      expect(confirmation.confirmationHeader.messageStatus).toBe('OK');
      expect((await getRequest(database.db, req.id))?.state).toBe('will_supply');
    });

    it('takes a 2021 status from a partner set to 2021 on its agency id (a 2021 SAM header has no security code), answering in 2021; not from a v1.2 partner', async () => {
      const req = await borrowing(['ISIL:DK-R']);
      const { requestingAgencyAuthentication: _none, ...header2021 } = sam(req, 'WillSupply', 'RequestResponse', 'DK-R').header;
      const willSupply: SupplyingAgencyMessage = { ...sam(req, 'WillSupply', 'RequestResponse', 'DK-R'), header: header2021 };
      const answer = await post(buildIso18626(willSupply, { version: '2021' }), 200, 'iso18626_2021');
      expect(answer.confirmation.confirmationHeader.messageStatus).toBe('OK');
      expect((await getRequest(database.db, req.id))?.state).toBe('will_supply');

      const other = await borrowing(['ISIL:DK-P']);
      const spoof: SupplyingAgencyMessage = { ...sam(other, 'WillSupply', 'RequestResponse'), header: { ...header2021, supplyingAgencyId: agency('DK-P'), requestingAgencyRequestId: other.requestingAgencyRequestId } };
      const refused = await post(buildIso18626(spoof, { version: '2021' }), 200, 'iso18626_2021');
      expect(refused.confirmation.errorData?.errorValue).toMatch(/security code for ISIL:DK-P is missing or wrong/);
      expect((await getRequest(database.db, other.id))?.state).toBe('sent_to_supplier');
    });

    it('refuses a status that cannot apply to the request (a copy delivered on a loan request)', async () => {
      const req = await borrowing(['ISIL:DK-P']);
      const { confirmation } = await send(sam(req, 'CopyCompleted', 'StatusChange'));
      expect(confirmation.errorData?.errorType).toBe('UnrecognisedDataValue');
      expect((await getRequest(database.db, req.id))?.state).toBe('sent_to_supplier');
    });

    it('moves to the next supplier when the first does not answer in time', async () => {
      const req = await borrowing(['ISIL:DK-P', 'ISIL:DK-Q']);
      const [timer] = await database.db.select().from(outbox).where(eq(outbox.requestId, req.id)).then((rows) => rows.filter((r) => r.queue === 'timers'));
      expect(timer?.notBefore?.getTime()).toBe(clock.getTime() + deps.supplierTimeoutMs);
      const handlers = jobHandlers({ ...deps, timeoutMs: 1000 });
      await handlers[JOBS.supplierAnswer]!({ row: requireJob(timer!, JOBS.supplierAnswer), attempt: 1, log: pino({ level: 'silent' }) });
      const moved = await getRequest(database.db, req.id);
      expect(moved).toMatchObject({ state: 'sent_to_supplier', data: { lifecycle: { rotaIndex: 1 } } });
      expect(String((await listEvents(database.db, req.id)).at(-1)?.data.note)).toMatch(/did not answer within 1 hour/);
      // The silent supplier is withdrawn from (Cancel), the next one is asked.
      const sends = (await database.db.select().from(outbox).where(eq(outbox.requestId, req.id)).orderBy(outbox.seq)).filter((r) => r.queue === 'delivery').map((r) => r.payload);
      expect(sends).toEqual([
        { to: 'ISIL:DK-P', message: { kind: 'request', rotaIndex: 0 } },
        { to: 'ISIL:DK-P', message: { kind: 'requestingAgencyMessage', action: 'Cancel', rotaIndex: 0, note: expect.stringMatching(/^No answer in time/) } },
        { to: 'ISIL:DK-Q', message: { kind: 'request', rotaIndex: 1 } },
      ]);
      // The same timer firing again is stale: nothing moves.
      await handlers[JOBS.supplierAnswer]!({ row: requireJob(timer!, JOBS.supplierAnswer), attempt: 2, log: pino({ level: 'silent' }) });
      expect((await getRequest(database.db, req.id))?.data).toMatchObject({ lifecycle: { rotaIndex: 1 } });
    });
  });

  describe('bad input', () => {
    it.each([
      ['not XML', 'hello', 400],
      ['an empty body', '', 400],
      ['broken XML', '<ISO18626Message><request></ISO18626Message>', 400],
      ['a billion-laughs document', '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><ISO18626Message>&b;</ISO18626Message>', 400],
      ['an external entity', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><ISO18626Message>&x;</ISO18626Message>', 400],
      ['an oversize body', `<ISO18626Message>${'<x>y</x>'.repeat(LIMIT / 8)}</ISO18626Message>`, 413],
    ])('answers %s with an ERROR/BadlyFormedMessage confirmation and changes nothing', async (_name, body, status) => {
      const before = await snapshot();
      const { confirmation } = await post(body, status);
      expect(confirmation.confirmationHeader.messageStatus).toBe('ERROR');
      expect(confirmation.errorData?.errorType).toBe('BadlyFormedMessage');
      expect(await snapshot()).toEqual(before);
    });

    it('answers an unknown action with UnsupportedActionType', async () => {
      const xml = buildIso18626(ram('whatever', 'Cancel')).replace('<action>Cancel</action>', '<action>Teleport</action>');
      const { confirmation } = await post(xml);
      expect(confirmation.errorData).toMatchObject({ errorType: 'UnsupportedActionType' });
    });

    it('tells a GET where ISO 18626 goes', async () => {
      const res = await request(app).get('/iso18626');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
    });
  });
});
