/**
 * Typed NCIP 2.02 messages. Property names are the schema's element names in camelCase
 * (`RequestIdentifierValue` -> `requestIdentifierValue`), plural for repeated elements, so a
 * reader of Z39.83 finds everything where the standard puts it. Dates are the xs:dateTime text
 * as sent (`2024-05-01T12:00:00Z`): parse never reinterprets them; build checks their form.
 *
 * Response success fields are optional because a response carries either `problems` or them
 * (never both), and because real ILS answers leave out parts the schema requires.
 */

export const NCIP_NAMESPACE = 'http://www.niso.org/2008/ncip';
/** The `version` attribute we emit (free text in the schema; peers send many variants). */
export const NCIP_VERSION = 'http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd';
/** LookupVersion's own no-namespace schema (`ncip_version.xsd`). */
export const NCIP_VERSION_MESSAGE_VERSION = 'http://www.niso.org/ncip/v1_0/imp1/xsd/ncip_version.xsd';

/** Every `*Type`, `AgencyId`, `PickupLocation`, `ProblemType`: text plus an optional Scheme. */
export interface SchemeValue {
  readonly value: string;
  readonly scheme?: string;
}

export interface UserId {
  readonly agencyId?: SchemeValue;
  readonly userIdentifierType?: SchemeValue;
  readonly userIdentifierValue: string;
}

export interface ItemId {
  readonly agencyId?: SchemeValue;
  readonly itemIdentifierType?: SchemeValue;
  readonly itemIdentifierValue: string;
}

export interface RequestId {
  readonly agencyId?: SchemeValue;
  readonly requestIdentifierType?: SchemeValue;
  readonly requestIdentifierValue: string;
}

export interface AuthenticationInput {
  readonly authenticationInputData: string;
  readonly authenticationDataFormatType: SchemeValue;
  readonly authenticationInputType: SchemeValue;
}

export interface InitiationHeader {
  readonly fromSystemId?: SchemeValue;
  readonly fromSystemAuthentication?: string;
  /** `<FromAgencyId><AgencyId>` flattened. */
  readonly fromAgencyId: SchemeValue;
  readonly fromAgencyAuthentication?: string;
  readonly onBehalfOfAgency?: SchemeValue;
  readonly toSystemId?: SchemeValue;
  readonly toAgencyId: SchemeValue;
  readonly applicationProfileType?: SchemeValue;
}

export interface ResponseHeader {
  readonly fromSystemId?: SchemeValue;
  readonly fromSystemAuthentication?: string;
  readonly fromAgencyId: SchemeValue;
  readonly fromAgencyAuthentication?: string;
  readonly toSystemId?: SchemeValue;
  readonly toAgencyId: SchemeValue;
}

export interface Problem {
  readonly problemType: SchemeValue;
  readonly problemDetail?: string;
  readonly problemElement?: string;
  readonly problemValue?: string;
}

export interface MandatedAction {
  readonly dateEventOccurred: string;
}

export interface BibliographicItemId {
  readonly bibliographicItemIdentifier: string;
  readonly bibliographicItemIdentifierCode?: SchemeValue;
}

/** Either `agencyId` or `bibliographicRecordIdentifierCode`, not both. */
export interface BibliographicRecordId {
  readonly bibliographicRecordIdentifier: string;
  readonly agencyId?: SchemeValue;
  readonly bibliographicRecordIdentifierCode?: SchemeValue;
}

/** Exactly one of the two. */
export interface BibliographicId {
  readonly bibliographicItemId?: BibliographicItemId;
  readonly bibliographicRecordId?: BibliographicRecordId;
}

export interface BibliographicDescription {
  readonly author?: string;
  readonly authorOfComponent?: string;
  readonly bibliographicItemId?: BibliographicItemId;
  readonly bibliographicRecordIds?: readonly BibliographicRecordId[];
  readonly edition?: string;
  readonly pagination?: string;
  readonly placeOfPublication?: string;
  readonly publicationDate?: string;
  readonly publicationDateOfComponent?: string;
  readonly publisher?: string;
  readonly seriesTitleNumber?: string;
  readonly title?: string;
  readonly titleOfComponent?: string;
  readonly bibliographicLevel?: SchemeValue;
  readonly sponsoringBody?: string;
  readonly electronicDataFormatType?: SchemeValue;
  readonly language?: SchemeValue;
  readonly mediumType?: SchemeValue;
}

export interface ItemDescription {
  readonly callNumber?: string;
  readonly copyNumber?: string;
  readonly itemDescriptionLevel?: SchemeValue;
  readonly numberOfPieces?: number;
}

export interface LocationNameInstance {
  readonly locationNameLevel: number;
  readonly locationNameValue: string;
}

export interface Location {
  readonly locationType: SchemeValue;
  readonly locationName: { readonly locationNameInstances: readonly LocationNameInstance[] };
  readonly validFromDate?: string;
  readonly validToDate?: string;
}

export interface ItemOptionalFields {
  readonly bibliographicDescription?: BibliographicDescription;
  readonly itemUseRestrictionTypes?: readonly SchemeValue[];
  readonly circulationStatus?: SchemeValue;
  readonly holdQueueLength?: number;
  readonly itemDescription?: ItemDescription;
  readonly locations?: readonly Location[];
  readonly securityMarker?: SchemeValue;
  readonly sensitizationFlag?: boolean;
  readonly dateDue?: string;
}

export interface StructuredPersonalUserName {
  readonly prefix?: string;
  readonly givenName?: string;
  readonly initials?: string;
  readonly surname: string;
  readonly suffix?: string;
}

/** At least one of the two. */
export interface PersonalNameInformation {
  readonly structuredPersonalUserName?: StructuredPersonalUserName;
  readonly unstructuredPersonalUserName?: string;
}

export interface OrganizationNameInformation {
  readonly organizationNameType: SchemeValue;
  readonly organizationName: string;
}

/** Either personal or organisation names. */
export interface NameInformation {
  readonly personalNameInformation?: PersonalNameInformation;
  readonly organizationNameInformations?: readonly OrganizationNameInformation[];
}

export interface ElectronicAddress {
  readonly electronicAddressType: SchemeValue;
  readonly electronicAddressData: string;
}

/** Fields in schema order; the schema allows only some combinations (e.g. Street needs no District). */
export interface StructuredAddress {
  readonly locationWithinBuilding?: string;
  readonly houseName?: string;
  readonly street?: string;
  readonly postOfficeBox?: string;
  readonly district?: string;
  readonly line1?: string;
  readonly line2?: string;
  readonly locality?: string;
  readonly region?: string;
  readonly country?: string;
  readonly postalCode?: string;
  readonly careOf?: string;
}

export interface UnstructuredAddress {
  readonly unstructuredAddressType: SchemeValue;
  readonly unstructuredAddressData: string;
}

/** Exactly one of structured / unstructured. */
export interface PhysicalAddress {
  readonly structuredAddress?: StructuredAddress;
  readonly unstructuredAddress?: UnstructuredAddress;
  readonly physicalAddressType: SchemeValue;
}

/** Exactly one of physical / electronic. */
export interface UserAddressInformation {
  readonly userAddressRoleType: SchemeValue;
  readonly validFromDate?: string;
  readonly validToDate?: string;
  readonly physicalAddress?: PhysicalAddress;
  readonly electronicAddress?: ElectronicAddress;
}

export interface UserPrivilegeStatus {
  readonly userPrivilegeStatusType: SchemeValue;
  readonly dateOfUserPrivilegeStatus?: string;
}

export interface UserPrivilege {
  readonly agencyId: SchemeValue;
  readonly agencyUserPrivilegeType: SchemeValue;
  readonly validFromDate?: string;
  readonly validToDate?: string;
  readonly userPrivilegeStatus?: UserPrivilegeStatus;
  readonly userPrivilegeDescription?: string;
}

export interface BlockOrTrap {
  readonly agencyId: SchemeValue;
  readonly blockOrTrapType: SchemeValue;
  readonly validFromDate?: string;
  readonly validToDate?: string;
}

export interface UserOptionalFields {
  readonly nameInformation?: NameInformation;
  readonly userAddressInformations?: readonly UserAddressInformation[];
  readonly dateOfBirth?: string;
  readonly userLanguages?: readonly SchemeValue[];
  readonly userPrivileges?: readonly UserPrivilege[];
  readonly blockOrTraps?: readonly BlockOrTrap[];
  readonly userIds?: readonly UserId[];
}

export interface Pending {
  readonly dateOfExpectedReply?: string;
}

export interface ItemTransaction {
  readonly currentBorrower?: { readonly userId: UserId };
  readonly currentRequesters?: readonly { readonly userId: UserId }[];
}

// ---------------------------------------------------------------------------------------------
// Services. `userId` and `authenticationInputs` are an XSD choice: give one (parse accepts both,
// as mod-ncip's clients send both).

interface Initiation {
  readonly initiationHeader?: InitiationHeader;
}
interface Response {
  readonly responseHeader?: ResponseHeader;
  /** Present (non-empty) on failure; then no success field is. */
  readonly problems?: readonly Problem[];
}

export interface LookupUser extends Initiation {
  readonly userId?: UserId;
  readonly authenticationInputs?: readonly AuthenticationInput[];
  readonly userElementTypes?: readonly SchemeValue[];
  readonly loanedItemsDesired?: boolean;
  readonly requestedItemsDesired?: boolean;
  readonly userFiscalAccountDesired?: boolean;
}
export interface LookupUserResponse extends Response {
  readonly userId?: UserId;
  readonly userOptionalFields?: UserOptionalFields;
}

export interface AcceptItem extends Initiation {
  readonly mandatedAction?: MandatedAction;
  readonly requestId: RequestId;
  readonly requestedActionType: SchemeValue;
  readonly userId?: UserId;
  readonly itemId?: ItemId;
  /** At most one of dateForReturn / indeterminateLoanPeriodFlag / nonReturnableFlag. */
  readonly dateForReturn?: string;
  readonly indeterminateLoanPeriodFlag?: boolean;
  readonly nonReturnableFlag?: boolean;
  readonly renewalNotPermitted?: boolean;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly userOptionalFields?: UserOptionalFields;
  readonly pickupLocation?: SchemeValue;
  readonly pickupExpiryDate?: string;
}
export interface AcceptItemResponse extends Response {
  readonly requestId?: RequestId;
  readonly itemId?: ItemId;
}

export interface CheckOutItem extends Initiation {
  readonly mandatedAction?: MandatedAction;
  readonly userId?: UserId;
  readonly authenticationInputs?: readonly AuthenticationInput[];
  readonly itemId: ItemId;
  readonly requestId?: RequestId;
  readonly desiredDateDue?: string;
  readonly itemElementTypes?: readonly SchemeValue[];
  readonly userElementTypes?: readonly SchemeValue[];
}
export interface CheckOutItemResponse extends Response {
  readonly itemId?: ItemId;
  readonly userId?: UserId;
  /** On success exactly one of dateDue / indeterminateLoanPeriodFlag / nonReturnableFlag. */
  readonly dateDue?: string;
  readonly indeterminateLoanPeriodFlag?: boolean;
  readonly nonReturnableFlag?: boolean;
  readonly renewalCount?: number;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly userOptionalFields?: UserOptionalFields;
}

export interface CheckInItem extends Initiation {
  readonly mandatedAction?: MandatedAction;
  readonly itemId: ItemId;
  readonly itemElementTypes?: readonly SchemeValue[];
  readonly userElementTypes?: readonly SchemeValue[];
}
export interface CheckInItemResponse extends Response {
  readonly itemId?: ItemId;
  readonly userId?: UserId;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly userOptionalFields?: UserOptionalFields;
}

export interface DeleteItem extends Initiation {
  readonly mandatedAction?: MandatedAction;
  readonly itemId: ItemId;
}
export interface DeleteItemResponse extends Response {
  readonly itemId?: ItemId;
}

export interface RequestItem extends Initiation {
  readonly mandatedAction?: MandatedAction;
  readonly userId?: UserId;
  readonly authenticationInputs?: readonly AuthenticationInput[];
  /** At least one bibliographicId or itemId. */
  readonly bibliographicIds?: readonly BibliographicId[];
  readonly itemIds?: readonly ItemId[];
  readonly requestId?: RequestId;
  readonly requestType: SchemeValue;
  readonly requestScopeType: SchemeValue;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly earliestDateNeeded?: string;
  readonly needBeforeDate?: string;
  readonly pickupLocation?: SchemeValue;
  readonly pickupExpiryDate?: string;
  readonly itemElementTypes?: readonly SchemeValue[];
  readonly userElementTypes?: readonly SchemeValue[];
}
export interface RequestItemResponse extends Response {
  /** On success: itemId, or requestId with an optional itemId. */
  readonly requestId?: RequestId;
  readonly itemId?: ItemId;
  readonly userId?: UserId;
  readonly requestType?: SchemeValue;
  readonly requestScopeType?: SchemeValue;
  readonly dateAvailable?: string;
  readonly holdPickupDate?: string;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly userOptionalFields?: UserOptionalFields;
}

export interface CancelRequestItem extends Initiation {
  readonly mandatedAction?: MandatedAction;
  readonly userId?: UserId;
  readonly authenticationInputs?: readonly AuthenticationInput[];
  /** itemId, or requestId with an optional itemId. */
  readonly requestId?: RequestId;
  readonly itemId?: ItemId;
  /** Required by the schema (build insists); parse tolerates its absence (lib-ncip-client never sends it). */
  readonly requestType?: SchemeValue;
  readonly requestScopeType?: SchemeValue;
  readonly itemElementTypes?: readonly SchemeValue[];
  readonly userElementTypes?: readonly SchemeValue[];
}
export interface CancelRequestItemResponse extends Response {
  readonly requestId?: RequestId;
  readonly itemId?: ItemId;
  readonly userId?: UserId;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly userOptionalFields?: UserOptionalFields;
}

export interface RenewItem extends Initiation {
  readonly mandatedAction?: MandatedAction;
  readonly userId?: UserId;
  readonly authenticationInputs?: readonly AuthenticationInput[];
  readonly itemId: ItemId;
  readonly itemElementTypes?: readonly SchemeValue[];
  readonly userElementTypes?: readonly SchemeValue[];
  readonly desiredDateDue?: string;
  readonly desiredDateForReturn?: string;
}
export interface RenewItemResponse extends Response {
  /** The renewal awaits a decision; then no other success field. */
  readonly pending?: Pending;
  readonly itemId?: ItemId;
  readonly userId?: UserId;
  readonly dateDue?: string;
  readonly dateForReturn?: string;
  readonly renewalCount?: number;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly userOptionalFields?: UserOptionalFields;
}

export interface LookupRequest extends Initiation {
  /** Either requestId alone, or (userId | authenticationInputs) + itemId + requestType. */
  readonly userId?: UserId;
  readonly authenticationInputs?: readonly AuthenticationInput[];
  readonly itemId?: ItemId;
  readonly requestType?: SchemeValue;
  readonly requestId?: RequestId;
  readonly requestElementTypes?: readonly SchemeValue[];
  readonly itemElementTypes?: readonly SchemeValue[];
  readonly userElementTypes?: readonly SchemeValue[];
}
export interface LookupRequestResponse extends Response {
  readonly requestId?: RequestId;
  readonly itemId?: ItemId;
  readonly userId?: UserId;
  readonly requestType?: SchemeValue;
  readonly requestScopeType?: SchemeValue;
  readonly requestStatusType?: SchemeValue;
  readonly holdQueuePosition?: number;
  readonly earliestDateNeeded?: string;
  readonly needBeforeDate?: string;
  readonly pickupDate?: string;
  readonly pickupLocation?: SchemeValue;
  readonly pickupExpiryDate?: string;
  readonly dateOfUserRequest?: string;
  readonly dateAvailable?: string;
  readonly itemOptionalFields?: ItemOptionalFields;
  readonly userOptionalFields?: UserOptionalFields;
}

export interface LookupItem extends Initiation {
  /** Exactly one of itemId / requestId. */
  readonly itemId?: ItemId;
  readonly requestId?: RequestId;
  readonly itemElementTypes?: readonly SchemeValue[];
  readonly currentBorrowerDesired?: boolean;
  readonly currentRequestersDesired?: boolean;
}
export interface LookupItemResponse extends Response {
  readonly requestId?: RequestId;
  readonly itemId?: ItemId;
  readonly holdPickupDate?: string;
  readonly dateRecalled?: string;
  readonly itemTransaction?: ItemTransaction;
  readonly itemOptionalFields?: ItemOptionalFields;
}

/** LookupVersion lives in its own no-namespace schema, with NCIP 1-style `UniqueAgencyId{Scheme, Value}`. */
export interface LookupVersion {
  readonly fromAgencyId: SchemeValue;
  readonly toAgencyId: SchemeValue;
}
export interface LookupVersionResponse {
  readonly fromAgencyId: SchemeValue;
  readonly toAgencyId: SchemeValue;
  readonly versionSupported: readonly string[];
  readonly serviceSupported?: readonly string[];
}

/** Every message the codec models, by its element name. */
export interface NcipMessageBodies {
  LookupUser: LookupUser;
  LookupUserResponse: LookupUserResponse;
  AcceptItem: AcceptItem;
  AcceptItemResponse: AcceptItemResponse;
  CheckOutItem: CheckOutItem;
  CheckOutItemResponse: CheckOutItemResponse;
  CheckInItem: CheckInItem;
  CheckInItemResponse: CheckInItemResponse;
  DeleteItem: DeleteItem;
  DeleteItemResponse: DeleteItemResponse;
  RequestItem: RequestItem;
  RequestItemResponse: RequestItemResponse;
  CancelRequestItem: CancelRequestItem;
  CancelRequestItemResponse: CancelRequestItemResponse;
  RenewItem: RenewItem;
  RenewItemResponse: RenewItemResponse;
  LookupRequest: LookupRequest;
  LookupRequestResponse: LookupRequestResponse;
  LookupItem: LookupItem;
  LookupItemResponse: LookupItemResponse;
  LookupVersion: LookupVersion;
  LookupVersionResponse: LookupVersionResponse;
  /** NCIPMessage holding Problem elements instead of a service (the service could not be determined). */
  Problem: { readonly problems: readonly Problem[] };
}

export type NcipMessageType = keyof NcipMessageBodies;

/** A whole message: `{ messageType: 'AcceptItem', version, ...fields }`. `version` is the root attribute as sent. */
export type NcipMessage = {
  [K in NcipMessageType]: { readonly messageType: K; readonly version?: string } & NcipMessageBodies[K];
}[NcipMessageType];

export type NcipMessageOf<K extends NcipMessageType> = Extract<NcipMessage, { messageType: K }>;
