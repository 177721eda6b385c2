import { parseNcipSettings, createNcipClient, type NcipClient, type NcipExchange, type NcipSettingsInput } from '../../src/ncip';
import { startMockIls, type MockIls } from '../helpers/mock-ils';
import { validateAgainst } from '../helpers/xsd';
import { closedPort } from '../helpers/ports';

const NOW = new Date('2024-06-01T12:00:00Z');
const SECRET = 'agency-s3cret-value';

let ils: MockIls;
let exchanges: NcipExchange[];

function client(overrides: Partial<NcipSettingsInput> = {}): NcipClient {
  const settings = parseNcipSettings({ url: ils.url, fromAgencyId: 'BROKER', toAgencyId: 'MAIN', fromAgencyAuthentication: SECRET, applicationProfile: 'ILL', ...overrides });
  return createNcipClient(settings, { now: () => NOW, onExchange: (e) => void exchanges.push(e) });
}

beforeEach(async () => {
  exchanges = [];
  ils = await startMockIls({
    now: () => NOW,
    loanPeriodDays: 21,
    maxRenewals: 1,
    users: [
      { id: 'P-1', givenName: 'Ada', surname: 'Lovelace', email: 'ada@example.org', username: 'ada' },
      { id: 'P-BLOCKED', surname: 'Byron', blocked: true },
      { id: 'INST-LENDER', surname: 'Partner Library' },
    ],
    items: [{ barcode: 'B-100', title: 'Notes on the Analytical Engine', bibId: 'bib-1' }],
  });
});

afterEach(async () => {
  await ils.close();
});

describe('NCIP client against a mock ILS over HTTP', () => {
  it('looks up a patron: active verdict, privileges, e-mail and name', async () => {
    const result = await client().lookupUser({ patronId: 'P-1' });
    expect(result).toMatchObject({
      ok: true,
      value: { userId: 'P-1', verdict: 'active', email: 'ada@example.org', name: { display: 'Ada Lovelace' }, privileges: [{ type: 'STATUS', status: 'ACTIVE' }, { type: 'PROFILE' }] },
    });
    expect(ils.calls.map((c) => c.service)).toEqual(['LookupUser']);
  });

  it('finds a patron by username through AuthenticationInput', async () => {
    expect(await client().lookupUser({ username: 'ada' })).toMatchObject({ ok: true, value: { userId: 'P-1' } });
  });

  it('reports a blocked patron found by LookupUser with a blocked verdict and the reasons', async () => {
    const result = await client().lookupUser({ patronId: 'P-BLOCKED' });
    expect(result).toMatchObject({ ok: true, value: { verdict: 'blocked', blockReasons: ['STATUS=BLOCKED', 'BlockOrTrap: Manual block'] } });
  });

  it('reports an unknown patron as a definite refusal', async () => {
    const result = await client().lookupUser({ patronId: 'NOBODY' });
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'refused',
        problems: [
          {
            type: 'Unknown User',
            recognized: 'Unknown User',
            scheme: 'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/lookupuserprocessingerror.scm',
            detail: 'no patron NOBODY',
            element: 'UserId',
            value: 'NOBODY',
          },
        ],
      },
    });
  });

  it('runs the borrowing-side loan: user looked up, temporary item with a hold, checked out, checked in, deleted', async () => {
    const ncip = client();
    expect((await ncip.lookupUser({ patronId: 'P-1' })).ok).toBe(true);
    const accepted = await ncip.acceptItem({ requestId: 'ILL-42', patronId: 'P-1', itemBarcode: 'ILL-42-1', title: 'Sketch of the Analytical Engine', author: 'Menabrea', pickupLocation: 'CIRC' });
    expect(accepted).toEqual({ ok: true, value: { itemId: 'ILL-42-1', requestId: 'H-1' } });
    expect(ils.state.items.get('ILL-42-1')).toMatchObject({ temporary: true, title: 'Sketch of the Analytical Engine' });
    expect(ils.state.holds.get('H-1')).toMatchObject({ userId: 'P-1', itemBarcode: 'ILL-42-1', pickupLocation: 'CIRC', externalId: 'ILL-42', status: 'active' });

    const out = await ncip.checkOutItem({ patronId: 'P-1', itemBarcode: 'ILL-42-1', requestId: 'ILL-42' });
    expect(out).toEqual({ ok: true, value: { itemId: 'ILL-42-1', dateDue: new Date('2024-06-22T12:00:00Z') } });

    expect(await ncip.checkInItem({ itemBarcode: 'ILL-42-1' })).toEqual({ ok: true, value: { itemId: 'ILL-42-1', alreadyCheckedIn: false } });
    expect(await ncip.deleteItem({ itemBarcode: 'ILL-42-1' })).toEqual({ ok: true, value: { itemId: 'ILL-42-1' } });
    expect(ils.state.items.has('ILL-42-1')).toBe(false);
    expect(ils.calls.map((c) => c.service)).toEqual(['LookupUser', 'AcceptItem', 'CheckOutItem', 'CheckInItem', 'DeleteItem']);
    expect(ils.calls[2]?.message).toMatchObject({ userId: { userIdentifierValue: 'P-1' }, itemId: { itemIdentifierValue: 'ILL-42-1' }, requestId: { requestIdentifierValue: 'ILL-42' } });
  });

  it('lets the ILS assign the temporary barcode when none is given', async () => {
    expect(await client().acceptItem({ requestId: 'ILL-7', patronId: 'P-1' })).toMatchObject({ ok: true, value: { itemId: expect.stringMatching(/^TMP-/) } });
  });

  it('treats checking in an item that is not on loan as already done', async () => {
    expect(await client().checkInItem({ itemBarcode: 'B-100' })).toEqual({ ok: true, value: { itemId: 'B-100', alreadyCheckedIn: true } });
  });

  it('runs the lending side: hold placed by record id, looked up, cancelled', async () => {
    const ncip = client({ requestType: 'Page', requestScopeType: 'Item' });
    const placed = await ncip.requestItem({ patronId: 'INST-LENDER', bibliographicRecordId: { identifier: 'bib-1' }, requestId: 'ILL-9', pickupLocation: 'ILL' });
    expect(placed).toEqual({ ok: true, value: { requestId: 'H-1', itemId: 'B-100' } });
    expect(ils.calls[0]?.message).toMatchObject({ requestType: { value: 'Page' }, requestScopeType: { value: 'Item' } });
    expect(await ncip.lookupRequest({ requestId: 'H-1' })).toEqual({ ok: true, value: { requestId: 'H-1', itemId: 'B-100', status: 'Available For Pickup', pickupLocation: 'ILL' } });
    expect(await ncip.cancelRequestItem({ patronId: 'INST-LENDER', requestId: 'H-1' })).toEqual({ ok: true, value: { requestId: 'H-1' } });
    expect(ils.calls[2]?.message).toMatchObject({ messageType: 'CancelRequestItem', requestType: { value: 'Page' } });
    expect(await ncip.cancelRequestItem({ patronId: 'INST-LENDER', requestId: 'H-1' })).toMatchObject({ ok: false, error: { kind: 'refused', problems: [{ type: 'Request Already Processed' }] } });
  });

  it('renews a loan with a new due date, then refuses past the renewal limit', async () => {
    const ncip = client();
    await ncip.checkOutItem({ patronId: 'P-1', itemBarcode: 'B-100' });
    expect(await ncip.renewItem({ patronId: 'P-1', itemBarcode: 'B-100' })).toEqual({ ok: true, value: { pending: false, dateDue: new Date('2024-07-13T12:00:00Z'), renewalCount: 1 } });
    expect(await ncip.renewItem({ patronId: 'P-1', itemBarcode: 'B-100' })).toMatchObject({ ok: false, error: { kind: 'refused', problems: [{ type: 'Maximum Renewals Exceeded' }] } });
  });

  it('sends only schema-valid NCIP, for every service, with and without optional data', async () => {
    const ncip = client();
    await ncip.lookupUser({ patronId: 'P-1' });
    await ncip.lookupUser({ username: 'ada' });
    // Patron sign-in: the card's barcode and its PIN, two AuthenticationInputs.
    await ncip.lookupUser({ barcode: '21000001', pin: '1234' });
    await ncip.acceptItem({ requestId: 'ILL-1', patronId: 'P-1', itemBarcode: 'ILL-1-1', title: 'Sketch & <notes>', author: 'Menabrea', callNumber: 'QA75', pickupLocation: 'CIRC' });
    await ncip.acceptItem({ requestId: 'ILL-2', patronId: 'P-1' });
    await ncip.checkOutItem({ patronId: 'P-1', itemBarcode: 'ILL-1-1', requestId: 'ILL-1' });
    await ncip.renewItem({ patronId: 'P-1', itemBarcode: 'ILL-1-1' });
    await ncip.checkInItem({ itemBarcode: 'ILL-1-1' });
    await ncip.deleteItem({ itemBarcode: 'ILL-1-1' });
    await ncip.requestItem({ patronId: 'INST-LENDER', bibliographicRecordId: { identifier: 'bib-1' }, requestId: 'ILL-9', pickupLocation: 'ILL' });
    await ncip.lookupRequest({ requestId: 'H-1' });
    await ncip.cancelRequestItem({ patronId: 'INST-LENDER', requestId: 'H-1' });
    await ncip.lookupItem({ itemBarcode: 'B-100' });
    await ncip.lookupVersion();
    const services = new Set(ils.calls.map((c) => c.service));
    expect(services.size).toBe(11);
    for (const call of ils.calls) {
      const schema = call.service === 'LookupVersion' ? 'ncipVersion' : 'ncip';
      expect({ service: call.service, ...(await validateAgainst(schema, call.body)) }).toEqual({ service: call.service, valid: true, errors: [] });
    }
  });

  it('looks up an item and the NCIP versions the ILS speaks', async () => {
    expect(await client().lookupItem({ itemBarcode: 'B-100' })).toEqual({ ok: true, value: { itemId: 'B-100', circulationStatus: 'Available On Shelf', title: 'Notes on the Analytical Engine', dateDue: undefined } });
    expect(await client().lookupVersion()).toMatchObject({ ok: true, value: { versions: ['http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd'], services: expect.arrayContaining(['AcceptItem']) } });
  });

  it.each([
    ['a blocked patron checking out', (c: NcipClient) => c.checkOutItem({ patronId: 'P-BLOCKED', itemBarcode: 'B-100' }), 'User Blocked'],
    ['a blocked patron requesting', (c: NcipClient) => c.requestItem({ patronId: 'P-BLOCKED', itemBarcode: 'B-100' }), 'User Blocked'],
    ['an unknown item checked out', (c: NcipClient) => c.checkOutItem({ patronId: 'P-1', itemBarcode: 'NOPE' }), 'Unknown Item'],
    ['an unknown item deleted', (c: NcipClient) => c.deleteItem({ itemBarcode: 'NOPE' }), 'Unknown Item'],
    ['an unknown patron in AcceptItem', (c: NcipClient) => c.acceptItem({ requestId: 'R', patronId: 'NOBODY' }), 'Unknown User'],
    ['an unknown request cancelled', (c: NcipClient) => c.cancelRequestItem({ patronId: 'P-1', requestId: 'H-404' }), 'Unknown Request'],
    ['a renewal of an item not on loan', (c: NcipClient) => c.renewItem({ patronId: 'P-1', itemBarcode: 'B-100' }), 'Item Not Checked Out'],
    ['an unknown request looked up', (c: NcipClient) => c.lookupRequest({ requestId: 'H-404' }), 'Unknown Request'],
  ])('reports %s as a definite refusal', async (_name, call, type) => {
    const result = await call(client());
    expect(result).toMatchObject({ ok: false, error: { kind: 'refused', problems: [{ type, recognized: type }] } });
  });

  it('reports a slow ILS as a transient timeout', async () => {
    ils.setBehaviour({ delayMs: 2000 });
    const result = await client({ timeoutMs: 100 }).lookupUser({ patronId: 'P-1' });
    expect(result).toEqual({ ok: false, error: { kind: 'transient', reason: 'timeout', detail: 'no answer within 100 ms' } });
    expect(exchanges[0]).toMatchObject({ outcome: 'transient', service: 'LookupUser' });
    expect(exchanges[0]).not.toHaveProperty('httpStatus');
  });

  it('reports a refused connection as transient', async () => {
    const port = await closedPort();
    const result = await client({ url: `http://127.0.0.1:${port}/ncip` }).checkInItem({ itemBarcode: 'B-100' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'connection', detail: expect.stringContaining('ECONNREFUSED') } });
  });

  it('reports an HTTP 500 as transient and keeps the body for diagnosis', async () => {
    ils.setBehaviour({ httpStatus: 500 });
    const result = await client().acceptItem({ requestId: 'R', patronId: 'P-1' });
    expect(result).toEqual({ ok: false, error: { kind: 'transient', reason: 'http-status', detail: 'HTTP 500', httpStatus: 500 } });
    expect(exchanges[0]).toMatchObject({ httpStatus: 500, responseXml: expect.stringContaining('problem processing NCIP request') });
  });

  it('reads no more of an answer than it allows, and reports a longer one as transient', async () => {
    const settings = parseNcipSettings({ url: ils.url, fromAgencyId: 'BROKER', toAgencyId: 'MAIN' });
    const result = await createNcipClient(settings, { now: () => NOW, maxAnswerBytes: 200, onExchange: (e) => void exchanges.push(e) }).lookupUser({ patronId: 'P-1' });
    expect(result).toEqual({ ok: false, error: { kind: 'transient', reason: 'too-large', detail: 'answered with more than 200 bytes', httpStatus: 200 } });
    expect(exchanges[0]?.responseXml).toHaveLength(200);
  });

  it('reports a wrong content type as transient', async () => {
    ils.setBehaviour({ contentType: 'text/html' });
    expect(await client().lookupUser({ patronId: 'P-1' })).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'content-type', httpStatus: 200 } });
  });

  it('reports a garbage body as transient and unparseable', async () => {
    ils.setBehaviour({ garbage: true });
    expect(await client().deleteItem({ itemBarcode: 'B-100' })).toMatchObject({
      ok: false,
      error: { kind: 'transient', reason: 'unparseable', detail: expect.stringMatching(/^Invalid Message Syntax Error: malformed/), httpStatus: 200 },
    });
  });

  it('sends the configured content type, an API key header or basic credentials', async () => {
    await client({ contentType: 'text/xml', authentication: { type: 'header', name: 'X-Okapi-Token', value: 'tok-123' } }).lookupUser({ patronId: 'P-1' });
    await client({ authentication: { type: 'basic', username: 'ill', password: 'pa:ss' } }).lookupUser({ patronId: 'P-1' });
    expect(ils.calls[0]?.headers).toMatchObject({ 'content-type': 'text/xml; charset=utf-8', 'x-okapi-token': 'tok-123' });
    expect(ils.calls[1]?.headers).toMatchObject({ 'content-type': 'application/xml; charset=utf-8', authorization: `Basic ${Buffer.from('ill:pa:ss').toString('base64')}` });
  });

  it('sends the agency ids, FromAgencyAuthentication and application profile in the header', async () => {
    await client().checkInItem({ itemBarcode: 'B-100' });
    expect(ils.calls[0]?.message).toMatchObject({
      initiationHeader: { fromAgencyId: { value: 'BROKER' }, fromAgencyAuthentication: SECRET, toAgencyId: { value: 'MAIN' }, applicationProfileType: { value: 'ILL' } },
    });
    expect(ils.calls[0]?.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<ns1:NCIPMessage [^>]+>\n {2}<ns1:CheckInItem>/);
  });

  it('reports every exchange with secrets masked', async () => {
    const ncip = client({ authentication: { type: 'basic', username: 'ill', password: 'hunter2' } });
    await ncip.lookupUser({ barcode: 'P-1', pin: '9876' });
    ils.setBehaviour({ httpStatus: 503 });
    await ncip.checkInItem({ itemBarcode: 'B-100' });
    expect(exchanges).toHaveLength(2);
    expect(exchanges[0]).toMatchObject({ service: 'LookupUser', outcome: 'ok', httpStatus: 200, startedAt: NOW, url: ils.url, durationMs: expect.any(Number) });
    expect(exchanges[0]?.requestXml).toContain('<ns1:FromAgencyAuthentication>***</ns1:FromAgencyAuthentication>');
    expect(exchanges[0]?.requestXml).toMatch(/<ns1:AuthenticationInputData>\*\*\*<\/ns1:AuthenticationInputData>\s*<ns1:AuthenticationDataFormatType>text<\/ns1:AuthenticationDataFormatType>\s*<ns1:AuthenticationInputType[^>]*>PIN</);
    expect(exchanges[0]?.requestXml).toContain('P-1');
    expect(exchanges[1]).toMatchObject({ service: 'CheckInItem', outcome: 'transient', httpStatus: 503 });
    const everything = JSON.stringify(exchanges);
    for (const secret of [SECRET, '9876', 'hunter2']) expect(everything).not.toContain(secret);
    // ...while the ILS did receive them.
    expect(ils.calls[0]?.body).toContain(SECRET);
  });

  it('keeps a free-text Problem (FOLIO mod-ncip) as a refusal, and a Temporary Processing Failure as transient', async () => {
    const answer = (problem: string) => async () =>
      new Response(`<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><AcceptItemResponse><Problem><ProblemType>${problem}</ProblemType><ProblemDetail>${SECRET} rejected</ProblemDetail></Problem></AcceptItemResponse></NCIPMessage>`, {
        headers: { 'content-type': 'text/xml' },
      });
    const settings = parseNcipSettings({ url: ils.url, fromAgencyId: 'BROKER', toAgencyId: 'MAIN', fromAgencyAuthentication: SECRET });
    const folio = createNcipClient(settings, { fetch: answer('Problem performing AcceptItem') });
    expect(await folio.acceptItem({ requestId: 'R', patronId: 'P-1' })).toEqual({
      ok: false,
      error: { kind: 'refused', problems: [{ type: 'Problem performing AcceptItem', detail: '*** rejected' }] },
    });
    const busy = createNcipClient(settings, { fetch: answer('Temporary Processing Failure') });
    expect(await busy.acceptItem({ requestId: 'R', patronId: 'P-1' })).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'temporary-problem' } });
  });

  it('sends nothing when NCIP is disabled for the library', async () => {
    expect(await client({ enabled: false }).lookupUser({ patronId: 'P-1' })).toEqual({ ok: false, error: { kind: 'disabled' } });
    expect(ils.calls).toHaveLength(0);
  });
});

