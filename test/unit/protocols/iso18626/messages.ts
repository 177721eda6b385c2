/** Hand-written messages of every kind with every v1.2 element filled in, for tests. */
import type {
  Header,
  Request,
  RequestConfirmation,
  RequestingAgencyMessage,
  RequestingAgencyMessageConfirmation,
  SupplyingAgencyMessage,
  SupplyingAgencyMessageConfirmation,
} from '../../../../protocols/iso18626';

export const NS = 'http://illtransactions.org/2013/iso18626';

export const header: Header = {
  supplyingAgencyId: { agencyIdType: { value: 'ISIL', scheme: 'http://illtransactions.org/opencode/2017/AgencyIdType' }, agencyIdValue: 'DK-820010' },
  requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'US-NIA2' },
  multipleItemRequestId: 'multi-1',
  timestamp: '2024-12-12T20:12:00.62959771Z',
  requestingAgencyRequestId: 'req-1 & <co>',
  supplyingAgencyRequestId: 'sup-9',
  requestingAgencyAuthentication: { accountId: 'acct', securityCode: 's3cret' },
};

const costs = { currencyCode: { value: 'EUR', scheme: 'urn:iso:std:iso:4217' }, monetaryValue: '12.50' };

export const fullRequest: Request = {
  kind: 'request',
  header,
  bibliographicInfo: {
    supplierUniqueRecordId: 'rec-1',
    title: 'Lord of the Rings',
    author: 'J.R.R. Tolkien',
    subtitle: 'The Fellowship',
    seriesTitle: 'Middle-earth',
    edition: '2nd',
    titleOfComponent: 'Chapter 1',
    authorOfComponent: 'Tolkien',
    volume: '1',
    issue: '3',
    pagesRequested: '1-20',
    estimatedNoPages: '20',
    bibliographicItemId: [
      { bibliographicItemIdentifier: '9780261103252', bibliographicItemIdentifierCode: { value: 'ISBN' } },
      { bibliographicItemIdentifier: '0028-0836', bibliographicItemIdentifierCode: { value: 'ISSN', scheme: 'http://example.org/codes' } },
    ],
    sponsor: 'Sponsor',
    informationSource: 'WorldCat',
    bibliographicRecordId: [{ bibliographicRecordIdentifierCode: { value: 'OCLC' }, bibliographicRecordIdentifier: '12345' }],
  },
  publicationInfo: { publisher: 'Allen & Unwin', publicationType: { value: 'Book' }, publicationDate: '1954', placeOfPublication: 'London' },
  serviceInfo: {
    requestType: 'New',
    requestSubType: ['PatronRequest', 'BookingRequest'],
    requestingAgencyPreviousRequestId: 'prev-1',
    serviceType: 'CopyOrLoan',
    serviceLevel: { value: 'Normal' },
    preferredFormat: { value: 'PrintFormat' },
    needBeforeDate: '2025-01-31T00:00:00+01:00',
    copyrightCompliance: { value: 'US-CCG' },
    anyEdition: 'Y',
    startDate: '2025-01-01T09:00:00Z',
    endDate: '2025-01-15T17:00:00-05:00',
    note: 'Please hurry',
  },
  supplierInfo: [
    {
      sortOrder: 1,
      supplierCode: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-1' },
      supplierDescription: 'Main library',
      bibliographicRecordId: { bibliographicRecordIdentifierCode: { value: 'LCCN' }, bibliographicRecordIdentifier: '54-1234' },
      callNumber: 'PR6039.O32',
      summaryHoldings: 'v.1-3',
      availabilityNote: 'On shelf',
    },
    { sortOrder: 2, supplierDescription: 'Branch' },
  ],
  requestedDeliveryInfo: [
    { sortOrder: 1, address: { electronicAddress: { electronicAddressType: { value: 'Email' }, electronicAddressData: 'ill@example.edu' } } },
    {
      sortOrder: 2,
      address: {
        physicalAddress: { line1: '123 Main St', line2: 'Room 4', locality: 'Chicago', postalCode: '60601', region: { value: 'IL', scheme: 'ISO3166-2' }, country: { value: 'US' } },
      },
    },
  ],
  requestingAgencyInfo: {
    name: 'NIA Library',
    contactName: 'ILL desk',
    address: [{ electronicAddress: { electronicAddressType: { value: 'URL' }, electronicAddressData: 'https://example.edu/iso18626' } }],
  },
  patronInfo: {
    patronId: 'p-1',
    surname: 'Baggins',
    givenName: 'Frodo',
    patronType: { value: 'Faculty' },
    sendToPatron: 'N',
    address: [{ physicalAddress: { line1: 'Bag End', locality: 'Hobbiton' } }],
  },
  billingInfo: {
    paymentMethod: { value: 'IFM' },
    maximumCosts: costs,
    billingMethod: { value: 'Account' },
    billingName: 'NIA Library',
    address: { physicalAddress: { line1: '1 Billing Rd', country: { value: 'US' } } },
  },
};

export const fullSupplyingAgencyMessage: SupplyingAgencyMessage = {
  kind: 'supplyingAgencyMessage',
  header,
  messageInfo: {
    reasonForMessage: 'StatusChange',
    answerYesNo: 'Y',
    note: 'Shipped today',
    reasonUnfilled: { value: 'NotOnShelf' },
    reasonRetry: { value: 'CostExceedsMaxCost' },
    offeredCosts: costs,
    retryAfter: '2025-02-01T00:00:00Z',
    retryBefore: '2025-03-01T00:00:00Z',
  },
  statusInfo: { status: 'Loaned', expectedDeliveryDate: '2025-01-10T00:00:00Z', dueDate: '2025-02-10T23:59:59+02:00', lastChange: '2025-01-05T10:00:00.123Z' },
  deliveryInfo: {
    dateSent: '2025-01-05T10:00:00Z',
    itemId: 'item-1',
    sentVia: { value: 'Mail' },
    sentToPatron: false,
    loanCondition: { value: 'LibraryUseOnly' },
    deliveredFormat: { value: 'PrintFormat' },
    deliveryCosts: costs,
  },
  returnInfo: {
    returnAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-820010' },
    name: 'Returns desk',
    physicalAddress: { line1: 'Dock 2', locality: 'Copenhagen', country: { value: 'DK' } },
  },
};

export const fullRequestingAgencyMessage: RequestingAgencyMessage = { kind: 'requestingAgencyMessage', header, action: 'ShippedReturn', note: 'Returned by post' };

const confirmationHeader = {
  supplyingAgencyId: header.supplyingAgencyId,
  requestingAgencyId: header.requestingAgencyId,
  timestamp: '2024-12-12T20:12:01Z',
  requestingAgencyRequestId: 'req-1',
  multipleItemRequestId: 'multi-1',
  timestampReceived: header.timestamp,
  messageStatus: 'ERROR',
} as const;

export const fullRequestConfirmation: RequestConfirmation = {
  kind: 'requestConfirmation',
  confirmationHeader,
  errorData: { errorType: 'UnrecognisedDataValue', errorValue: 'header.requestingAgencyRequestId: already exists' },
};

export const fullSupplyingAgencyMessageConfirmation: SupplyingAgencyMessageConfirmation = {
  kind: 'supplyingAgencyMessageConfirmation',
  confirmationHeader,
  reasonForMessage: 'StatusChange',
  errorData: { errorType: 'UnsupportedReasonForMessageType', errorValue: 'messageInfo.reasonForMessage: unknown value' },
};

export const fullRequestingAgencyMessageConfirmation: RequestingAgencyMessageConfirmation = {
  kind: 'requestingAgencyMessageConfirmation',
  confirmationHeader,
  action: 'Renew',
  errorData: { errorType: 'UnsupportedActionType' },
};

export const fullMessages = [
  fullRequest,
  fullRequestConfirmation,
  fullSupplyingAgencyMessage,
  fullSupplyingAgencyMessageConfirmation,
  fullRequestingAgencyMessage,
  fullRequestingAgencyMessageConfirmation,
] as const;

/** A small v1.2 document around `inner` (the message element), written the way CrossLink does. */
export function envelope(inner: string, rootAttrs = `xmlns="${NS}" xmlns:ill="${NS}" ill:version="1.2"`): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ISO18626Message ${rootAttrs}>${inner}</ISO18626Message>`;
}

export const HEADER_XML = `<header>
  <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>SUP</agencyIdValue></supplyingAgencyId>
  <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>REQ</agencyIdValue></requestingAgencyId>
  <multipleItemRequestId></multipleItemRequestId>
  <timestamp>2024-12-12T20:12:00.62959771Z</timestamp>
  <requestingAgencyRequestId>req-1</requestingAgencyRequestId>
</header>`;

export function ram(action: string, headerXml = HEADER_XML): string {
  return envelope(`<requestingAgencyMessage>${headerXml}<action>${action}</action></requestingAgencyMessage>`);
}

export function sam(status: string, reason = 'StatusChange', extra = ''): string {
  return envelope(
    `<supplyingAgencyMessage>${HEADER_XML}<messageInfo><reasonForMessage>${reason}</reasonForMessage></messageInfo>` +
      `<statusInfo><status>${status}</status><lastChange>2024-12-12T20:12:00Z</lastChange></statusInfo>${extra}</supplyingAgencyMessage>`,
  );
}
