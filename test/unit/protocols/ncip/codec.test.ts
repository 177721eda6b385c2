import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateAgainst } from '../../../helpers/xsd';
import { NCIP_VERSION, NCIP_VERSION_MESSAGE_VERSION, NcipProblem, buildNcip, buildProblemResponse, parseNcip, type NcipMessage } from '../../../../protocols/ncip';
import { EXAMPLES, VERSION_EXAMPLES } from './messages';

const SAMPLES = join(__dirname, '../../../../../shared/protocols/ncip/samples');
const sampleFiles = (): string[] => readdirSync(SAMPLES).filter((f) => f.endsWith('.xml')).sort();
const schemaFor = (m: NcipMessage) => (m.messageType === 'LookupVersion' || m.messageType === 'LookupVersionResponse' ? 'ncipVersion' : 'ncip');

describe('NCIP samples from real implementations', () => {
  it('finds the shared sample folder', () => {
    expect(existsSync(SAMPLES)).toBe(true);
    expect(sampleFiles().length).toBeGreaterThan(20);
  });

  // Every sample is a service this codec models or a top-level Problem; a sample of another service
  // would be reported as an 'Unsupported Service' NcipProblem, which this test accepts as documented behaviour.
  it.each(sampleFiles())('%s parses, rebuilds schema-valid and reads back the same', async (file) => {
    let parsed: NcipMessage;
    try {
      parsed = parseNcip(readFileSync(join(SAMPLES, file)));
    } catch (err) {
      expect(err).toBeInstanceOf(NcipProblem);
      expect((err as NcipProblem).type).toBe('Unsupported Service');
      return;
    }
    const xml = buildNcip(parsed);
    expect(await validateAgainst(schemaFor(parsed), xml)).toEqual({ valid: true, errors: [] });
    expect(parseNcip(xml)).toEqual(parsed);
  });
});

describe('NCIP messages the broker builds', () => {
  it.each([...EXAMPLES, ...VERSION_EXAMPLES].map((m, i) => [`${m.messageType} #${i}`, m] as const))(
    '%s validates against the official schema and round-trips',
    async (_name, message) => {
      const version = schemaFor(message) === 'ncip' ? NCIP_VERSION : NCIP_VERSION_MESSAGE_VERSION;
      const xml = buildNcip(message);
      expect(await validateAgainst(schemaFor(message), xml)).toEqual({ valid: true, errors: [] });
      expect(parseNcip(xml)).toEqual({ version, ...message });
    },
  );

  it('emits the ns1 prefix with namespace-qualified version and Scheme attributes, pretty-printed', () => {
    const xml = buildNcip(EXAMPLES[0]!);
    expect(xml).toContain('<ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip" ns1:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">\n  <ns1:LookupUser>');
    expect(xml).toMatch(/<ns1:AgencyId ns1:Scheme="[^"]+">ILL-BROKER<\/ns1:AgencyId>/);
  });

  it('writes a one-line document when asked not to pretty-print', () => {
    expect(buildNcip(EXAMPLES[0]!, { pretty: false }).trim().split('\n')).toHaveLength(2);
  });

  it('answers a problem with a schema-valid Problem inside the service response', async () => {
    const xml = buildProblemResponse(new NcipProblem('Unknown User', 'no patron P-9', { element: 'LookupUser/UserId', value: 'P-9', service: 'LookupUser' }));
    expect(await validateAgainst('ncip', xml)).toEqual({ valid: true, errors: [] });
    expect(parseNcip(xml)).toMatchObject({
      messageType: 'LookupUserResponse',
      problems: [{ problemType: { value: 'Unknown User', scheme: 'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/lookupuserprocessingerror.scm' }, problemValue: 'P-9' }],
    });
  });

  it('answers a problem whose service is unknown with top-level NCIPMessage Problems', async () => {
    const xml = buildProblemResponse(new NcipProblem('Invalid Message Syntax Error', 'not XML'), undefined, '2.0');
    expect(await validateAgainst('ncip', xml)).toEqual({ valid: true, errors: [] });
    expect(parseNcip(xml)).toEqual({
      messageType: 'Problem',
      version: '2.0',
      problems: [{ problemType: { value: 'Invalid Message Syntax Error', scheme: 'http://www.niso.org/ncip/v1_0/schemes/messagingerrortype/messagingerrortype.scm' }, problemDetail: 'not XML' }],
    });
  });

  const buildFails = (message: unknown, type: string, element?: string) => {
    let error: unknown;
    try {
      buildNcip(message as NcipMessage);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NcipProblem);
    expect(error).toMatchObject({ type, ...(element ? { element } : {}) });
  };

  it('refuses to build a message missing a required element, naming it', () => {
    buildFails({ messageType: 'AcceptItem', requestedActionType: { value: 'Hold For Pickup' } }, 'Needed Data Missing', 'AcceptItem/RequestId');
    buildFails({ messageType: 'CancelRequestItem', userId: { userIdentifierValue: 'u' }, requestId: { requestIdentifierValue: 'r' } }, 'Needed Data Missing', 'CancelRequestItem/RequestType');
    buildFails({ messageType: 'CheckOutItem', itemId: { itemIdentifierValue: 'i' } }, 'Needed Data Missing', 'CheckOutItem/UserId|AuthenticationInput');
  });

  it('refuses to build both sides of a schema choice, or Problems together with success fields', () => {
    buildFails(
      { messageType: 'LookupUser', userId: { userIdentifierValue: 'u' }, authenticationInputs: [{ authenticationInputData: 'x', authenticationDataFormatType: { value: 't' }, authenticationInputType: { value: 'PIN' } }] },
      'Invalid Message Syntax Error',
    );
    buildFails({ messageType: 'DeleteItemResponse', itemId: { itemIdentifierValue: 'i' }, problems: [{ problemType: { value: 'Unknown Item' } }] }, 'Invalid Message Syntax Error');
  });

  it('refuses to build malformed dates and control characters', () => {
    buildFails({ messageType: 'RenewItem', userId: { userIdentifierValue: 'u' }, itemId: { itemIdentifierValue: 'i' }, desiredDateDue: '1 July' }, 'Invalid Date', 'RenewItem/DesiredDateDue');
    buildFails({ messageType: 'DeleteItem', itemId: { itemIdentifierValue: 'bad\u0001' } }, 'Invalid Message Syntax Error', 'DeleteItem/ItemId/ItemIdentifierValue');
    buildFails({ messageType: 'DeleteItem', itemId: { agencyId: { value: 'A', scheme: 'not a uri]' }, itemIdentifierValue: 'i' } }, 'Invalid Message Syntax Error', 'DeleteItem/ItemId/AgencyId/@Scheme');
  });
});

describe('NCIP build/parse property', () => {
  const token = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s.length > 0 && ![...s].some((c) => { const code = c.codePointAt(0)!; return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff; }));
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const date = fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => d.toISOString());

  it('any CheckOutItem and its response round-trip schema-valid', async () => {
    await fc.assert(
      fc.asyncProperty(token, token, maybe(fc.webUrl()), maybe(token), date, async (patron, barcode, scheme, agency, due) => {
        const messages: NcipMessage[] = [
          {
            messageType: 'CheckOutItem',
            initiationHeader: { fromAgencyId: { value: agency ?? 'A' }, toAgencyId: scheme !== undefined ? { value: 'B', scheme } : { value: 'B' } },
            userId: { userIdentifierValue: patron },
            itemId: agency !== undefined ? { agencyId: { value: agency }, itemIdentifierValue: barcode } : { itemIdentifierValue: barcode },
            desiredDateDue: due,
          },
          { messageType: 'CheckOutItemResponse', itemId: { itemIdentifierValue: barcode }, userId: { userIdentifierValue: patron }, dateDue: due },
        ];
        for (const message of messages) {
          const xml = buildNcip(message);
          expect((await validateAgainst('ncip', xml)).errors).toEqual([]);
          expect(parseNcip(xml)).toEqual({ version: NCIP_VERSION, ...message });
        }
      }),
      { numRuns: 12 },
    );
  });

  it('any input either parses or fails with an NcipProblem, never another exception', () => {
    const fragments = fc.constantFrom('<NCIPMessage>', '</NCIPMessage>', '<ns1:LookupUser xmlns:ns1="http://www.niso.org/2008/ncip">', '<UserId>', '</UserId>', '<Problem/>', '&amp;', '<!DOCTYPE x>', 'text', '<ItemId><ItemIdentifierValue>1</ItemIdentifierValue></ItemId>');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fragments, { maxLength: 12 }).map((a) => a.join(''))), (input) => {
        try {
          parseNcip(input);
        } catch (err) {
          expect(err).toBeInstanceOf(NcipProblem);
        }
      }),
      { numRuns: 300 },
    );
  });
});
