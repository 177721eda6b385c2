import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import request from 'supertest';
import { buildNcip, parseNcip, schemeValue, type NcipMessage, type NcipMessageOf, type Problem } from '../../protocols/ncip';
import { createApp } from '../../src/http/app';
import { ncipRouter } from '../../src/http/ncip';
import { listEvents } from '../../src/store/events';
import { insertLibrary } from '../../src/store/libraries';
import { getRequest, updateRequest } from '../../src/store/requests';
import { outbox, protocolMessages, requests } from '../../src/store/schema';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { validateAgainst } from '../helpers/xsd';

const log = pino({ level: 'silent' });
const LIMIT = 64 * 1024;

describe('the NCIP responder (POST /ncip)', () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let libraryId: string;
  beforeAll(async () => {
    database = await freshDatabase();
    const deps = { db: database.db, directory: database.directory, now: () => new Date(), newId: randomUUID, supplierTimeoutMs: 3600_000 };
    app = createApp({ log, bodyLimit: LIMIT, health: {}, protocolRouters: [ncipRouter(deps, LIMIT)] });
    libraryId = randomUUID();
    // Neither lends to the other, so a request without candidates has nobody to go to and waits for staff.
    await insertLibrary(database.db, { id: libraryId, symbol: 'ISIL:DK-100', name: 'Main Library', settings: { lending: { lends: false } } });
    await insertLibrary(database.db, {
      id: randomUUID(),
      symbol: 'ISIL:DK-200',
      name: 'Guarded Library',
      settings: { ncipResponder: { fromAgencyAuthentication: 'open sesame' }, lending: { lends: false } },
    });
  });
  afterAll(() => database.close());

  const header = (toAgency = 'DK-100', extra: Record<string, string> = {}) => ({ fromAgencyId: { value: 'VUFIND' }, toAgencyId: { value: toAgency }, ...extra });
  const patron = { userIdentifierValue: 'P-1001' };

  /** Posts XML, checks the answer is schema-valid NCIP with HTTP 200, and returns it parsed. */
  async function post(xml: string, contentType = 'application/xml') {
    const res = await request(app).post('/ncip').set('Content-Type', contentType).send(xml);
    expect(res.status).toBe(200);
    const verdict = await validateAgainst(res.text.includes('NCIPVersionMessage') ? 'ncipVersion' : 'ncip', res.text);
    expect(verdict).toEqual({ valid: true, errors: [] });
    return { message: parseNcip(res.text), res };
  }
  const send = (message: NcipMessage) => post(buildNcip(message));
  /** A schema-valid message with one element cut out: what a careless caller sends (our builder refuses to). */
  const withoutElement = (message: NcipMessage, element: string) =>
    buildNcip(message).replace(new RegExp(`\\s*<ns1:${element}>[\\s\\S]*?</ns1:${element}>`, 'g'), '');
  const problemsOf = (message: NcipMessage): readonly Problem[] => (message as { problems?: readonly Problem[] }).problems ?? [];
  const problemType = (message: NcipMessage) => problemsOf(message)[0]?.problemType.value;

  function requestItem(overrides: Partial<NcipMessageOf<'RequestItem'>> = {}): NcipMessageOf<'RequestItem'> {
    return {
      messageType: 'RequestItem',
      initiationHeader: header(),
      userId: patron,
      bibliographicIds: [{ bibliographicItemId: { bibliographicItemIdentifier: '9780441478125', bibliographicItemIdentifierCode: { value: 'ISBN' } } }],
      requestType: schemeValue('requestType', 'Loan'),
      requestScopeType: schemeValue('requestScopeType', 'Bibliographic Item'),
      itemOptionalFields: { bibliographicDescription: { title: 'The Left Hand of Darkness', author: 'Le Guin, Ursula K.' } },
      pickupLocation: { value: 'Main desk' },
      needBeforeDate: '2027-01-31T00:00:00Z',
      ...overrides,
    };
  }

  /** A request whose item the patron has, lent by ISIL:DK-900 (as the lifecycle would leave it). */
  async function onLoan(): Promise<string> {
    const id = await createdRequestId();
    const row = (await getRequest(database.db, id))!;
    const lifecycle = { serviceType: 'Loan' as const, rota: [{ symbol: 'ISIL:DK-900' }], rotaIndex: 0, dueDate: '2027-02-01T00:00:00.000Z', lastStatus: 'Loaned' as const };
    await updateRequest(database.db, id, row.version, { state: 'checked_out', data: { ...row.data, lifecycle } }, new Date());
    return id;
  }

  async function createdRequestId(overrides: Partial<NcipMessageOf<'RequestItem'>> = {}): Promise<string> {
    const { message } = await send(requestItem(overrides));
    expect(message.messageType).toBe('RequestItemResponse');
    return (message as NcipMessageOf<'RequestItemResponse'>).requestId!.requestIdentifierValue;
  }

  it('answers LookupVersion with the version and services it supports', async () => {
    const { message } = await send({ messageType: 'LookupVersion', fromAgencyId: { value: 'VUFIND' }, toAgencyId: { value: 'DK-100' } });
    expect(message).toMatchObject({
      messageType: 'LookupVersionResponse',
      fromAgencyId: { value: 'DK-100' },
      toAgencyId: { value: 'VUFIND' },
      serviceSupported: ['LookupVersion', 'RequestItem', 'CancelRequestItem', 'LookupRequest', 'RenewItem'],
    });
  });

  describe('RequestItem', () => {
    it('creates a borrowing request for the patron of the member library addressed', async () => {
      const { message } = await send(requestItem({ requestId: { requestIdentifierValue: 'vufind-1' } }));
      expect(message).toMatchObject({
        messageType: 'RequestItemResponse',
        responseHeader: { fromAgencyId: { value: 'DK-100' }, toAgencyId: { value: 'VUFIND' } },
        userId: patron,
        requestType: { value: 'Loan' },
      });
      const id = (message as NcipMessageOf<'RequestItemResponse'>).requestId!.requestIdentifierValue;
      const stored = await getRequest(database.db, id);
      // No candidate suppliers came with it: validated, waiting for staff to route it.
      expect(stored).toMatchObject({ libraryId, role: 'requester', state: 'validated', serviceType: 'Loan', requestingAgencyId: 'ISIL:DK-100', requestingAgencyRequestId: id });
      expect(stored?.data).toMatchObject({
        patron: { id: 'P-1001' },
        bibliographic: { title: 'The Left Hand of Darkness', author: 'Le Guin, Ursula K.', isbn: '9780441478125' },
        pickupLocation: 'Main desk',
        neededBy: '2027-01-31',
        source: { channel: 'ncip', externalId: 'vufind-1' },
      });
      expect((await listEvents(database.db, id)).map((e) => [e.event, e.toState, e.actor])).toEqual([
        ['created', 'new', 'ncip:VUFIND'],
        ['validate', 'validated', 'system'],
      ]);
    });

    it('keeps the message and the answer, linked to the new request', async () => {
      const id = await createdRequestId();
      const rows = await database.db.select().from(protocolMessages).where(eq(protocolMessages.requestId, id));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ protocol: 'ncip', direction: 'in', peer: 'VUFIND', messageType: 'RequestItem', status: 'answered', httpStatus: 200 });
      expect(rows[0]!.rawXml).toContain('RequestItem');
      expect(rows[0]!.responseXml).toContain('RequestItemResponse');
    });

    it('maps a Non-returnable Copy request to an ILL copy request', async () => {
      const id = await createdRequestId({ requestType: schemeValue('requestType', 'Non-returnable Copy') });
      expect((await getRequest(database.db, id))?.serviceType).toBe('Copy');
    });

    it('refuses the same caller request id twice as a Duplicate Request', async () => {
      await createdRequestId({ requestId: { requestIdentifierValue: 'vufind-dup' } });
      const { message } = await send(requestItem({ requestId: { requestIdentifierValue: 'vufind-dup' } }));
      expect(message.messageType).toBe('RequestItemResponse');
      expect(problemsOf(message)[0]).toMatchObject({ problemType: { value: 'Duplicate Request' }, problemValue: 'vufind-dup' });
    });

    it('answers an agency that is not a member library with Unknown Agency and creates nothing', async () => {
      const before = await database.db.select().from(requests);
      const { message } = await send(requestItem({ initiationHeader: header('XX-999') }));
      expect(message.messageType).toBe('RequestItemResponse');
      expect(problemsOf(message)[0]).toMatchObject({ problemType: { value: 'Unknown Agency' }, problemValue: 'XX-999' });
      expect(await database.db.select().from(requests)).toHaveLength(before.length);
    });

    it('requires the patron', async () => {
      const { message } = await post(withoutElement(requestItem(), 'UserId'));
      expect(problemsOf(message)[0]).toMatchObject({ problemType: { value: 'Needed Data Missing' }, problemElement: expect.stringMatching(/^RequestItem\/UserId/) });
    });

    it('requires a title or an identifier of the wanted item', async () => {
      // Schema-valid (an ItemId is there) but says nothing about what is wanted.
      const { message } = await send(requestItem({ bibliographicIds: undefined, itemOptionalFields: { bibliographicDescription: { edition: '2nd' } }, itemIds: [{ itemIdentifierValue: ' ' }] }));
      expect(problemType(message)).toBe('Needed Data Missing');
      expect(problemsOf(message)[0]?.problemDetail).toMatch(/needs a title or an identifier/);
    });

    it('refuses request types that are not interlibrary loans', async () => {
      const { message } = await send(requestItem({ requestType: schemeValue('requestType', 'Estimate') }));
      expect(problemsOf(message)[0]).toMatchObject({ problemType: { value: 'Unknown Value From Known Scheme' }, problemValue: 'Estimate' });
    });

    it('checks the shared secret of a library that set one', async () => {
      const guarded = (secret?: string) => requestItem({ initiationHeader: header('DK-200', secret ? { fromAgencyAuthentication: secret } : {}) });
      expect(problemType((await send(guarded())).message)).toBe('Agency Authentication Failed');
      expect(problemType((await send(guarded('guess'))).message)).toBe('Agency Authentication Failed');
      expect((await send(guarded('open sesame'))).message).toMatchObject({ messageType: 'RequestItemResponse', userId: patron });
    });

    it('accepts what real callers send: no prefix, elements out of order, text/xml', async () => {
      const xml = `<?xml version="1.0"?>
        <NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="2.02">
          <RequestItem>
            <RequestScopeType>Bibliographic Item</RequestScopeType>
            <RequestType>Loan</RequestType>
            <InitiationHeader><ToAgencyId><AgencyId>dk-100</AgencyId></ToAgencyId><FromAgencyId><AgencyId>KOHA</AgencyId></FromAgencyId></InitiationHeader>
            <UserId><UserIdentifierValue>P-2002</UserIdentifierValue></UserId>
            <BibliographicId><BibliographicRecordId><BibliographicRecordIdentifier>ocm12345</BibliographicRecordIdentifier><BibliographicRecordIdentifierCode>OCLC</BibliographicRecordIdentifierCode></BibliographicRecordId></BibliographicId>
          </RequestItem>
        </NCIPMessage>`;
      const { message, res } = await post(xml, 'text/xml');
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      const id = (message as NcipMessageOf<'RequestItemResponse'>).requestId!.requestIdentifierValue;
      expect((await getRequest(database.db, id))?.data).toMatchObject({ patron: { id: 'P-2002' }, bibliographic: { oclcNumber: 'ocm12345' } });
    });
  });

  describe('CancelRequestItem', () => {
    const cancel = (requestId: string, userId = patron): NcipMessageOf<'CancelRequestItem'> => ({
      messageType: 'CancelRequestItem',
      initiationHeader: header(),
      userId,
      requestId: { requestIdentifierValue: requestId },
      requestType: schemeValue('requestType', 'Loan'),
    });

    it('cancels a request that has not gone to a partner yet', async () => {
      const id = await createdRequestId();
      const { message } = await send(cancel(id));
      expect(message).toMatchObject({ messageType: 'CancelRequestItemResponse', requestId: { requestIdentifierValue: id }, userId: patron });
      expect((await getRequest(database.db, id))?.state).toBe('cancelled');
      expect((await listEvents(database.db, id)).map((e) => e.event)).toEqual(['created', 'validate', 'staff:cancel']);
    });

    it('finds the request by the id the caller gave it', async () => {
      const id = await createdRequestId({ requestId: { requestIdentifierValue: 'vufind-cancel-me' } });
      await send(cancel('vufind-cancel-me'));
      expect((await getRequest(database.db, id))?.state).toBe('cancelled');
    });

    it('answers Unknown Request for an id it does not know, or another patron’s request', async () => {
      expect(problemType((await send(cancel('no-such-request'))).message)).toBe('Unknown Request');
      const id = await createdRequestId();
      expect(problemType((await send(cancel(id, { userIdentifierValue: 'P-OTHER' }))).message)).toBe('Unknown Request');
      expect((await getRequest(database.db, id))?.state).toBe('validated');
    });

    it('answers Request Already Processed once the item has been shipped', async () => {
      const id = await onLoan();
      const { message } = await send(cancel(id));
      expect(problemsOf(message)[0]).toMatchObject({ problemType: { value: 'Request Already Processed' } });
      expect((await getRequest(database.db, id))?.state).toBe('checked_out');
    });
  });

  describe('LookupRequest', () => {
    const lookup = (requestId: string): NcipMessageOf<'LookupRequest'> => ({ messageType: 'LookupRequest', initiationHeader: header(), requestId: { requestIdentifierValue: requestId } });

    it('tells the status of a request in NCIP terms', async () => {
      const id = await createdRequestId();
      const { message } = await send(lookup(id));
      expect(message).toMatchObject({
        messageType: 'LookupRequestResponse',
        requestId: { requestIdentifierValue: id },
        userId: patron,
        requestType: { value: 'Loan' },
        requestStatusType: { value: 'In Process' },
        pickupLocation: { value: 'Main desk' },
      });
      await send({ messageType: 'CancelRequestItem', initiationHeader: header(), userId: patron, requestId: { requestIdentifierValue: id }, requestType: schemeValue('requestType', 'Loan') });
      expect((await send(lookup(id))).message).toMatchObject({ requestStatusType: { value: 'Cannot Fulfill Request' } });
    });

    it('answers Unknown Request for an unknown id', async () => {
      expect(problemType((await send(lookup('nope'))).message)).toBe('Unknown Request');
    });
  });

  describe('RenewItem', () => {
    it('asks the lending library to renew and answers that the renewal is pending', async () => {
      const id = await onLoan();
      const { message } = await send({ messageType: 'RenewItem', initiationHeader: header(), userId: patron, itemId: { itemIdentifierValue: id }, desiredDateDue: '2027-03-01T00:00:00Z' });
      expect(message).toMatchObject({ messageType: 'RenewItemResponse', pending: {} });
      expect((await getRequest(database.db, id))?.state).toBe('renew_pending');
      const renewal = (await database.db.select().from(outbox).where(eq(outbox.requestId, id))).filter((r) => r.queue === 'delivery');
      expect(renewal.map((r) => r.payload)).toEqual([{ to: 'ISIL:DK-900', message: { kind: 'requestingAgencyMessage', action: 'Renew' } }]);
    });

    it('answers Item Not Renewable when the request is not on loan', async () => {
      const id = await createdRequestId();
      const { message } = await send({ messageType: 'RenewItem', initiationHeader: header(), userId: patron, itemId: { itemIdentifierValue: id } });
      expect(problemsOf(message)[0]).toMatchObject({ problemType: { value: 'Item Not Renewable' } });
      expect((await getRequest(database.db, id))?.state).toBe('validated');
    });

    it('answers Unknown Item for a loan it does not know', async () => {
      const { message } = await send({ messageType: 'RenewItem', initiationHeader: header(), userId: patron, itemId: { itemIdentifierValue: 'BARCODE-404' } });
      expect(problemsOf(message)[0]).toMatchObject({ problemType: { value: 'Unknown Item' }, problemValue: 'BARCODE-404' });
    });
  });

  describe('what it does not do, and bad input', () => {
    it('answers a service it does not offer with Unsupported Service', async () => {
      const { message } = await send({ messageType: 'LookupUser', initiationHeader: header(), userId: patron });
      expect(message.messageType).toBe('LookupUserResponse');
      expect(problemType(message)).toBe('Unsupported Service');
    });

    it.each([
      ['not XML', 'hello'],
      ['an empty body', ''],
      ['broken XML', '<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><RequestItem></NCIPMessage>'],
      ['a billion-laughs document', '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><NCIPMessage>&b;</NCIPMessage>'],
      ['an external entity', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><NCIPMessage>&x;</NCIPMessage>'],
      ['an oversize body', `<NCIPMessage xmlns="http://www.niso.org/2008/ncip">${'<Ext>x</Ext>'.repeat(LIMIT / 10)}</NCIPMessage>`],
    ])('answers %s with an Invalid Message Syntax Error Problem, HTTP 200', async (_name, body) => {
      const before = await database.db.select().from(requests);
      const { message } = await post(body);
      expect(message.messageType).toBe('Problem');
      expect(problemType(message)).toBe('Invalid Message Syntax Error');
      expect(await database.db.select().from(requests)).toHaveLength(before.length);
    });

    it('keeps a record of refused messages too', async () => {
      await post('<garbage');
      const rows = await database.db.select().from(protocolMessages).where(eq(protocolMessages.rawXml, '<garbage'));
      expect(rows).toEqual([expect.objectContaining({ status: 'rejected', messageType: null, error: expect.stringMatching(/^Invalid Message Syntax Error/) })]);
    });

    it('tells a GET where NCIP goes instead of pretending to answer it', async () => {
      const res = await request(app).get('/ncip');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
    });
  });
});
