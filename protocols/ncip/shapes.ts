/**
 * The content models of ncip_v2_02.xsd that this codec covers, as data: for each element, its
 * children in schema order with their kind and cardinality. Parse walks a table by local name
 * (any order), build walks it in order (so output follows the schema sequence). Elements left
 * out of a table (Ext, fees, shipping information, ...) are ignored on parse and never emitted.
 */

export type Scalar =
  | 'text' // xs:string
  | 'scheme' // SchemeValuePair: text + optional Scheme attribute
  | 'agency' // FromAgencyId/ToAgencyId/OnBehalfOfAgency: a wrapper around one AgencyId
  | 'date' // xs:dateTime
  | 'count' // xs:nonNegativeInteger
  | 'positive' // xs:positiveInteger
  | 'flag'; // empty element, present or not

/** `1` required, `?` optional, `*` any number, `+` at least one. */
export type Card = '1' | '?' | '*' | '+';

export interface Field {
  readonly el: string;
  readonly key: string;
  readonly of: Scalar | Shape;
  readonly card: Card;
  /** Required by the schema, but real peers leave it out: parse accepts its absence, build still insists. */
  readonly tolerated?: true;
}

export interface Shape {
  readonly el: string;
  readonly fields: readonly Field[];
  /** XSD choices the table cannot say: `[keys, 'one' | 'at-most-one' | 'at-least-one']`. Checked on build. */
  readonly choices?: readonly (readonly [readonly string[], 'one' | 'at-most-one' | 'at-least-one'])[];
}

const f = (el: string, of: Scalar | Shape, card: Card = '?', key?: string, tolerated?: true): Field => ({
  el,
  key: key ?? el.charAt(0).toLowerCase() + el.slice(1),
  of,
  card,
  ...(tolerated ? { tolerated } : {}),
});
const many = (el: string, of: Scalar | Shape, card: '*' | '+' = '*'): Field => f(el, of, card, `${el.charAt(0).toLowerCase()}${el.slice(1)}s`);
const shape = (el: string, fields: Field[], choices?: Shape['choices']): Shape => ({ el, fields, ...(choices ? { choices } : {}) });

export const USER_ID = shape('UserId', [f('AgencyId', 'scheme'), f('UserIdentifierType', 'scheme'), f('UserIdentifierValue', 'text', '1')]);
export const ITEM_ID = shape('ItemId', [f('AgencyId', 'scheme'), f('ItemIdentifierType', 'scheme'), f('ItemIdentifierValue', 'text', '1')]);
export const REQUEST_ID = shape('RequestId', [f('AgencyId', 'scheme'), f('RequestIdentifierType', 'scheme'), f('RequestIdentifierValue', 'text', '1')]);
const AUTHENTICATION_INPUT = shape('AuthenticationInput', [
  f('AuthenticationInputData', 'text', '1'),
  f('AuthenticationDataFormatType', 'scheme', '1'),
  f('AuthenticationInputType', 'scheme', '1'),
]);

export const INITIATION_HEADER = shape('InitiationHeader', [
  f('FromSystemId', 'scheme'),
  f('FromSystemAuthentication', 'text'),
  f('FromAgencyId', 'agency', '1'),
  f('FromAgencyAuthentication', 'text'),
  f('OnBehalfOfAgency', 'agency'),
  f('ToSystemId', 'scheme'),
  f('ToAgencyId', 'agency', '1'),
  f('ApplicationProfileType', 'scheme'),
]);
export const RESPONSE_HEADER = shape('ResponseHeader', [
  f('FromSystemId', 'scheme'),
  f('FromSystemAuthentication', 'text'),
  f('FromAgencyId', 'agency', '1'),
  f('FromAgencyAuthentication', 'text'),
  f('ToSystemId', 'scheme'),
  f('ToAgencyId', 'agency', '1'),
]);
export const PROBLEM = shape('Problem', [f('ProblemType', 'scheme', '1'), f('ProblemDetail', 'text'), f('ProblemElement', 'text'), f('ProblemValue', 'text')]);

const MANDATED_ACTION = shape('MandatedAction', [f('DateEventOccurred', 'date', '1')]);

const BIBLIOGRAPHIC_ITEM_ID = shape('BibliographicItemId', [f('BibliographicItemIdentifier', 'text', '1'), f('BibliographicItemIdentifierCode', 'scheme')]);
const BIBLIOGRAPHIC_RECORD_ID = shape(
  'BibliographicRecordId',
  [f('BibliographicRecordIdentifier', 'text', '1'), f('AgencyId', 'scheme'), f('BibliographicRecordIdentifierCode', 'scheme')],
  [[['agencyId', 'bibliographicRecordIdentifierCode'], 'one']],
);
const BIBLIOGRAPHIC_ID = shape('BibliographicId', [f('BibliographicItemId', BIBLIOGRAPHIC_ITEM_ID), f('BibliographicRecordId', BIBLIOGRAPHIC_RECORD_ID)], [
  [['bibliographicItemId', 'bibliographicRecordId'], 'one'],
]);
const BIBLIOGRAPHIC_DESCRIPTION = shape('BibliographicDescription', [
  f('Author', 'text'),
  f('AuthorOfComponent', 'text'),
  f('BibliographicItemId', BIBLIOGRAPHIC_ITEM_ID),
  many('BibliographicRecordId', BIBLIOGRAPHIC_RECORD_ID),
  f('Edition', 'text'),
  f('Pagination', 'text'),
  f('PlaceOfPublication', 'text'),
  f('PublicationDate', 'text'),
  f('PublicationDateOfComponent', 'text'),
  f('Publisher', 'text'),
  f('SeriesTitleNumber', 'text'),
  f('Title', 'text'),
  f('TitleOfComponent', 'text'),
  f('BibliographicLevel', 'scheme'),
  f('SponsoringBody', 'text'),
  f('ElectronicDataFormatType', 'scheme'),
  f('Language', 'scheme'),
  f('MediumType', 'scheme'),
]);
const ITEM_DESCRIPTION = shape('ItemDescription', [f('CallNumber', 'text'), f('CopyNumber', 'text'), f('ItemDescriptionLevel', 'scheme'), f('NumberOfPieces', 'positive')]);
const LOCATION_NAME_INSTANCE = shape('LocationNameInstance', [f('LocationNameLevel', 'positive', '1'), f('LocationNameValue', 'text', '1')]);
const LOCATION_NAME = shape('LocationName', [many('LocationNameInstance', LOCATION_NAME_INSTANCE, '+')]);
const LOCATION = shape('Location', [f('LocationType', 'scheme', '1'), f('LocationName', LOCATION_NAME, '1'), f('ValidFromDate', 'date'), f('ValidToDate', 'date')]);
export const ITEM_OPTIONAL_FIELDS = shape('ItemOptionalFields', [
  f('BibliographicDescription', BIBLIOGRAPHIC_DESCRIPTION),
  many('ItemUseRestrictionType', 'scheme'),
  f('CirculationStatus', 'scheme'),
  f('HoldQueueLength', 'count'),
  f('ItemDescription', ITEM_DESCRIPTION),
  many('Location', LOCATION),
  f('SecurityMarker', 'scheme'),
  f('SensitizationFlag', 'flag'),
  f('DateDue', 'date'),
]);

const STRUCTURED_PERSONAL_USER_NAME = shape('StructuredPersonalUserName', [
  f('Prefix', 'text'),
  f('GivenName', 'text'),
  f('Initials', 'text'),
  f('Surname', 'text', '1'),
  f('Suffix', 'text'),
]);
const PERSONAL_NAME_INFORMATION = shape(
  'PersonalNameInformation',
  [f('StructuredPersonalUserName', STRUCTURED_PERSONAL_USER_NAME), f('UnstructuredPersonalUserName', 'text')],
  [[['structuredPersonalUserName', 'unstructuredPersonalUserName'], 'at-least-one']],
);
const ORGANIZATION_NAME_INFORMATION = shape('OrganizationNameInformation', [f('OrganizationNameType', 'scheme', '1'), f('OrganizationName', 'text', '1')]);
const NAME_INFORMATION = shape('NameInformation', [f('PersonalNameInformation', PERSONAL_NAME_INFORMATION), many('OrganizationNameInformation', ORGANIZATION_NAME_INFORMATION)], [
  [['personalNameInformation', 'organizationNameInformations'], 'one'],
]);
const ELECTRONIC_ADDRESS = shape('ElectronicAddress', [f('ElectronicAddressType', 'scheme', '1'), f('ElectronicAddressData', 'text', '1')]);
const STRUCTURED_ADDRESS = shape('StructuredAddress', [
  f('LocationWithinBuilding', 'text'),
  f('HouseName', 'text'),
  f('Street', 'text'),
  f('PostOfficeBox', 'text'),
  f('District', 'text'),
  f('Line1', 'text'),
  f('Line2', 'text'),
  f('Locality', 'text'),
  f('Region', 'text'),
  f('Country', 'text'),
  f('PostalCode', 'text'),
  f('CareOf', 'text'),
]);
const UNSTRUCTURED_ADDRESS = shape('UnstructuredAddress', [f('UnstructuredAddressType', 'scheme', '1'), f('UnstructuredAddressData', 'text', '1')]);
const PHYSICAL_ADDRESS = shape(
  'PhysicalAddress',
  [f('StructuredAddress', STRUCTURED_ADDRESS), f('UnstructuredAddress', UNSTRUCTURED_ADDRESS), f('PhysicalAddressType', 'scheme', '1')],
  [[['structuredAddress', 'unstructuredAddress'], 'one']],
);
const USER_ADDRESS_INFORMATION = shape(
  'UserAddressInformation',
  [f('UserAddressRoleType', 'scheme', '1'), f('ValidFromDate', 'date'), f('ValidToDate', 'date'), f('PhysicalAddress', PHYSICAL_ADDRESS), f('ElectronicAddress', ELECTRONIC_ADDRESS)],
  [[['physicalAddress', 'electronicAddress'], 'one']],
);
const USER_PRIVILEGE_STATUS = shape('UserPrivilegeStatus', [f('UserPrivilegeStatusType', 'scheme', '1'), f('DateOfUserPrivilegeStatus', 'date')]);
const USER_PRIVILEGE = shape('UserPrivilege', [
  f('AgencyId', 'scheme', '1'),
  f('AgencyUserPrivilegeType', 'scheme', '1'),
  f('ValidFromDate', 'date'),
  f('ValidToDate', 'date'),
  f('UserPrivilegeStatus', USER_PRIVILEGE_STATUS),
  f('UserPrivilegeDescription', 'text'),
]);
const BLOCK_OR_TRAP = shape('BlockOrTrap', [f('AgencyId', 'scheme', '1'), f('BlockOrTrapType', 'scheme', '1'), f('ValidFromDate', 'date'), f('ValidToDate', 'date')]);
export const USER_OPTIONAL_FIELDS = shape('UserOptionalFields', [
  f('NameInformation', NAME_INFORMATION),
  many('UserAddressInformation', USER_ADDRESS_INFORMATION),
  f('DateOfBirth', 'date'),
  many('UserLanguage', 'scheme'),
  many('UserPrivilege', USER_PRIVILEGE),
  many('BlockOrTrap', BLOCK_OR_TRAP),
  many('UserId', USER_ID),
]);
const PENDING = shape('Pending', [f('DateOfExpectedReply', 'date')]);
const BORROWER = shape('CurrentBorrower', [f('UserId', USER_ID, '1')]);
const ITEM_TRANSACTION = shape('ItemTransaction', [f('CurrentBorrower', BORROWER), many('CurrentRequester', shape('CurrentRequester', [f('UserId', USER_ID, '1')]))]);

// ---------------------------------------------------------------------------------------------
// Services

const initiationHeader = f('InitiationHeader', INITIATION_HEADER);
const responseHeader = f('ResponseHeader', RESPONSE_HEADER);
const mandatedAction = f('MandatedAction', MANDATED_ACTION);
const userId = f('UserId', USER_ID);
const authenticationInputs = many('AuthenticationInput', AUTHENTICATION_INPUT);
const userOrAuthentication = [['userId', 'authenticationInputs'], 'one'] as const;
const itemElementTypes = many('ItemElementType', 'scheme');
const userElementTypes = many('UserElementType', 'scheme');
const itemOptionalFields = f('ItemOptionalFields', ITEM_OPTIONAL_FIELDS);
const userOptionalFields = f('UserOptionalFields', USER_OPTIONAL_FIELDS);
const itemOrRequest = [['requestId', 'itemId'], 'at-least-one'] as const;

export type MessageKind = 'initiation' | 'response';
export interface MessageSpec {
  readonly kind: MessageKind;
  /** The service (initiation element name) this message belongs to. */
  readonly service: string;
  readonly shape: Shape;
}

const initiation = (service: string, fields: Field[], choices?: Shape['choices']): MessageSpec => ({
  kind: 'initiation',
  service,
  shape: shape(service, [initiationHeader, ...fields], choices),
});
const response = (service: string, fields: Field[], choices?: Shape['choices']): MessageSpec => ({
  kind: 'response',
  service,
  shape: shape(`${service}Response`, [responseHeader, ...fields], choices),
});

/** NCIPMessage children this codec models (LookupVersion has its own envelope and is handled apart). */
export const MESSAGE_SPECS = {
  LookupUser: initiation(
    'LookupUser',
    [userId, authenticationInputs, userElementTypes, f('LoanedItemsDesired', 'flag'), f('RequestedItemsDesired', 'flag'), f('UserFiscalAccountDesired', 'flag')],
    [userOrAuthentication],
  ),
  LookupUserResponse: response('LookupUser', [f('UserId', USER_ID, '1'), userOptionalFields]),
  AcceptItem: initiation(
    'AcceptItem',
    [
      mandatedAction,
      f('RequestId', REQUEST_ID, '1'),
      f('RequestedActionType', 'scheme', '1'),
      userId,
      f('ItemId', ITEM_ID),
      f('DateForReturn', 'date'),
      f('IndeterminateLoanPeriodFlag', 'flag'),
      f('NonReturnableFlag', 'flag'),
      f('RenewalNotPermitted', 'flag'),
      itemOptionalFields,
      userOptionalFields,
      f('PickupLocation', 'scheme'),
      f('PickupExpiryDate', 'date'),
    ],
    [[['dateForReturn', 'indeterminateLoanPeriodFlag', 'nonReturnableFlag'], 'at-most-one']],
  ),
  AcceptItemResponse: response('AcceptItem', [f('RequestId', REQUEST_ID, '1'), f('ItemId', ITEM_ID)]),
  CheckOutItem: initiation(
    'CheckOutItem',
    [mandatedAction, userId, authenticationInputs, f('ItemId', ITEM_ID, '1'), f('RequestId', REQUEST_ID), f('DesiredDateDue', 'date'), itemElementTypes, userElementTypes],
    [userOrAuthentication],
  ),
  CheckOutItemResponse: response(
    'CheckOutItem',
    [
      f('ItemId', ITEM_ID, '1'),
      f('UserId', USER_ID, '1'),
      f('DateDue', 'date'),
      f('IndeterminateLoanPeriodFlag', 'flag'),
      f('NonReturnableFlag', 'flag'),
      f('RenewalCount', 'count'),
      itemOptionalFields,
      userOptionalFields,
    ],
    [[['dateDue', 'indeterminateLoanPeriodFlag', 'nonReturnableFlag'], 'one']],
  ),
  CheckInItem: initiation('CheckInItem', [mandatedAction, f('ItemId', ITEM_ID, '1'), itemElementTypes, userElementTypes]),
  CheckInItemResponse: response('CheckInItem', [f('ItemId', ITEM_ID, '1'), userId, itemOptionalFields, userOptionalFields]),
  DeleteItem: initiation('DeleteItem', [mandatedAction, f('ItemId', ITEM_ID, '1')]),
  DeleteItemResponse: response('DeleteItem', [f('ItemId', ITEM_ID, '1')]),
  RequestItem: initiation(
    'RequestItem',
    [
      mandatedAction,
      userId,
      authenticationInputs,
      many('BibliographicId', BIBLIOGRAPHIC_ID),
      many('ItemId', ITEM_ID),
      f('RequestId', REQUEST_ID),
      f('RequestType', 'scheme', '1'),
      f('RequestScopeType', 'scheme', '1'),
      itemOptionalFields,
      f('EarliestDateNeeded', 'date'),
      f('NeedBeforeDate', 'date'),
      f('PickupLocation', 'scheme'),
      f('PickupExpiryDate', 'date'),
      itemElementTypes,
      userElementTypes,
    ],
    [userOrAuthentication, [['bibliographicIds', 'itemIds'], 'at-least-one']],
  ),
  RequestItemResponse: response(
    'RequestItem',
    [
      f('RequestId', REQUEST_ID),
      f('ItemId', ITEM_ID),
      f('UserId', USER_ID, '1'),
      f('RequestType', 'scheme', '1'),
      f('RequestScopeType', 'scheme', '1'),
      f('DateAvailable', 'date'),
      f('HoldPickupDate', 'date'),
      itemOptionalFields,
      userOptionalFields,
    ],
    [itemOrRequest],
  ),
  CancelRequestItem: initiation(
    'CancelRequestItem',
    [
      mandatedAction,
      userId,
      authenticationInputs,
      f('RequestId', REQUEST_ID),
      f('ItemId', ITEM_ID),
      // lib-ncip-client (ReShare mod-rs) never sends RequestType although the schema requires it.
      f('RequestType', 'scheme', '1', undefined, true),
      f('RequestScopeType', 'scheme'),
      itemElementTypes,
      userElementTypes,
    ],
    [userOrAuthentication, itemOrRequest],
  ),
  CancelRequestItemResponse: response('CancelRequestItem', [f('RequestId', REQUEST_ID), f('ItemId', ITEM_ID), f('UserId', USER_ID, '1'), itemOptionalFields, userOptionalFields], [itemOrRequest]),
  RenewItem: initiation(
    'RenewItem',
    [mandatedAction, userId, authenticationInputs, f('ItemId', ITEM_ID, '1'), itemElementTypes, userElementTypes, f('DesiredDateDue', 'date'), f('DesiredDateForReturn', 'date')],
    [userOrAuthentication],
  ),
  RenewItemResponse: response(
    'RenewItem',
    [
      f('Pending', PENDING),
      f('ItemId', ITEM_ID),
      userId,
      f('DateDue', 'date'),
      f('DateForReturn', 'date'),
      f('RenewalCount', 'count'),
      itemOptionalFields,
      userOptionalFields,
    ],
    [[['pending', 'itemId'], 'one']],
  ),
  LookupRequest: initiation(
    'LookupRequest',
    [userId, authenticationInputs, f('ItemId', ITEM_ID), f('RequestType', 'scheme'), f('RequestId', REQUEST_ID), many('RequestElementType', 'scheme'), itemElementTypes, userElementTypes],
    [[['requestId', 'itemId'], 'one']],
  ),
  LookupRequestResponse: response(
    'LookupRequest',
    [
      f('RequestId', REQUEST_ID),
      f('ItemId', ITEM_ID),
      userId,
      f('RequestType', 'scheme'),
      f('RequestScopeType', 'scheme'),
      f('RequestStatusType', 'scheme'),
      f('HoldQueuePosition', 'positive'),
      f('EarliestDateNeeded', 'date'),
      f('NeedBeforeDate', 'date'),
      f('PickupDate', 'date'),
      f('PickupLocation', 'scheme'),
      f('PickupExpiryDate', 'date'),
      f('DateOfUserRequest', 'date'),
      f('DateAvailable', 'date'),
      itemOptionalFields,
      userOptionalFields,
    ],
    [itemOrRequest],
  ),
  LookupItem: initiation(
    'LookupItem',
    [f('ItemId', ITEM_ID), f('RequestId', REQUEST_ID), itemElementTypes, f('CurrentBorrowerDesired', 'flag'), f('CurrentRequestersDesired', 'flag')],
    [[['itemId', 'requestId'], 'one']],
  ),
  LookupItemResponse: response(
    'LookupItem',
    [f('RequestId', REQUEST_ID), f('ItemId', ITEM_ID), f('HoldPickupDate', 'date'), f('DateRecalled', 'date'), f('ItemTransaction', ITEM_TRANSACTION), itemOptionalFields],
    [itemOrRequest],
  ),
} as const satisfies Record<string, MessageSpec>;

export type ModelledMessage = keyof typeof MESSAGE_SPECS;

/** xs:dateTime lexical form (XML Schema 1.0 part 2, 3.2.7), with an optional time zone. */
const XS_DATE_TIME = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?$/;

export function isXsDateTime(text: string): boolean {
  return XS_DATE_TIME.test(text);
}
