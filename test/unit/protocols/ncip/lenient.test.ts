import { NcipProblem, parseNcip, type NcipMessage } from '../../../../protocols/ncip';

const NS = 'http://www.niso.org/2008/ncip';

function problemOf(input: string | Buffer, options?: { maxBytes: number }): NcipProblem {
  try {
    parseNcip(input, options);
  } catch (err) {
    if (err instanceof NcipProblem) return err;
    throw new Error(`expected an NcipProblem, got ${String(err)}`);
  }
  throw new Error('expected the input to be refused');
}

describe('reading what real ILS answers send', () => {
  const expected: NcipMessage = {
    messageType: 'CheckOutItemResponse',
    version: '2.02',
    itemId: { itemIdentifierValue: 'B-1' },
    userId: { agencyId: { value: 'LIB' }, userIdentifierValue: 'P-1' },
    dateDue: '2024-07-01T00:00:00Z',
  };

  it('reads a default-namespace message with unqualified version (mod-ncip, Koha NCIPServer)', () => {
    const xml = `<NCIPMessage xmlns="${NS}" version="2.02"><CheckOutItemResponse><ItemId><ItemIdentifierValue>B-1</ItemIdentifierValue></ItemId><UserId><AgencyId>LIB</AgencyId><UserIdentifierValue>P-1</UserIdentifierValue></UserId><DateDue>2024-07-01T00:00:00Z</DateDue></CheckOutItemResponse></NCIPMessage>`;
    expect(parseNcip(xml)).toEqual(expected);
  });

  it('reads a message with no namespace at all', () => {
    const xml = `<?xml version = '1.0' encoding = 'UTF-8'?><NCIPMessage version="2.02"><CheckOutItemResponse><ItemId><ItemIdentifierValue>B-1</ItemIdentifierValue></ItemId><UserId><AgencyId>LIB</AgencyId><UserIdentifierValue>P-1</UserIdentifierValue></UserId><DateDue>2024-07-01T00:00:00Z</DateDue></CheckOutItemResponse></NCIPMessage>`;
    expect(parseNcip(xml)).toEqual(expected);
  });

  it('reads another prefix, elements out of schema order and unknown extra elements', () => {
    const xml = `<n:NCIPMessage xmlns:n="${NS}" xmlns:v="urn:vendor" n:version="2.02"><n:CheckOutItemResponse><v:Note>hello</v:Note><n:DateDue>2024-07-01T00:00:00Z</n:DateDue><n:UserId><n:UserIdentifierValue>P-1</n:UserIdentifierValue><n:AgencyId>LIB</n:AgencyId></n:UserId><n:ItemId><n:ItemIdentifierValue>B-1</n:ItemIdentifierValue></n:ItemId><n:Ext><v:LoanUuid>abc</v:LoanUuid></n:Ext></n:CheckOutItemResponse></n:NCIPMessage>`;
    expect(parseNcip(xml)).toEqual(expected);
  });

  it('reads Scheme with or without a prefix, and its absence', () => {
    const xml = `<ns1:NCIPMessage xmlns:ns1="${NS}" ns1:version="2"><ns1:RequestItemResponse><ns1:RequestId><ns1:RequestIdentifierValue>H-1</ns1:RequestIdentifierValue></ns1:RequestId><ns1:UserId><ns1:UserIdentifierValue>P</ns1:UserIdentifierValue></ns1:UserId><ns1:RequestType Scheme="Scheme">Page</ns1:RequestType><ns1:RequestScopeType>Item</ns1:RequestScopeType></ns1:RequestItemResponse></ns1:NCIPMessage>`;
    expect(parseNcip(xml)).toMatchObject({ requestType: { value: 'Page', scheme: 'Scheme' }, requestScopeType: { value: 'Item' } });
    expect((parseNcip(xml) as { requestScopeType: object }).requestScopeType).not.toHaveProperty('scheme');
  });

  it('reads NCIP 1 leftovers: UniqueAgencyId/UniqueUserId/UniqueItemId wrappers with Scheme and Value children', () => {
    const xml = `<NCIPMessage version="1"><CheckInItemResponse><UniqueItemId><UniqueAgencyId><Scheme>urn:agencies</Scheme><Value>LIB</Value></UniqueAgencyId><ItemIdentifierValue>B-9</ItemIdentifierValue></UniqueItemId><UniqueUserId><UniqueAgencyId><Scheme>urn:agencies</Scheme><Value>LIB</Value></UniqueAgencyId><UserIdentifierValue>P-9</UserIdentifierValue></UniqueUserId></CheckInItemResponse></NCIPMessage>`;
    expect(parseNcip(xml)).toEqual({
      messageType: 'CheckInItemResponse',
      version: '1',
      itemId: { agencyId: { value: 'LIB', scheme: 'urn:agencies' }, itemIdentifierValue: 'B-9' },
      userId: { agencyId: { value: 'LIB', scheme: 'urn:agencies' }, userIdentifierValue: 'P-9' },
    });
  });

  it('reads an NCIP 1 ProcessingError problem as a Problem (Koha NCIPServer, NCIP 1 responders)', () => {
    const xml = `<NCIPMessage version="1"><CheckInItemResponse><Problem><ProcessingError><ProcessingErrorType><Scheme>http://www.niso.org/ncip/v1_0/schemes/processingerrortype/checkinitemprocessingerror.scm</Scheme><Value>Item Not Checked Out</Value></ProcessingErrorType><ProcessingErrorElement><ElementName>UniqueItemId</ElementName><ProcessingErrorValue>B-9</ProcessingErrorValue></ProcessingErrorElement></ProcessingError><ProblemDetail>not on loan</ProblemDetail></Problem></CheckInItemResponse></NCIPMessage>`;
    expect(parseNcip(xml)).toEqual({
      messageType: 'CheckInItemResponse',
      version: '1',
      problems: [
        {
          problemType: { value: 'Item Not Checked Out', scheme: 'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/checkinitemprocessingerror.scm' },
          problemDetail: 'not on loan',
          problemElement: 'UniqueItemId',
          problemValue: 'B-9',
        },
      ],
    });
  });

  it('keeps free-text ProblemTypes without a Scheme (FOLIO mod-ncip)', () => {
    const xml = `<NCIPMessage xmlns="${NS}"><AcceptItemResponse><Problem><ProblemType>Problem performing AcceptItem</ProblemType><ProblemDetail>boom</ProblemDetail><ProblemElement>--</ProblemElement><ProblemValue>Agency ID</ProblemValue></Problem></AcceptItemResponse></NCIPMessage>`;
    expect(parseNcip(xml)).toEqual({
      messageType: 'AcceptItemResponse',
      problems: [{ problemType: { value: 'Problem performing AcceptItem' }, problemDetail: 'boom', problemElement: '--', problemValue: 'Agency ID' }],
    });
  });

  it('accepts a CancelRequestItem without RequestType (lib-ncip-client never sends it)', () => {
    const xml = `<NCIPMessage xmlns="${NS}"><CancelRequestItem><UserId><UserIdentifierValue>INST-1</UserIdentifierValue></UserId><RequestId><RequestIdentifierValue>H-1</RequestIdentifierValue></RequestId></CancelRequestItem></NCIPMessage>`;
    expect(parseNcip(xml)).toEqual({ messageType: 'CancelRequestItem', userId: { userIdentifierValue: 'INST-1' }, requestId: { requestIdentifierValue: 'H-1' } });
  });

  it('treats an empty date as absent and fills missing required response text with empty strings', () => {
    const xml = `<NCIPMessage xmlns="${NS}"><LookupUserResponse><UserId/><UserOptionalFields><UserPrivilege><AgencyUserPrivilegeType>STATUS</AgencyUserPrivilegeType><ValidFromDate/></UserPrivilege></UserOptionalFields></LookupUserResponse></NCIPMessage>`;
    expect(parseNcip(xml)).toEqual({
      messageType: 'LookupUserResponse',
      userId: { userIdentifierValue: '' },
      userOptionalFields: { userPrivileges: [{ agencyId: { value: '' }, agencyUserPrivilegeType: { value: 'STATUS' } }] },
    });
  });

  it('accepts UserId and AuthenticationInput together, as mod-ncip clients send them', () => {
    const xml = `<NCIPMessage xmlns="${NS}"><LookupUser><AuthenticationInput><AuthenticationInputData>jdoe</AuthenticationInputData><AuthenticationDataFormatType>text</AuthenticationDataFormatType><AuthenticationInputType>username</AuthenticationInputType></AuthenticationInput><UserId><UserIdentifierValue>P</UserIdentifierValue></UserId></LookupUser></NCIPMessage>`;
    expect(parseNcip(xml)).toMatchObject({ userId: { userIdentifierValue: 'P' }, authenticationInputs: [{ authenticationInputData: 'jdoe' }] });
  });

  it('decodes a UTF-8 Buffer and ignores a byte-order mark and comments', () => {
    const xml = Buffer.from(`\uFEFF<?xml version="1.0"?><!-- hi --><NCIPMessage xmlns="${NS}"><DeleteItemResponse><ItemId><ItemIdentifierValue>Č-1</ItemIdentifierValue></ItemId></DeleteItemResponse></NCIPMessage>`, 'utf8');
    expect(parseNcip(xml)).toEqual({ messageType: 'DeleteItemResponse', itemId: { itemIdentifierValue: 'Č-1' } });
  });
});

describe('refusing what a responder must answer with a Problem', () => {
  it.each([
    ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><NCIPMessage>&lol2;</NCIPMessage>'],
    ['an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><NCIPMessage>&x;</NCIPMessage>'],
    ['an empty body', ''],
    ['garbage', 'HTTP/1.1 502 Bad Gateway'],
    ['an HTML error page', '<html><body><h1>500</h1></body></html>'],
    ['mod-ncip 500 body', '<Problem><message>problem processing NCIP request</message></Problem>'],
    ['unclosed tags', `<NCIPMessage xmlns="${NS}"><LookupUser>`],
    ['an empty NCIPMessage', `<NCIPMessage xmlns="${NS}"/>`],
  ])('reports %s as an Invalid Message Syntax Error', (_name, input) => {
    expect(problemOf(input)).toMatchObject({ type: 'Invalid Message Syntax Error', scheme: 'http://www.niso.org/ncip/v1_0/schemes/messagingerrortype/messagingerrortype.scm' });
  });

  it('refuses an oversize document before parsing it', () => {
    const big = `<NCIPMessage>${'<Ext/>'.repeat(500)}</NCIPMessage>`;
    expect(problemOf(big, { maxBytes: 1000 }).detail).toMatch(/^too-large/);
  });

  it('reports an NCIP service it does not model as Unsupported Service, naming it', () => {
    expect(problemOf(`<NCIPMessage xmlns="${NS}"><CreateUserFiscalTransaction/></NCIPMessage>`)).toMatchObject({
      type: 'Unsupported Service',
      element: 'CreateUserFiscalTransaction',
      service: 'CreateUserFiscalTransaction',
      scheme: 'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/generalprocessingerror.scm',
    });
  });

  it('reports a non-NCIP element in place of a service as Unknown Service', () => {
    expect(problemOf(`<NCIPMessage xmlns="${NS}"><FetchPizza/></NCIPMessage>`)).toMatchObject({ type: 'Unknown Service', element: 'FetchPizza' });
  });

  it('reports a missing required element of an initiation as Needed Data Missing with its path and service', () => {
    expect(problemOf(`<NCIPMessage xmlns="${NS}"><AcceptItem><RequestedActionType>Hold For Pickup</RequestedActionType></AcceptItem></NCIPMessage>`)).toMatchObject({
      type: 'Needed Data Missing',
      element: 'AcceptItem/RequestId',
      service: 'AcceptItem',
      message: 'AcceptItem/RequestId: RequestId is required in AcceptItem',
    });
    expect(problemOf(`<NCIPMessage xmlns="${NS}"><LookupUser/></NCIPMessage>`)).toMatchObject({ type: 'Needed Data Missing', element: 'LookupUser/UserId|AuthenticationInput' });
    expect(problemOf(`<NCIPMessage xmlns="${NS}"><CheckInItem><InitiationHeader><ToAgencyId><AgencyId>X</AgencyId></ToAgencyId></InitiationHeader><ItemId><ItemIdentifierValue>1</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>`)).toMatchObject({
      type: 'Needed Data Missing',
      element: 'CheckInItem/InitiationHeader/FromAgencyId',
    });
  });

  it('reports a malformed date in an initiation as Invalid Date with the value', () => {
    const xml = `<NCIPMessage xmlns="${NS}"><RenewItem><UserId><UserIdentifierValue>P</UserIdentifierValue></UserId><ItemId><ItemIdentifierValue>B</ItemIdentifierValue></ItemId><DesiredDateDue>next week</DesiredDateDue></RenewItem></NCIPMessage>`;
    expect(problemOf(xml)).toMatchObject({ type: 'Invalid Date', element: 'RenewItem/DesiredDateDue', value: 'next week', service: 'RenewItem' });
  });
});
