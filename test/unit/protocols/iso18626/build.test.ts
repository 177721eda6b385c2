import { buildIso18626, Iso18626Error, parseIso18626 } from '../../../../protocols/iso18626';
import type { Iso18626Message, SupplyingAgencyMessage } from '../../../../protocols/iso18626';
import { validateAgainst } from '../../../helpers/xsd';
import { fullMessages, fullRequest, fullRequestingAgencyMessage, fullSupplyingAgencyMessage, NS } from './messages';

async function expectSchemaValid(xml: string): Promise<void> {
  expect(await validateAgainst('iso18626', xml)).toEqual({ valid: true, errors: [] });
}

describe('building ISO 18626 v1.2', () => {
  it.each(fullMessages.map((m) => [m.kind, m] as const))('writes a %s with every element schema-valid and reads it back unchanged', async (_kind, message) => {
    const xml = buildIso18626(message);
    await expectSchemaValid(xml);
    expect(parseIso18626(xml).message).toStrictEqual(message);
  });

  it('declares the namespace twice and qualifies version and scheme as mod-rs requires', async () => {
    const xml = buildIso18626(fullRequest);
    expect(xml).toContain(`<ISO18626Message xmlns="${NS}" xmlns:ill="${NS}" ill:version="1.2">`);
    expect(xml).toContain('<agencyIdType ill:scheme="http://illtransactions.org/opencode/2017/AgencyIdType">ISIL</agencyIdType>');
    expect(xml).not.toMatch(/<[^?][^>]* (version|scheme)=/);
    await expectSchemaValid(xml);
  });

  it('writes an empty multipleItemRequestId when the model has none, because v1.2 requires the element', async () => {
    const { multipleItemRequestId: _omit, ...header } = fullRequestingAgencyMessage.header;
    const xml = buildIso18626({ ...fullRequestingAgencyMessage, header });
    expect(xml).toContain('<multipleItemRequestId></multipleItemRequestId>');
    await expectSchemaValid(xml);
  });

  it('leaves out empty optional elements and empty optional groups', async () => {
    const message: Iso18626Message = {
      ...fullRequestingAgencyMessage,
      note: '',
      header: { ...fullRequestingAgencyMessage.header, supplyingAgencyRequestId: '', requestingAgencyAuthentication: {} },
    };
    const xml = buildIso18626(message);
    expect(xml).not.toMatch(/<note|<supplyingAgencyRequestId|<requestingAgencyAuthentication/);
    await expectSchemaValid(xml);
  });

  it('writes elements in schema order whatever order the object keys are in', async () => {
    const { header, action, kind } = fullRequestingAgencyMessage;
    const reversed = Object.fromEntries(Object.entries(header).reverse()) as typeof header;
    const xml = buildIso18626({ note: 'n', action, header: reversed, kind });
    expect(xml.indexOf('<header>')).toBeLessThan(xml.indexOf('<action>'));
    expect(xml.indexOf('<action>')).toBeLessThan(xml.indexOf('<note>'));
    await expectSchemaValid(xml);
  });

  it('escapes markup characters in text and attributes', async () => {
    const message: Iso18626Message = { ...fullRequestingAgencyMessage, note: 'a < b & "c" > \'d\' &amp;' };
    const xml = buildIso18626(message);
    await expectSchemaValid(xml);
    expect(parseIso18626(xml).message).toStrictEqual(message);
  });

  it('refuses an action outside type_action as a typed error naming the element', () => {
    const bad = { ...fullRequestingAgencyMessage, action: 'Request' } as unknown as Iso18626Message;
    expect(() => buildIso18626(bad)).toThrow(Iso18626Error);
    expect(() => buildIso18626(bad)).toThrow(/^requestingAgencyMessage\.action: /);
  });

  it('refuses a missing required element as UnrecognisedDataElement', () => {
    const { lastChange: _omit, ...statusInfo } = fullSupplyingAgencyMessage.statusInfo;
    const bad = { ...fullSupplyingAgencyMessage, statusInfo } as unknown as Iso18626Message;
    const error = catchError(() => buildIso18626(bad));
    expect(error).toMatchObject({ errorType: 'UnrecognisedDataElement', element: 'supplyingAgencyMessage.statusInfo.lastChange', origin: 'build' });
  });

  it('refuses a timestamp without a zone or with a compact offset', () => {
    for (const timestamp of ['2024-12-12T20:12:00', '2024-12-12T20:12:00+0000', '2024-02-30T00:00:00Z']) {
      const bad = { ...fullRequestingAgencyMessage, header: { ...fullRequestingAgencyMessage.header, timestamp } };
      expect(catchError(() => buildIso18626(bad))).toMatchObject({ errorType: 'UnrecognisedDataValue', element: 'requestingAgencyMessage.header.timestamp' });
    }
  });

  it('refuses to send a supplying agency message without a status, although it reads one from Alma', () => {
    const { status: _omit, ...statusInfo } = fullSupplyingAgencyMessage.statusInfo;
    const message: SupplyingAgencyMessage = { ...fullSupplyingAgencyMessage, statusInfo };
    expect(catchError(() => buildIso18626(message))).toMatchObject({ errorType: 'UnrecognisedDataElement', element: 'supplyingAgencyMessage.statusInfo.status' });
  });

  it('refuses text XML cannot carry, and unknown keys, before writing anything', () => {
    expect(catchError(() => buildIso18626({ ...fullRequestingAgencyMessage, note: 'bell \u0007' }))).toBeInstanceOf(Iso18626Error);
    expect(catchError(() => buildIso18626({ ...fullRequestingAgencyMessage, colour: 'red' } as unknown as Iso18626Message))).toBeInstanceOf(Iso18626Error);
    expect(catchError(() => buildIso18626(null as unknown as Iso18626Message))).toBeInstanceOf(Iso18626Error);
  });

  it('refuses a scheme libxml2 would not take as an xs:anyURI', () => {
    for (const scheme of ['%%', '::', 'http://x/[y]']) {
      const bad = { ...fullRequestingAgencyMessage, header: { ...fullRequestingAgencyMessage.header, requestingAgencyId: { agencyIdType: { value: 'ISIL', scheme }, agencyIdValue: 'x' } } };
      expect(catchError(() => buildIso18626(bad))).toMatchObject({ errorType: 'UnrecognisedDataValue', element: 'requestingAgencyMessage.header.requestingAgencyId.agencyIdType.scheme' });
    }
  });

  it('refuses more than three requestSubType values', () => {
    const bad = { ...fullRequest, serviceInfo: { serviceType: 'Loan', requestSubType: ['PatronRequest', 'PatronRequest', 'PatronRequest', 'PatronRequest'] } } as Iso18626Message;
    expect(catchError(() => buildIso18626(bad))).toMatchObject({ element: 'request.serviceInfo.requestSubType' });
  });

  it('can write a compact single line that is just as valid', async () => {
    const xml = buildIso18626(fullSupplyingAgencyMessage, { pretty: false });
    expect(xml.trim().split('\n')).toHaveLength(2);
    await expectSchemaValid(xml);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
