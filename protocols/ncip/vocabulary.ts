/**
 * Closed vocabularies of NCIP 2.02. Values and schemes are the standard ones (Z39.83-1-2012 imp1
 * schemes, as enumerated by OCLC circill-toolkit `service/ncip/.../Version1*.java`); real systems
 * add their own values (noted per table), so parse never rejects an unknown value.
 */
import type { SchemeValue } from './types';

const IMP1 = 'http://www.niso.org/ncip/v1_0/imp1/schemes';

/** The services this codec models (initiation element names). */
export const NCIP_SERVICES = [
  'LookupVersion',
  'LookupUser',
  'LookupItem',
  'AcceptItem',
  'CheckOutItem',
  'CheckInItem',
  'DeleteItem',
  'RequestItem',
  'CancelRequestItem',
  'RenewItem',
  'LookupRequest',
] as const;
export type NcipService = (typeof NCIP_SERVICES)[number];

/**
 * Every initiation in the choice of `NCIPMessage` (ncip_v2_02.xsd), so that a well-formed service we
 * do not model is answered "Unsupported Service" rather than "Unknown Service".
 */
export const NCIP_2_02_SERVICES = [
  'AcceptItem', 'AgencyCreated', 'AgencyUpdated', 'CancelRecallItem', 'CancelRequestItem', 'CheckInItem',
  'CheckOutItem', 'CirculationStatusChangeReported', 'CirculationStatusUpdated', 'CreateAgency', 'CreateItem',
  'CreateUser', 'CreateUserFiscalTransaction', 'DeleteItem', 'DeleteUser', 'ItemCheckedIn', 'ItemCheckedOut',
  'ItemCreated', 'ItemRecallCancelled', 'ItemRecalled', 'ItemReceived', 'ItemRenewed', 'ItemRequestCancelled',
  'ItemRequestUpdated', 'ItemRequested', 'ItemShipped', 'ItemUpdated', 'LookupAgency', 'LookupItem', 'LookupItemSet',
  'LookupRequest', 'LookupUser', 'RecallItem', 'RenewItem', 'ReportCirculationStatusChange', 'RequestItem',
  'SendUserNotice', 'UndoCheckOutItem', 'UpdateAgency', 'UpdateCirculationStatus', 'UpdateItem', 'UpdateRequestItem',
  'UpdateUser', 'UserCreated', 'UserFiscalTransactionCreated', 'UserNoticeSent', 'UserUpdated',
] as const;

/** Scheme URIs of the imp1 value lists below. */
export const SCHEMES = {
  requestType: `${IMP1}/requesttype/requesttype.scm`,
  requestScopeType: `${IMP1}/requestscopetype/requestscopetype.scm`,
  requestedActionType: `${IMP1}/requestedactiontype/requestedactiontype.scm`,
  userIdentifierType: `${IMP1}/visibleuseridentifiertype/visibleuseridentifiertype.scm`,
  itemIdentifierType: `${IMP1}/visibleitemidentifiertype/visibleitemidentifiertype.scm`,
  circulationStatus: `${IMP1}/circulationstatus/circulationstatus.scm`,
  requestStatusType: `${IMP1}/requeststatustype/requeststatustype.scm`,
  userElementType: 'http://www.niso.org/ncip/v1_0/schemes/userelementtype/userelementtype.scm',
  itemElementType: 'http://www.niso.org/ncip/v1_0/schemes/itemelementtype/itemelementtype.scm',
  authenticationInputType: `${IMP1}/authenticationinputtype/authenticationinputtype.scm`,
} as const;

/** RequestType. Real systems also use "Page" (FOLIO) and "Hold" for everything (Sierra). */
export const REQUEST_TYPES = ['Estimate', 'Hold', 'Loan', 'Non-returnable Copy', 'Stack Retrieval'] as const;
/** RequestScopeType. Real systems also use "Title" (Sierra; FOLIO with useTitle). */
export const REQUEST_SCOPE_TYPES = ['Bibliographic Item', 'Item'] as const;
export const REQUESTED_ACTION_TYPES = ['Circulate', 'Circulate And Notify', 'Hold For Pickup', 'Hold For Pickup And Notify'] as const;
export const USER_IDENTIFIER_TYPES = ['Barcode', 'Institution Id Number'] as const;
export const ITEM_IDENTIFIER_TYPES = ['Accession Number', 'Barcode'] as const;
export const CIRCULATION_STATUSES = [
  'Available For Pickup', 'Available On Shelf', 'Circulation Status Undefined', 'Claimed Returned Or Never Borrowed',
  'In Process', 'In Transit Between Library Locations', 'Lost', 'Missing', 'Not Available', 'On Loan', 'On Order',
  'Pending Transfer', 'Recalled', 'Waiting To Be Reshelved',
] as const;
/** RequestStatusType (Version1RequestStatusType.java). */
export const REQUEST_STATUS_TYPES = ['Available For Pickup', 'Cannot Fulfill Request', 'Expired', 'In Process'] as const;
export const USER_ELEMENT_TYPES = [
  'Authentication Input', 'Block Or Trap', 'Date Of Birth', 'Name Information', 'Previous User Id(s)',
  'User Address Information', 'User Id', 'User Language', 'User Privilege',
] as const;
export const ITEM_ELEMENT_TYPES = [
  'Bibliographic Description', 'Circulation Status', 'Electronic Resource', 'Hold Queue Length', 'Item Description',
  'Item Use Restriction Type', 'Location', 'Physical Condition', 'Security Marker', 'Sensitization Flag',
] as const;

/** A standard value with its scheme, for emitting. */
export function schemeValue(scheme: keyof typeof SCHEMES, value: string): SchemeValue {
  return { value, scheme: SCHEMES[scheme] };
}
