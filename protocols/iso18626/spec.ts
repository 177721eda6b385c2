/**
 * The v1.2 element tree as data: for each element, its children in schema order, their simple
 * type and how often they may occur. parse.ts reads with it (any order, by local name) and
 * build.ts writes with it (schema order), so both agree by construction; types.ts says the same
 * in zod for the TypeScript types and the pre-build check, and the round-trip properties hold
 * the two descriptions together.
 */
import type { ErrorType, MessageKind } from './types';
import { ACTIONS, ERROR_TYPES, MESSAGE_STATUSES, REASONS_FOR_MESSAGE, REQUEST_SUB_TYPES, REQUEST_TYPES, SERVICE_TYPES, STATUSES, YES_NO } from './types';

interface Occurs {
  readonly required?: boolean;
  /** Absent: the element occurs at most once and the model holds a value, not an array. */
  readonly max?: number;
}

export type Field =
  | (Occurs & { readonly t: 'text' | 'svp' | 'dateTime' | 'decimal' | 'integer' | 'boolean' })
  | (Occurs & { readonly t: 'enum'; readonly values: readonly string[]; readonly errorType: ErrorType; readonly typeName: string })
  | (Occurs & { readonly t: 'group'; readonly fields: Fields })
  /** Exactly one of `fields` (address). */
  | (Occurs & { readonly t: 'choice'; readonly fields: Fields });

/** Key order is schema order. */
export type Fields = Readonly<Record<string, Field>>;

const REQUIRED = { required: true } as const;
const text = { t: 'text' } as const;
const textReq = { t: 'text', ...REQUIRED } as const;
const svp = { t: 'svp' } as const;
const svpReq = { t: 'svp', ...REQUIRED } as const;
const dateTime = { t: 'dateTime' } as const;
const dateTimeReq = { t: 'dateTime', ...REQUIRED } as const;
const integer = { t: 'integer' } as const;
const group = (fields: Fields, occurs: Occurs = {}): Field => ({ t: 'group', fields, ...occurs });
const closed = (typeName: string, values: readonly string[], occurs: Occurs = {}, errorType: ErrorType = 'UnrecognisedDataValue'): Field => ({
  t: 'enum',
  values,
  errorType,
  typeName,
  ...occurs,
});
const UNBOUNDED = Number.POSITIVE_INFINITY;

const agencyId: Fields = { agencyIdType: svpReq, agencyIdValue: textReq };
const costs: Fields = { currencyCode: svpReq, monetaryValue: { t: 'decimal', ...REQUIRED } };

const physicalAddress: Fields = { line1: text, line2: text, locality: text, postalCode: text, region: svp, country: svp };
const address: Fields = {
  electronicAddress: group({ electronicAddressType: svpReq, electronicAddressData: textReq }),
  physicalAddress: group(physicalAddress),
};
const addressField = (occurs: Occurs = {}): Field => ({ t: 'choice', fields: address, ...occurs });

const header: Fields = {
  supplyingAgencyId: group(agencyId, REQUIRED),
  requestingAgencyId: group(agencyId, REQUIRED),
  // Required by v1.2 but absent from mod-rs fixtures and 2021 SAM/RAM headers: shims.ts.
  multipleItemRequestId: text,
  timestamp: dateTimeReq,
  requestingAgencyRequestId: textReq,
  supplyingAgencyRequestId: text,
  requestingAgencyAuthentication: group({ accountId: text, securityCode: text }),
};

const confirmationHeader: Fields = {
  supplyingAgencyId: group(agencyId),
  requestingAgencyId: group(agencyId),
  timestamp: dateTimeReq,
  requestingAgencyRequestId: text,
  multipleItemRequestId: text,
  timestampReceived: dateTimeReq,
  messageStatus: closed('type_messageStatus', MESSAGE_STATUSES, REQUIRED),
};

const errorData = group({ errorType: closed('type_errorType', ERROR_TYPES, REQUIRED), errorValue: text });

const bibliographicRecordId: Fields = { bibliographicRecordIdentifierCode: svpReq, bibliographicRecordIdentifier: textReq };

const request: Fields = {
  header: group(header, REQUIRED),
  bibliographicInfo: group(
    {
      supplierUniqueRecordId: text,
      title: text,
      author: text,
      subtitle: text,
      seriesTitle: text,
      edition: text,
      titleOfComponent: text,
      authorOfComponent: text,
      volume: text,
      issue: text,
      pagesRequested: text,
      estimatedNoPages: text,
      bibliographicItemId: group({ bibliographicItemIdentifier: textReq, bibliographicItemIdentifierCode: svpReq }, { max: UNBOUNDED }),
      sponsor: text,
      informationSource: text,
      bibliographicRecordId: group(bibliographicRecordId, { max: UNBOUNDED }),
    },
    REQUIRED,
  ),
  publicationInfo: group({ publisher: text, publicationType: svp, publicationDate: text, placeOfPublication: text }),
  serviceInfo: group({
    requestType: closed('type_requestType', REQUEST_TYPES),
    requestSubType: closed('type_requestSubType', REQUEST_SUB_TYPES, { max: 3 }),
    requestingAgencyPreviousRequestId: text,
    serviceType: closed('type_serviceType', SERVICE_TYPES, REQUIRED),
    serviceLevel: svp,
    preferredFormat: svp,
    needBeforeDate: dateTime,
    copyrightCompliance: svp,
    anyEdition: closed('type_yesNo', YES_NO),
    startDate: dateTime,
    endDate: dateTime,
    note: text,
  }),
  supplierInfo: group(
    {
      sortOrder: integer,
      supplierCode: group(agencyId),
      supplierDescription: text,
      bibliographicRecordId: group(bibliographicRecordId),
      callNumber: text,
      summaryHoldings: text,
      availabilityNote: text,
    },
    { max: UNBOUNDED },
  ),
  requestedDeliveryInfo: group({ sortOrder: integer, address: addressField() }, { max: UNBOUNDED }),
  requestingAgencyInfo: group({ name: text, contactName: text, address: addressField({ max: UNBOUNDED }) }),
  patronInfo: group({
    patronId: text,
    surname: text,
    givenName: text,
    patronType: svp,
    sendToPatron: closed('type_yesNo', YES_NO),
    address: addressField({ max: UNBOUNDED }),
  }),
  billingInfo: group({ paymentMethod: svp, maximumCosts: group(costs), billingMethod: svp, billingName: text, address: addressField() }),
};

/** Alma/Rapido send it empty; ReShare sends RequestReceived on Notifications (shims.ts). */
export const STATUS_FIELD: Field = closed('type_status', STATUSES, REQUIRED);

const supplyingAgencyMessage: Fields = {
  header: group(header, REQUIRED),
  messageInfo: group(
    {
      reasonForMessage: closed('type_reasonForMessage', REASONS_FOR_MESSAGE, REQUIRED, 'UnsupportedReasonForMessageType'),
      answerYesNo: closed('type_yesNo', YES_NO),
      note: text,
      reasonUnfilled: svp,
      reasonRetry: svp,
      offeredCosts: group(costs),
      retryAfter: dateTime,
      retryBefore: dateTime,
    },
    REQUIRED,
  ),
  statusInfo: group({ status: STATUS_FIELD, expectedDeliveryDate: dateTime, dueDate: dateTime, lastChange: dateTimeReq }, REQUIRED),
  deliveryInfo: group({
    dateSent: dateTimeReq,
    itemId: text,
    sentVia: svp,
    sentToPatron: { t: 'boolean' },
    loanCondition: svp,
    deliveredFormat: svp,
    deliveryCosts: group(costs),
  }),
  returnInfo: group({ returnAgencyId: group(agencyId), name: text, physicalAddress: group(physicalAddress) }),
};

export const MESSAGE_FIELDS: Readonly<Record<MessageKind, Fields>> = {
  request,
  requestConfirmation: { confirmationHeader: group(confirmationHeader, REQUIRED), errorData },
  supplyingAgencyMessage,
  supplyingAgencyMessageConfirmation: {
    confirmationHeader: group(confirmationHeader, REQUIRED),
    reasonForMessage: closed('type_reasonForMessage', REASONS_FOR_MESSAGE, {}, 'UnsupportedReasonForMessageType'),
    errorData,
  },
  requestingAgencyMessage: {
    header: group(header, REQUIRED),
    action: closed('type_action', ACTIONS, REQUIRED, 'UnsupportedActionType'),
    note: text,
  },
  requestingAgencyMessageConfirmation: {
    confirmationHeader: group(confirmationHeader, REQUIRED),
    action: closed('type_action', ACTIONS, {}, 'UnsupportedActionType'),
    errorData,
  },
};
