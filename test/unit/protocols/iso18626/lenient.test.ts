import { buildIso18626, parseIso18626 } from '../../../../protocols/iso18626';
import type { Iso18626Warning, ParseResult } from '../../../../protocols/iso18626';
import { envelope, fullRequest, fullRequestingAgencyMessage, HEADER_XML, NS, ram, sam } from './messages';

const codes = (result: ParseResult): string[] => result.warnings.map((w: Iso18626Warning) => w.code);

describe('reading what real peers send', () => {
  const reference = parseIso18626(ram('Cancel')).message;

  it('reads a message without any namespace', () => {
    const xml = ram('Cancel').replace(` xmlns="${NS}" xmlns:ill="${NS}" ill:version="1.2"`, ' version="1.2"');
    const result = parseIso18626(xml);
    expect(result.message).toStrictEqual(reference);
    expect(codes(result)).toEqual(['unqualified-attribute']);
  });

  it('reads a message whose elements carry a prefix other than ill', () => {
    const result = parseIso18626(buildIso18626(fullRequest).replace(/<(\/?)(?!\?)([A-Za-z])/g, '<$1ns1:$2').replace(`xmlns="${NS}"`, `xmlns:ns1="${NS}"`));
    expect(result.message).toStrictEqual(fullRequest);
    expect(result.warnings).toEqual([]);
  });

  it('reads elements in any order', () => {
    const shuffled = envelope(`<requestingAgencyMessage><action>Cancel</action><header>
      <requestingAgencyRequestId>req-1</requestingAgencyRequestId><timestamp>2024-12-12T20:12:00.62959771Z</timestamp>
      <requestingAgencyId><agencyIdValue>REQ</agencyIdValue><agencyIdType>ISIL</agencyIdType></requestingAgencyId>
      <multipleItemRequestId/>
      <supplyingAgencyId><agencyIdValue>SUP</agencyIdValue><agencyIdType>ISIL</agencyIdType></supplyingAgencyId>
    </header></requestingAgencyMessage>`);
    expect(parseIso18626(shuffled).message).toStrictEqual(reference);
  });

  it('ignores whitespace around values and around the document', () => {
    const spaced = `\n\n  ${ram('\n   Cancel   \n').replace('<agencyIdValue>SUP</agencyIdValue>', '<agencyIdValue>  SUP\t</agencyIdValue>')}  \n`;
    expect(parseIso18626(spaced).message).toStrictEqual(reference);
  });

  it('reports unknown elements with their path and otherwise ignores them', () => {
    const xml = ram('Cancel')
      .replace('<action>', '<vendorFlag>x</vendorFlag><action>')
      .replace('<timestamp>', '<x:trace xmlns:x="urn:vendor">1</x:trace><timestamp>');
    const result = parseIso18626(xml);
    expect(result.message).toStrictEqual(reference);
    expect(result.unknownElements).toEqual([
      { path: 'requestingAgencyMessage.vendorFlag', ns: NS },
      { path: 'requestingAgencyMessage.header.trace', ns: 'urn:vendor' },
    ]);
  });

  it('warns about unqualified version and scheme attributes (mod-rs fixtures)', () => {
    const xml = ram('Cancel')
      .replace('ill:version="1.2"', 'version="1.2"')
      .replace('<agencyIdType>ISIL</agencyIdType><agencyIdValue>SUP', '<agencyIdType scheme="urn:codes">ISIL</agencyIdType><agencyIdValue>SUP');
    const result = parseIso18626(xml);
    expect(result.message.kind === 'requestingAgencyMessage' && result.message.header.supplyingAgencyId.agencyIdType).toEqual({ value: 'ISIL', scheme: 'urn:codes' });
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'unqualified-attribute', path: 'ISO18626Message' }),
      expect.objectContaining({ code: 'unqualified-attribute', path: 'requestingAgencyMessage.header.supplyingAgencyId.agencyIdType' }),
    ]);
  });

  it('drops a scheme that is no xs:anyURI, with a warning, so the message can still be sent on', () => {
    const xml = ram('Cancel').replace('<agencyIdType>ISIL</agencyIdType><agencyIdValue>SUP', '<agencyIdType ill:scheme="::">ISIL</agencyIdType><agencyIdValue>SUP');
    const result = parseIso18626(xml);
    expect(result.message).toStrictEqual(reference);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'invalid-scheme', path: 'requestingAgencyMessage.header.supplyingAgencyId.agencyIdType' })]);
  });

  it('reads a +0000 offset as +00:00 with a warning', () => {
    const result = parseIso18626(ram('Cancel').replace('2024-12-12T20:12:00.62959771Z', '2024-12-12T20:12:00+0000'));
    expect(result.message.kind === 'requestingAgencyMessage' && result.message.header.timestamp).toBe('2024-12-12T20:12:00+00:00');
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'compact-offset', path: 'requestingAgencyMessage.header.timestamp' })]);
  });

  it('reads a time without a zone as UTC with a warning', () => {
    const result = parseIso18626(ram('Cancel').replace('2024-12-12T20:12:00.62959771Z', '2024-12-12T20:12:00'));
    expect(result.message.kind === 'requestingAgencyMessage' && result.message.header.timestamp).toBe('2024-12-12T20:12:00Z');
    expect(codes(result)).toEqual(['missing-timezone']);
  });

  it('keeps nanosecond fractions exactly as CrossLink sent them', () => {
    const result = parseIso18626(ram('Cancel'));
    expect(result.message.kind === 'requestingAgencyMessage' && result.message.header.timestamp).toBe('2024-12-12T20:12:00.62959771Z');
  });

  it('reads an empty status from Alma/Rapido as no status, with a warning', () => {
    const result = parseIso18626(sam(''));
    expect(result.message.kind === 'supplyingAgencyMessage' && result.message.statusInfo).toStrictEqual({ lastChange: '2024-12-12T20:12:00Z' });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'empty-status', path: 'supplyingAgencyMessage.statusInfo.status' })]);
  });

  it('warns that RequestReceived on a ReShare Notification is no real status change', () => {
    const result = parseIso18626(sam('RequestReceived', 'Notification'));
    expect(result.message.kind === 'supplyingAgencyMessage' && result.message.statusInfo.status).toBe('RequestReceived');
    expect(codes(result)).toEqual(['request-received-notification']);
    expect(codes(parseIso18626(sam('RequestReceived', 'RequestResponse')))).toEqual([]);
  });

  it('matches closed values case-insensitively with a warning', () => {
    const result = parseIso18626(sam('loaned', 'STATUSCHANGE'));
    expect(result.message).toMatchObject({ messageInfo: { reasonForMessage: 'StatusChange' }, statusInfo: { status: 'Loaned' } });
    expect(codes(result)).toEqual(['closed-value-case', 'closed-value-case']);
    expect(parseIso18626(ram('cancel')).message).toStrictEqual(reference);
  });

  it('reads ISO 18626:2021 renamed elements into their v1.2 place, retryInfo and shippingInfo into the model, and reports the rest', () => {
    const extra =
      '<retryInfo><serviceType>Loan</serviceType></retryInfo>' +
      '<deliveryInfo><dateSent>2024-12-12T20:12:00Z</dateSent><itemId>i1</itemId><itemId>i2</itemId><deliveryMethod>Mail</deliveryMethod><itemFormat>PDF</itemFormat></deliveryInfo>' +
      '<shippingInfo><trackingId>T1</trackingId></shippingInfo>';
    const result = parseIso18626(sam('Loaned', 'StatusChange', extra));
    expect(result.message.kind === 'supplyingAgencyMessage' && result.message.deliveryInfo).toStrictEqual({
      dateSent: '2024-12-12T20:12:00Z',
      itemId: 'i1',
      sentVia: { value: 'Mail' },
      deliveredFormat: { value: 'PDF' },
    });
    expect(result.message).toMatchObject({ retryInfo: { serviceType: 'Loan' }, shippingInfo: { trackingId: ['T1'] } });
    expect(result.revision).toBe('2021');
    expect(result.warnings.filter((w) => w.code === 'revision-2021-element').map((w) => w.path)).toEqual([
      'supplyingAgencyMessage.deliveryInfo.deliveryMethod',
      'supplyingAgencyMessage.deliveryInfo.itemFormat',
      'supplyingAgencyMessage.deliveryInfo.itemId',
    ]);
    expect(result.unknownElements.map((u) => u.path)).toEqual(['supplyingAgencyMessage.deliveryInfo.itemId[1]']);
  });

  it('reads a 2021 header with consortialId and without multipleItemRequestId (2021 has none there), warning about the ignored consortialId', () => {
    const header2021 = HEADER_XML.replace('<multipleItemRequestId></multipleItemRequestId>', '<consortialId><agencyIdType>ISIL</agencyIdType><agencyIdValue>C</agencyIdValue></consortialId>');
    const result = parseIso18626(ram('Cancel', header2021));
    expect(result.message).toStrictEqual(reference);
    expect(codes(result)).toEqual(['revision-2021-element']);
    expect(result.revision).toBe('2021');
  });

  it('reads the 2021 status HoldReturn as no v1.2 status, with a warning', () => {
    const result = parseIso18626(sam('HoldReturn'));
    expect(result.message.kind === 'supplyingAgencyMessage' && result.message.statusInfo.status).toBeUndefined();
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'revision-2021-value', path: 'supplyingAgencyMessage.statusInfo.status' })]);
  });

  it('reads a bare message without the ISO18626Message envelope (mod-rs templates), with a warning', () => {
    const bare = `<requestingAgencyMessage xmlns="${NS}">${HEADER_XML}<action>Cancel</action></requestingAgencyMessage>`;
    const result = parseIso18626(bare);
    expect(result.message).toStrictEqual(reference);
    expect(codes(result)).toEqual(['missing-envelope']);
  });

  it('warns about a missing or unexpected version but still reads the message', () => {
    expect(codes(parseIso18626(ram('Cancel').replace(' ill:version="1.2"', '')))).toEqual(['missing-version']);
    expect(codes(parseIso18626(ram('Cancel').replace('ill:version="1.2"', 'ill:version="1.1"')))).toEqual(['unexpected-version']);
  });

  it('treats empty optional elements as absent, warning where the schema would refuse them', () => {
    const xml = sam('Loaned', 'StatusChange', '<returnInfo><name></name></returnInfo>').replace('<lastChange>', '<dueDate></dueDate><lastChange>');
    const result = parseIso18626(xml);
    expect(result.message).not.toHaveProperty('returnInfo');
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'empty-element', path: 'supplyingAgencyMessage.statusInfo.dueDate' })]);
  });

  describe('empty containers mean absent, as empty leaves do', () => {
    /** The shape of mod-rs's supplyingAgencyMessage_statusChange template, filled in as a WillSupply. */
    const modRsWillSupply = `<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="${NS}" xmlns:ill="${NS}" ill:version="1.2">
    <supplyingAgencyMessage>
        <header>
            <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>SUP</agencyIdValue></supplyingAgencyId>
            <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>REQ</agencyIdValue></requestingAgencyId>
            <timestamp>2023-10-04T15:22:00.543778Z</timestamp>
            <requestingAgencyRequestId>req-1</requestingAgencyRequestId>
            <supplyingAgencyRequestId>sup-1</supplyingAgencyRequestId>
        </header>
        <messageInfo>
            <reasonForMessage>RequestResponse</reasonForMessage>
            <answerYesNo />
            <note>We will supply</note>
            <reasonUnfilled />
            <reasonRetry />
            <offeredCosts />
            <retryAfter />
            <retryBefore />
        </messageInfo>
        <statusInfo>
            <status>WillSupply</status>
            <expectedDeliveryDate />
            <dueDate />
            <lastChange>2023-10-04T15:22:00.543778Z</lastChange>
        </statusInfo>
        <deliveryInfo>
            <dateSent />
            <itemId></itemId>
            <sentVia />
            <sentToPatron />
            <loanCondition />
            <deliveredFormat />
            <deliveryCosts />
        </deliveryInfo>
    </supplyingAgencyMessage>
</ISO18626Message>`;

    it('reads a mod-rs status change with an empty offeredCosts and a deliveryInfo of empty elements', () => {
      const result = parseIso18626(modRsWillSupply);
      expect(result.message).toStrictEqual({
        kind: 'supplyingAgencyMessage',
        header: {
          supplyingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'SUP' },
          requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'REQ' },
          timestamp: '2023-10-04T15:22:00.543778Z',
          requestingAgencyRequestId: 'req-1',
          supplyingAgencyRequestId: 'sup-1',
        },
        messageInfo: { reasonForMessage: 'RequestResponse', note: 'We will supply' },
        statusInfo: { status: 'WillSupply', lastChange: '2023-10-04T15:22:00.543778Z' },
      });
      expect(result.warnings.filter((w) => w.code === 'empty-element').map((w) => w.path)).toEqual([
        'supplyingAgencyMessage.messageInfo.answerYesNo',
        'supplyingAgencyMessage.messageInfo.offeredCosts',
        'supplyingAgencyMessage.messageInfo.retryAfter',
        'supplyingAgencyMessage.messageInfo.retryBefore',
        'supplyingAgencyMessage.statusInfo.expectedDeliveryDate',
        'supplyingAgencyMessage.statusInfo.dueDate',
        'supplyingAgencyMessage.deliveryInfo',
      ]);
    });

    it('reads any empty optional container as absent, with an empty-element warning where the schema would refuse it', () => {
      const result = parseIso18626(sam('Loaned', 'StatusChange', '<deliveryInfo/><returnInfo>\n</returnInfo>'));
      expect(result.message).not.toHaveProperty('deliveryInfo');
      expect(result.message).not.toHaveProperty('returnInfo');
      // An empty returnInfo is schema-valid (it requires nothing): absent, but no deviation.
      expect(result.warnings.map((w) => [w.code, w.path])).toEqual([['empty-element', 'supplyingAgencyMessage.deliveryInfo']]);
    });

    it('still refuses an empty required container, or a container that has content but lacks a required element', () => {
      expect(() => parseIso18626(modRsWillSupply.replace(/<statusInfo>[\s\S]*<\/statusInfo>/, '<statusInfo />'))).toThrow(
        expect.objectContaining({ errorType: 'UnrecognisedDataElement', element: 'supplyingAgencyMessage.statusInfo.status' }),
      );
      expect(() => parseIso18626(modRsWillSupply.replace('<offeredCosts />', '<offeredCosts><monetaryValue>5</monetaryValue></offeredCosts>'))).toThrow(
        expect.objectContaining({ errorType: 'UnrecognisedDataElement', element: 'supplyingAgencyMessage.messageInfo.offeredCosts.currencyCode' }),
      );
      expect(() => parseIso18626(modRsWillSupply.replace('<dateSent />', '<dateSent /><itemId>i-1</itemId>'))).toThrow(
        expect.objectContaining({ errorType: 'UnrecognisedDataValue', element: 'supplyingAgencyMessage.deliveryInfo.dateSent' }),
      );
    });
  });

  it('accepts a byte buffer with a byte-order mark', () => {
    expect(parseIso18626(Buffer.from(`\uFEFF${ram('Cancel')}`, 'utf8')).message).toStrictEqual(reference);
  });

  it('reads the full request whatever the serialisation, compact or pretty', () => {
    expect(parseIso18626(buildIso18626(fullRequest, { pretty: false })).message).toStrictEqual(fullRequest);
    expect(parseIso18626(buildIso18626(fullRequestingAgencyMessage)).warnings).toEqual([]);
  });
});
