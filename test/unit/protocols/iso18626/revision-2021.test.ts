import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildIso18626, confirmInbound, Iso18626Error, parseIso18626, PROTOCOL_VERSIONS } from '../../../../protocols/iso18626';
import type { Iso18626Message, ProtocolVersion, Request, SupplyingAgencyMessage } from '../../../../protocols/iso18626';
import { validateAgainst, type SchemaName } from '../../../helpers/xsd';
import { messageArbitraries, messageArbitraries2021 } from './arbitraries';
import { fullMessages, fullRequest, fullRequestingAgencyMessage, fullSupplyingAgencyMessage, header } from './messages';

const SCHEMA: Record<ProtocolVersion, SchemaName> = { '1.2': 'iso18626', '2021': 'iso18626_2021' };
const SAMPLES_DIR = join(__dirname, '../../../../../shared/protocols/iso18626/samples');
const samples = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.xml')).sort();

const valid = { valid: true, errors: [] };

/** What a message means once written in 2021: the v1.2 elements 2021 has no place for are gone. */
function carriedBy2021(message: Iso18626Message): unknown {
  const copy = JSON.parse(JSON.stringify(message)) as Record<string, Record<string, unknown>>;
  const h = copy.header;
  if (h && message.kind !== 'request') delete h.multipleItemRequestId;
  if (h && message.kind === 'request') delete h.supplyingAgencyRequestId;
  if (h && message.kind === 'supplyingAgencyMessage') delete h.requestingAgencyAuthentication;
  if (copy.confirmationHeader) delete copy.confirmationHeader.multipleItemRequestId;
  // region is a plain string in 2021: its scheme is not written.
  const dropRegionScheme = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    const region = (record.physicalAddress as { region?: { scheme?: string } } | undefined)?.region;
    if (region) delete region.scheme;
    Object.values(record).forEach(dropRegionScheme);
  };
  dropRegionScheme(copy);
  return copy;
}

/** What a message means once written in v1.2: the 2021 parts are gone. */
function carriedBy1_2(message: Iso18626Message): unknown {
  if (message.kind !== 'supplyingAgencyMessage') return message;
  const { retryInfo: _retry, shippingInfo: _shipping, ...rest } = message;
  return rest;
}

const { multipleItemRequestId: _multiple, requestingAgencyAuthentication: _authentication, ...samHeader } = header;
const retryOffer: SupplyingAgencyMessage = {
  kind: 'supplyingAgencyMessage',
  header: samHeader,
  messageInfo: {
    reasonForMessage: 'RequestResponse',
    note: 'Available as a copy, at a cost',
    reasonRetry: { value: 'CostExceedsMaxCost', scheme: 'http://illtransactions.org/opencode/2017/ReasonRetry' },
    offeredCosts: { currencyCode: { value: 'EUR' }, monetaryValue: '25.00' },
    retryAfter: '2025-02-01T00:00:00Z',
    retryBefore: '2025-03-01T00:00:00Z',
  },
  statusInfo: { status: 'RetryPossible', lastChange: '2025-01-05T10:00:00Z' },
};
const retryOfferWithConditions: SupplyingAgencyMessage = {
  ...retryOffer,
  retryInfo: { loanCondition: [{ value: 'LibraryUseOnly' }], edition: ['2nd'], serviceType: 'Copy', itemFormat: [{ value: 'PDF' }] },
};
const retryRequest: Request = {
  ...fullRequest,
  serviceInfo: { requestType: 'Retry', requestingAgencyPreviousRequestId: 'req-0', serviceType: 'Copy', needBeforeDate: '2025-03-01T00:00:00Z' },
  billingInfo: { maximumCosts: { currencyCode: { value: 'EUR' }, monetaryValue: '30.00' } },
};

describe('writing ISO 18626:2021 (ISO-18626-2021-2.xsd)', () => {
  it.each(Object.keys(messageArbitraries2021) as (keyof typeof messageArbitraries2021)[])(
    'writes any valid %s schema-valid in both versions, and reads back what each version carries',
    async (kind) => {
      await fc.assert(
        fc.asyncProperty(messageArbitraries2021[kind], async (message) => {
          for (const version of PROTOCOL_VERSIONS) {
            const xml = buildIso18626(message, { version });
            expect(await validateAgainst(SCHEMA[version], xml)).toEqual(valid);
            const read = parseIso18626(xml);
            expect(read.revision).toBe(version);
            expect(read.message).toStrictEqual(version === '2021' ? carriedBy2021(message) : carriedBy1_2(message));
          }
        }),
        { numRuns: 10 },
      );
    },
    120_000,
  );

  it('writes every hand-written message of the suite schema-valid in 2021', async () => {
    for (const message of [...fullMessages, retryOffer, retryOfferWithConditions, retryRequest]) {
      expect(await validateAgainst('iso18626_2021', buildIso18626(message, { version: '2021' }))).toEqual(valid);
    }
  });

  it('reads back equal what both versions carry, for many more messages (no schema check)', () => {
    fc.assert(
      fc.property(fc.oneof(...Object.values(messageArbitraries2021)), (message) => {
        const result = parseIso18626(buildIso18626(message, { version: '2021', pretty: false }));
        expect(result.message).toStrictEqual(carriedBy2021(message));
        expect(result.unknownElements).toEqual([]);
        // A 2021 message is no deviation: nothing is reported but what any message may earn.
        expect(result.warnings.filter((w) => w.code !== 'request-received-notification')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('names the revision in the version attribute, and writes v1.2 as before by default', () => {
    expect(buildIso18626(fullRequestingAgencyMessage, { version: '2021' })).toContain('ill:version="2021"');
    expect(buildIso18626(fullRequestingAgencyMessage)).toBe(buildIso18626(fullRequestingAgencyMessage, { version: '1.2' }));
    expect(buildIso18626(fullRequestingAgencyMessage)).toContain('ill:version="1.2"');
  });

  it('uses the 2021 element names and message-specific headers', () => {
    const sam = buildIso18626(fullSupplyingAgencyMessage, { version: '2021', pretty: false });
    expect(sam).toContain('<deliveryMethod>Mail</deliveryMethod>');
    expect(sam).toContain('<itemFormat>PrintFormat</itemFormat>');
    expect(sam).not.toMatch(/sentVia|deliveredFormat|multipleItemRequestId|requestingAgencyAuthentication/);
    expect(buildIso18626(fullRequestingAgencyMessage, { version: '2021' })).not.toContain('multipleItemRequestId');
    const request = buildIso18626(fullRequest, { version: '2021', pretty: false });
    expect(request).toContain('<itemFormat>PrintFormat</itemFormat>');
    expect(request).not.toContain('preferredFormat');
    expect(request).toContain('<bibliographicItemId><bibliographicItemIdentifierCode>ISBN</bibliographicItemIdentifierCode><bibliographicItemIdentifier>9780261103252</bibliographicItemIdentifier>');
    expect(request).toContain('<multipleItemRequestId>multi-1</multipleItemRequestId>');
    const { multipleItemRequestId: _none, ...single } = fullRequest.header;
    expect(buildIso18626({ ...fullRequest, header: single }, { version: '2021' })).not.toContain('multipleItemRequestId');
  });

  it('moves a RetryPossible’s costs and dates into retryInfo, in the 2021 order, with the offered conditions', () => {
    const xml = buildIso18626(retryOfferWithConditions, { version: '2021', pretty: false });
    expect(xml).toContain(
      '<messageInfo><reasonForMessage>RequestResponse</reasonForMessage><note>Available as a copy, at a cost</note><reasonRetry ill:scheme="http://illtransactions.org/opencode/2017/ReasonRetry">CostExceedsMaxCost</reasonRetry></messageInfo>',
    );
    expect(xml).toContain(
      '<retryInfo><loanCondition>LibraryUseOnly</loanCondition><edition>2nd</edition><itemFormat>PDF</itemFormat><serviceType>Copy</serviceType>' +
        '<offeredCosts><currencyCode>EUR</currencyCode><monetaryValue>25.00</monetaryValue></offeredCosts>' +
        '<retryBefore>2025-03-01T00:00:00Z</retryBefore><retryAfter>2025-02-01T00:00:00Z</retryAfter></retryInfo>',
    );
    expect(parseIso18626(xml).message).toStrictEqual(retryOfferWithConditions);
  });

  it.each(PROTOCOL_VERSIONS)('writes the retry flow’s messages schema-valid in %s: the offer and the Retry request', async (version) => {
    for (const message of [retryOffer, retryRequest]) {
      const xml = buildIso18626(message, { version });
      expect(await validateAgainst(SCHEMA[version], xml)).toEqual(valid);
      expect(parseIso18626(xml).message).toStrictEqual(version === '2021' ? carriedBy2021(message) : message);
    }
    expect(buildIso18626(retryOffer, { version, pretty: false })).toContain('<status>RetryPossible</status>');
    expect(buildIso18626(retryRequest, { version, pretty: false })).toContain(
      '<requestType>Retry</requestType><requestingAgencyPreviousRequestId>req-0</requestingAgencyPreviousRequestId><serviceType>Copy</serviceType>',
    );
  });

  it('refuses what 2021 requires and the model may lack: a request without serviceInfo, a negative sortOrder', () => {
    const { serviceInfo: _none, ...bare } = fullRequest;
    expect(() => buildIso18626(bare, { version: '2021' })).toThrow(expect.objectContaining({ errorType: 'UnrecognisedDataElement', element: 'request.serviceInfo', origin: 'build' }));
    expect(() => buildIso18626(bare)).not.toThrow();
    const negative: Request = { ...fullRequest, supplierInfo: [{ sortOrder: -1 }] };
    expect(() => buildIso18626(negative, { version: '2021' })).toThrow(Iso18626Error);
    expect(() => buildIso18626(negative, { version: '2021' })).toThrow(expect.objectContaining({ element: 'request.supplierInfo[0].sortOrder' }));
  });

  it('answers a 2021 message with a 2021 confirmation, and a v1.2 one with v1.2', async () => {
    const now = new Date('2025-01-01T00:00:00Z');
    for (const version of PROTOCOL_VERSIONS) {
      const parsed = parseIso18626(buildIso18626(fullRequestingAgencyMessage, { version }));
      const xml = buildIso18626(confirmInbound(parsed, now).message, { version: parsed.revision });
      expect(await validateAgainst(SCHEMA[version], xml)).toEqual(valid);
    }
  });

  it.each(samples)('rebuilds the shared sample %s schema-valid in 2021', async (file) => {
    const parsed = parseIso18626(readFileSync(join(SAMPLES_DIR, file)));
    expect(parsed.revision).toBe('1.2');
    const message = parsed.message;
    if (message.kind === 'request' && message.serviceInfo === undefined) return; // 2021 requires serviceInfo
    expect(await validateAgainst('iso18626_2021', buildIso18626(message, { version: '2021' }))).toEqual(valid);
  });

  it('still writes every v1.2 message the v1.2 way (the default tree is unchanged)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(...Object.values(messageArbitraries)), async (message) => {
        expect(await validateAgainst('iso18626', buildIso18626(message))).toEqual(valid);
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});

describe('reading ISO 18626:2021', () => {
  const offer = (retryInfo: string, messageInfoExtra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="2021">
  <supplyingAgencyMessage>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>SUP</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>REQ</agencyIdValue></requestingAgencyId>
      <timestamp>2025-01-05T10:00:00Z</timestamp>
      <requestingAgencyRequestId>req-1</requestingAgencyRequestId>
    </header>
    <messageInfo><reasonForMessage>RequestResponse</reasonForMessage><reasonRetry>LoanCondition</reasonRetry>${messageInfoExtra}</messageInfo>
    <statusInfo><status>RetryPossible</status><lastChange>2025-01-05T10:00:00Z</lastChange></statusInfo>
    ${retryInfo}
  </supplyingAgencyMessage>
</ISO18626Message>`;

  it('reads retryInfo: costs and dates into messageInfo, the offered conditions into retryInfo', async () => {
    const xml = offer(`<retryInfo>
      <loanCondition>LibraryUseOnly</loanCondition><loanCondition>NoReproduction</loanCondition>
      <edition>3rd</edition><volume>2</volume><serviceType>Loan</serviceType><serviceLevel>Express</serviceLevel>
      <deliveryMethod>Courier</deliveryMethod><courierName>DHL</courierName>
      <offeredCosts><currencyCode>EUR</currencyCode><monetaryValue>10</monetaryValue></offeredCosts>
      <offeredCosts><currencyCode>USD</currencyCode><monetaryValue>11</monetaryValue></offeredCosts>
      <paymentMethod>Invoice</paymentMethod>
      <retryBefore>2025-03-01T00:00:00Z</retryBefore><retryAfter>2025-02-01T00:00:00Z</retryAfter>
    </retryInfo>`);
    expect(await validateAgainst('iso18626_2021', xml)).toEqual(valid);
    const result = parseIso18626(xml);
    expect(result.revision).toBe('2021');
    expect(result.message).toMatchObject({
      messageInfo: { reasonRetry: { value: 'LoanCondition' }, offeredCosts: { currencyCode: { value: 'EUR' }, monetaryValue: '10' }, retryBefore: '2025-03-01T00:00:00Z', retryAfter: '2025-02-01T00:00:00Z' },
      retryInfo: {
        loanCondition: [{ value: 'LibraryUseOnly' }, { value: 'NoReproduction' }],
        edition: ['3rd'],
        volume: ['2'],
        serviceType: 'Loan',
        serviceLevel: [{ value: 'Express' }],
        deliveryMethod: [{ value: 'Courier' }],
        courierName: [{ value: 'DHL' }],
        paymentMethod: [{ value: 'Invoice' }],
      },
    });
    expect(result.message).not.toHaveProperty('retryInfo.offeredCosts');
    // The model holds one offered cost: the second is reported, not lost silently.
    expect(result.unknownElements).toEqual([{ path: 'supplyingAgencyMessage.retryInfo.offeredCosts[1]', ns: 'http://illtransactions.org/2013/iso18626' }]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'revision-2021-element', path: 'supplyingAgencyMessage.retryInfo.offeredCosts[1]' })]);
  });

  it('keeps a v1.2 messageInfo value given as well, and reports the 2021 one', () => {
    const xml = offer('<retryInfo><retryAfter>2025-02-01T00:00:00Z</retryAfter></retryInfo>', '<retryAfter>2025-01-20T00:00:00Z</retryAfter>');
    const result = parseIso18626(xml);
    expect(result.message).toMatchObject({ messageInfo: { retryAfter: '2025-01-20T00:00:00Z' } });
    expect(result.message).not.toHaveProperty('retryInfo');
    expect(result.unknownElements.map((u) => u.path)).toEqual(['supplyingAgencyMessage.retryInfo.retryAfter']);
  });

  it('reads shippingInfo', () => {
    const result = parseIso18626(offer('<shippingInfo><courierName>DHL</courierName><trackingId>T1</trackingId><trackingId>T2</trackingId><insurance>Y</insurance></shippingInfo>'));
    expect(result.message).toMatchObject({ shippingInfo: { courierName: { value: 'DHL' }, trackingId: ['T1', 'T2'], insurance: 'Y' } });
    expect(result.warnings).toEqual([]);
  });

  it('tells the revision by structure: version attribute, or anything only 2021 has', () => {
    const v12 = buildIso18626(fullRequestingAgencyMessage);
    expect(parseIso18626(v12).revision).toBe('1.2');
    expect(parseIso18626(v12.replace('ill:version="1.2"', 'ill:version="2021-2"')).revision).toBe('2021');
    expect(parseIso18626(v12.replace('ill:version="1.2"', 'ill:version="1.3"')).warnings).toEqual([]);
    expect(parseIso18626(offer('').replace('ill:version="2021"', 'ill:version="1.2"')).revision).toBe('1.2');
    expect(parseIso18626(offer('<shippingInfo><trackingId>T1</trackingId></shippingInfo>').replace('ill:version="2021"', 'ill:version="1.2"')).revision).toBe('2021');
  });
});
