/** One realistic message per modelled message type, as an ILL flow would send or receive it. */
import type { NcipMessage } from '../../../../protocols/ncip';
import { SCHEMES, schemeValue } from '../../../../protocols/ncip';

const header = {
  fromAgencyId: { value: 'ILL-BROKER', scheme: 'http://www.niso.org/ncip/v1_0/schemes/agencyidtype/agencyidtype.scm' },
  fromAgencyAuthentication: 's3cret',
  toAgencyId: { value: 'MAIN' },
  applicationProfileType: { value: 'ILL' },
};
const responseHeader = { fromAgencyId: { value: 'MAIN' }, toAgencyId: { value: 'ILL-BROKER' } };
const userId = { agencyId: { value: 'MAIN' }, userIdentifierType: schemeValue('userIdentifierType', 'Barcode'), userIdentifierValue: 'P-1001' };
const itemId = { agencyId: { value: 'MAIN' }, itemIdentifierType: schemeValue('itemIdentifierType', 'Barcode'), itemIdentifierValue: 'ILL-7-1' };
const requestId = { agencyId: { value: 'ILL-BROKER' }, requestIdentifierValue: 'req-42' };
const bibliographicDescription = {
  author: 'Le Guin, Ursula K.',
  bibliographicItemId: { bibliographicItemIdentifier: '9780441478125', bibliographicItemIdentifierCode: { value: 'ISBN' } },
  publisher: 'Ace',
  title: 'The Left Hand of Darkness & other <stories>',
};
const userOptionalFields = {
  nameInformation: { personalNameInformation: { structuredPersonalUserName: { givenName: 'Ada', surname: 'Lovelace' } } },
  userAddressInformations: [
    { userAddressRoleType: { value: 'Multi-Purpose' }, electronicAddress: { electronicAddressType: { value: 'mailto' }, electronicAddressData: 'ada@example.org' } },
    {
      userAddressRoleType: { value: 'Home' },
      physicalAddress: { structuredAddress: { street: '1 Analytical Row', locality: 'London', postalCode: 'N1' }, physicalAddressType: { value: 'Postal Address' } },
    },
  ],
  userPrivileges: [
    {
      agencyId: { value: 'MAIN' },
      agencyUserPrivilegeType: { value: 'STATUS' },
      validToDate: '2099-12-31T00:00:00Z',
      userPrivilegeStatus: { userPrivilegeStatusType: { value: 'ACTIVE' } },
    },
    { agencyId: { value: 'MAIN' }, agencyUserPrivilegeType: { value: 'PROFILE' }, userPrivilegeDescription: 'Faculty' },
  ],
  blockOrTraps: [{ agencyId: { value: 'MAIN' }, blockOrTrapType: { value: 'Overdue' }, validFromDate: '2024-01-01T00:00:00Z' }],
  userIds: [{ userIdentifierType: { value: 'uuid' }, userIdentifierValue: '6f1c' }],
};
const itemOptionalFields = {
  bibliographicDescription,
  circulationStatus: schemeValue('circulationStatus', 'On Loan'),
  holdQueueLength: 0,
  itemDescription: { callNumber: 'PS3562 .E42 L4', copyNumber: 'c.1' },
  locations: [{ locationType: { value: 'Permanent Location' }, locationName: { locationNameInstances: [{ locationNameLevel: 1, locationNameValue: 'Main stacks' }] } }],
};

export const EXAMPLES: readonly NcipMessage[] = [
  {
    messageType: 'LookupUser',
    initiationHeader: header,
    userId,
    userElementTypes: ['Name Information', 'User Address Information', 'User Privilege', 'Block Or Trap'].map((v) => schemeValue('userElementType', v)),
    loanedItemsDesired: true,
  },
  {
    messageType: 'LookupUser',
    initiationHeader: header,
    authenticationInputs: [
      { authenticationInputData: 'P-1001', authenticationDataFormatType: { value: 'text/plain' }, authenticationInputType: schemeValue('authenticationInputType', 'Barcode Id') },
      { authenticationInputData: '1234', authenticationDataFormatType: { value: 'text/plain' }, authenticationInputType: { value: 'PIN' } },
    ],
  },
  { messageType: 'LookupUserResponse', responseHeader, userId, userOptionalFields },
  {
    messageType: 'AcceptItem',
    initiationHeader: header,
    requestId,
    requestedActionType: schemeValue('requestedActionType', 'Hold For Pickup'),
    userId,
    itemId,
    dateForReturn: '2024-07-01T00:00:00Z',
    itemOptionalFields: { bibliographicDescription, itemDescription: { callNumber: 'ILL' } },
    pickupLocation: { value: 'CIRC' },
    pickupExpiryDate: '2024-06-14T17:00:00.000Z',
  },
  { messageType: 'AcceptItemResponse', responseHeader, requestId, itemId },
  {
    messageType: 'CheckOutItem',
    initiationHeader: header,
    mandatedAction: { dateEventOccurred: '2024-06-01T10:00:00Z' },
    userId,
    itemId,
    requestId: { ...requestId, requestIdentifierType: { value: 'ILL Request Id' } },
    desiredDateDue: '2024-07-01T23:59:59+02:00',
  },
  { messageType: 'CheckOutItemResponse', responseHeader, itemId, userId, dateDue: '2024-07-01T23:59:59Z', renewalCount: 0, itemOptionalFields },
  { messageType: 'CheckInItem', initiationHeader: header, itemId, itemElementTypes: [schemeValue('itemElementType', 'Circulation Status')] },
  { messageType: 'CheckInItemResponse', itemId, userId, itemOptionalFields: { circulationStatus: { value: 'Available On Shelf' } } },
  { messageType: 'DeleteItem', initiationHeader: { fromAgencyId: { value: 'ILL-BROKER' }, toAgencyId: { value: 'MAIN' } }, itemId },
  { messageType: 'DeleteItemResponse', responseHeader, itemId },
  {
    messageType: 'RequestItem',
    initiationHeader: header,
    userId,
    bibliographicIds: [{ bibliographicRecordId: { bibliographicRecordIdentifier: 'bib-991', bibliographicRecordIdentifierCode: { value: 'SYSNUMBER' } } }],
    requestId,
    requestType: schemeValue('requestType', 'Loan'),
    requestScopeType: schemeValue('requestScopeType', 'Bibliographic Item'),
    itemOptionalFields: { locations: [{ locationType: { value: 'Current Location' }, locationName: { locationNameInstances: [{ locationNameLevel: 1, locationNameValue: 'MAIN' }] } }] },
    needBeforeDate: '2024-08-01T00:00:00Z',
    pickupLocation: { value: 'ILL-DESK' },
  },
  {
    messageType: 'RequestItemResponse',
    responseHeader,
    requestId: { requestIdentifierType: { value: 'UUID' }, requestIdentifierValue: 'hold-77' },
    itemId,
    userId,
    requestType: { value: 'Page' },
    requestScopeType: { value: 'Item' },
    itemOptionalFields: { itemDescription: { callNumber: 'QA76 .L68' } },
  },
  {
    messageType: 'CancelRequestItem',
    initiationHeader: header,
    userId,
    requestId: { requestIdentifierValue: 'hold-77' },
    requestType: { value: 'Page' },
    requestScopeType: { value: 'Item' },
  },
  { messageType: 'CancelRequestItemResponse', responseHeader, requestId: { requestIdentifierValue: 'hold-77' }, userId },
  { messageType: 'RenewItem', initiationHeader: header, userId, itemId, desiredDateDue: '2024-08-01T00:00:00Z' },
  { messageType: 'RenewItemResponse', responseHeader, itemId, userId, dateDue: '2024-08-01T00:00:00Z', renewalCount: 1 },
  { messageType: 'RenewItemResponse', pending: { dateOfExpectedReply: '2024-06-03T00:00:00Z' } },
  { messageType: 'LookupRequest', initiationHeader: header, requestId: { requestIdentifierValue: 'hold-77' }, userElementTypes: [{ value: 'User Id' }] },
  { messageType: 'LookupRequest', userId, itemId, requestType: { value: 'Hold' } },
  {
    messageType: 'LookupRequestResponse',
    responseHeader,
    requestId: { requestIdentifierValue: 'hold-77' },
    itemId,
    userId,
    requestType: { value: 'Hold' },
    requestScopeType: { value: 'Item' },
    requestStatusType: { value: 'Available For Pickup', scheme: SCHEMES.requestStatusType },
    holdQueuePosition: 1,
    pickupLocation: { value: 'CIRC' },
    pickupExpiryDate: '2024-06-14T17:00:00Z',
    dateAvailable: '2024-06-07T09:00:00Z',
  },
  { messageType: 'LookupItem', initiationHeader: header, itemId, itemElementTypes: [{ value: 'Bibliographic Description' }], currentBorrowerDesired: true },
  {
    messageType: 'LookupItemResponse',
    responseHeader,
    itemId,
    holdPickupDate: '2024-06-07T09:00:00Z',
    itemTransaction: { currentBorrower: { userId }, currentRequesters: [{ userId: { userIdentifierValue: 'P-2' } }] },
    itemOptionalFields,
  },
  {
    messageType: 'CheckOutItemResponse',
    responseHeader,
    problems: [
      {
        problemType: { value: 'User Blocked', scheme: 'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/checkoutitemprocessingerror.scm' },
        problemDetail: 'Patron owes fines',
        problemElement: 'UserId',
        problemValue: 'P-1001',
      },
    ],
  },
  { messageType: 'LookupUserResponse', problems: [{ problemType: { value: 'Lookup User Failed' }, problemDetail: 'Did not find a user with that id' }] },
  { messageType: 'Problem', problems: [{ problemType: { value: 'Invalid Message Syntax Error' }, problemDetail: 'not XML' }] },
];

export const VERSION_EXAMPLES: readonly NcipMessage[] = [
  { messageType: 'LookupVersion', fromAgencyId: { value: 'ILL-BROKER', scheme: 'urn:isil' }, toAgencyId: { value: 'MAIN' } },
  {
    messageType: 'LookupVersionResponse',
    fromAgencyId: { value: 'MAIN', scheme: 'urn:isil' },
    toAgencyId: { value: 'ILL-BROKER', scheme: 'urn:isil' },
    versionSupported: ['http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd'],
    serviceSupported: ['LookupUser', 'AcceptItem'],
  },
];
