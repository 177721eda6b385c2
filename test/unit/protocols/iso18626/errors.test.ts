import { Iso18626Error, parseIso18626, tryParseIso18626 } from '../../../../protocols/iso18626';
import { envelope, HEADER_XML, NS, ram, sam } from './messages';

function parseError(xml: string | Buffer, maxBytes?: number): Iso18626Error {
  const outcome = tryParseIso18626(xml, maxBytes === undefined ? {} : { maxBytes });
  if (outcome.ok) throw new Error(`expected a parse error, got a ${outcome.result.kind}`);
  expect(outcome.error).toBeInstanceOf(Iso18626Error);
  expect(outcome.error.detail.startsWith(`${outcome.error.element}: `)).toBe(true);
  return outcome.error;
}

describe('refusing what must not be accepted', () => {
  it('answers an unknown action with UnsupportedActionType, naming the element and the value', () => {
    const error = parseError(ram('Foo'));
    expect(error).toMatchObject({ errorType: 'UnsupportedActionType', element: 'requestingAgencyMessage.action', kind: 'requestingAgencyMessage' });
    expect(error.detail).toMatch(/^requestingAgencyMessage\.action: unknown value "Foo"/);
  });

  it('answers the 2021 actions HoldReturn and Lost with UnsupportedActionType', () => {
    expect(parseError(ram('HoldReturn')).errorType).toBe('UnsupportedActionType');
    expect(parseError(ram('Lost')).errorType).toBe('UnsupportedActionType');
  });

  it('answers an empty action with UnsupportedActionType', () => {
    expect(parseError(ram('')).errorType).toBe('UnsupportedActionType');
  });

  it('answers an unknown reasonForMessage with UnsupportedReasonForMessageType', () => {
    const error = parseError(sam('Loaned', 'JustBecause'));
    expect(error).toMatchObject({ errorType: 'UnsupportedReasonForMessageType', element: 'supplyingAgencyMessage.messageInfo.reasonForMessage' });
  });

  it('answers an unknown status with UnrecognisedDataValue', () => {
    expect(parseError(sam('Lent'))).toMatchObject({ errorType: 'UnrecognisedDataValue', element: 'supplyingAgencyMessage.statusInfo.status' });
  });

  it('answers a missing required element with UnrecognisedDataElement and its path', () => {
    expect(parseError(ram('Cancel').replace(/<timestamp>.*<\/timestamp>/, ''))).toMatchObject({
      errorType: 'UnrecognisedDataElement',
      element: 'requestingAgencyMessage.header.timestamp',
    });
    expect(parseError(envelope(`<requestingAgencyMessage>${HEADER_XML}</requestingAgencyMessage>`))).toMatchObject({
      errorType: 'UnrecognisedDataElement',
      element: 'requestingAgencyMessage.action',
    });
    expect(parseError(envelope('<request><bibliographicInfo/></request>'))).toMatchObject({ errorType: 'UnrecognisedDataElement', element: 'request.header' });
    expect(parseError(sam('Loaned').replace(/<lastChange>.*<\/lastChange>/, ''))).toMatchObject({ element: 'supplyingAgencyMessage.statusInfo.lastChange' });
  });

  it('answers a request with serviceInfo but no serviceType with UnrecognisedDataElement', () => {
    const xml = envelope(`<request>${HEADER_XML}<bibliographicInfo/><serviceInfo><requestType>New</requestType></serviceInfo></request>`);
    expect(parseError(xml)).toMatchObject({ errorType: 'UnrecognisedDataElement', element: 'request.serviceInfo.serviceType' });
  });

  it('answers a value of the wrong simple type with UnrecognisedDataValue', () => {
    expect(parseError(ram('Cancel').replace('2024-12-12T20:12:00.62959771Z', 'yesterday'))).toMatchObject({
      errorType: 'UnrecognisedDataValue',
      element: 'requestingAgencyMessage.header.timestamp',
    });
    const badSort = envelope(`<request>${HEADER_XML}<bibliographicInfo/><requestedDeliveryInfo><sortOrder>first</sortOrder></requestedDeliveryInfo></request>`);
    expect(parseError(badSort)).toMatchObject({ errorType: 'UnrecognisedDataValue', element: 'request.requestedDeliveryInfo[0].sortOrder' });
    const badMoney = sam('Loaned', 'StatusChange', '<deliveryInfo><dateSent>2024-12-12T20:12:00Z</dateSent><deliveryCosts><currencyCode>EUR</currencyCode><monetaryValue>12,50</monetaryValue></deliveryCosts></deliveryInfo>');
    expect(parseError(badMoney)).toMatchObject({ element: 'supplyingAgencyMessage.deliveryInfo.deliveryCosts.monetaryValue' });
    const badBool = sam('Loaned', 'StatusChange', '<deliveryInfo><dateSent>2024-12-12T20:12:00Z</dateSent><sentToPatron>yes</sentToPatron></deliveryInfo>');
    expect(parseError(badBool)).toMatchObject({ errorType: 'UnrecognisedDataValue', element: 'supplyingAgencyMessage.deliveryInfo.sentToPatron' });
  });

  it('answers an ISO18626Message without a message with BadlyFormedMessage', () => {
    expect(parseError(envelope('<hello/>'))).toMatchObject({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message', kind: undefined });
  });

  it('answers a document with some other root element with BadlyFormedMessage', () => {
    expect(parseError('<NCIPMessage><LookupUser/></NCIPMessage>')).toMatchObject({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message' });
  });

  it('answers two messages in one envelope with BadlyFormedMessage, still naming the first kind', () => {
    const inner = `<requestingAgencyMessage>${HEADER_XML}<action>Cancel</action></requestingAgencyMessage>`;
    expect(parseError(envelope(inner + inner))).toMatchObject({ errorType: 'BadlyFormedMessage', kind: 'requestingAgencyMessage' });
  });

  it('answers an element given twice where the schema allows one with BadlyFormedMessage', () => {
    expect(parseError(ram('Cancel</action><action>Received'))).toMatchObject({ errorType: 'BadlyFormedMessage', element: 'requestingAgencyMessage.action' });
  });

  it('answers an address with both kinds of address with BadlyFormedMessage', () => {
    const both = '<address><electronicAddress><electronicAddressType>Email</electronicAddressType><electronicAddressData>a@b</electronicAddressData></electronicAddress><physicalAddress><line1>x</line1></physicalAddress></address>';
    const xml = envelope(`<request>${HEADER_XML}<bibliographicInfo/><requestedDeliveryInfo>${both}</requestedDeliveryInfo></request>`);
    expect(parseError(xml)).toMatchObject({ errorType: 'BadlyFormedMessage', element: 'request.requestedDeliveryInfo[0].address' });
  });

  it('keeps the header fields it could read, so the ERROR confirmation can echo them', () => {
    const error = parseError(ram('Foo'));
    expect(error.header).toEqual({
      supplyingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'SUP' },
      requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'REQ' },
      multipleItemRequestId: '',
      timestamp: '2024-12-12T20:12:00.62959771Z',
      requestingAgencyRequestId: 'req-1',
    });
    expect(parseError(sam('Lent', 'Notification')).header).toMatchObject({ reasonForMessage: 'Notification' });
  });

  describe('hostile or broken documents', () => {
    it('refuses a billion-laughs document fast, as BadlyFormedMessage', () => {
      const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
        Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
        `]><ISO18626Message xmlns="${NS}">&lol9;</ISO18626Message>`;
      const started = Date.now();
      expect(parseError(lol)).toMatchObject({ errorType: 'BadlyFormedMessage', xmlFailure: 'dtd-forbidden' });
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('refuses an external entity (XXE) as BadlyFormedMessage', () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ram('&x;').replace(/^<\?xml[^>]*>/, '')}`;
      expect(parseError(xxe)).toMatchObject({ errorType: 'BadlyFormedMessage', xmlFailure: 'dtd-forbidden' });
    });

    it('refuses a document over the size limit as BadlyFormedMessage', () => {
      const big = ram('Cancel').replace('<action>', `<padding>${'x'.repeat(5000)}</padding><action>`);
      expect(parseError(big, 4096)).toMatchObject({ errorType: 'BadlyFormedMessage', xmlFailure: 'too-large' });
      expect(parseError(Buffer.from(big), 4096)).toMatchObject({ xmlFailure: 'too-large' });
      expect(parseIso18626(big).kind).toBe('requestingAgencyMessage');
    });

    it.each([
      ['garbage', 'this is not XML'],
      ['an empty body', ''],
      ['only whitespace', '  \n '],
      ['unclosed tags', '<ISO18626Message><request>'],
      ['JSON', '{"request":{}}'],
      ['binary', Buffer.from([0, 159, 146, 150, 255, 0, 1])],
    ])('refuses %s as BadlyFormedMessage', (_name, input) => {
      expect(parseError(input)).toMatchObject({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message', kind: undefined });
    });

    it('refuses characters XML does not allow, written or referenced, as BadlyFormedMessage', () => {
      expect(parseError(ram('Cancel').replace('req-1', 'req\u0000-1'))).toMatchObject({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message' });
      expect(parseError(ram('Cancel').replace('req-1', 'req&#1;-1'))).toMatchObject({ errorType: 'BadlyFormedMessage' });
      expect(parseError(ram('Cancel').replace('req-1', 'req&#xD800;-1'))).toMatchObject({ errorType: 'BadlyFormedMessage' });
      expect(parseIso18626(ram('Cancel').replace('req-1', 'req&#x1F642;&#233;-1')).message).toMatchObject({ header: { requestingAgencyRequestId: 'req🙂é-1' } });
    });

    it('throws nothing but Iso18626Error from the throwing parser', () => {
      expect(() => parseIso18626('<<<')).toThrow(Iso18626Error);
      expect(() => parseIso18626(undefined as unknown as string)).toThrow(Iso18626Error);
      expect(() => parseIso18626(42 as unknown as string)).toThrow(Iso18626Error);
    });
  });
});
