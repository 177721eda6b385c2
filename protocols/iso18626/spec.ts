/**
 * The element trees as data: for each element, its children in schema order, their simple type
 * and how often they may occur. There are two trees, one per schema the writer speaks:
 * `MESSAGE_FIELDS` (ISO18626-v1_2.xsd) and `MESSAGE_FIELDS_2021` (ISO-18626-2021-2.xsd).
 * The model is the v1.2 one (plus the 2021 `retryInfo`/`shippingInfo` parts); where a 2021
 * element holds a model value under another name or in another place, its field says so
 * (`model`, `from`), so build.ts needs no version branches.
 *
 * parse.ts reads with `READ_FIELDS` (the v1.2 tree plus the 2021 parts the model carries; any
 * order, by local name) and build.ts writes with the tree of the version asked for (schema
 * order), so both agree by construction; types.ts says the same in zod for the TypeScript
 * types and the pre-build check, and the round-trip properties hold the descriptions together.
 */
import type { ErrorType, MessageKind } from './types';
import { ACTIONS, ERROR_TYPES, MESSAGE_STATUSES, REASONS_FOR_MESSAGE, REQUEST_SUB_TYPES, REQUEST_TYPES, SERVICE_TYPES, STATUSES, YES_NO } from './types';

/** The schemas the writer speaks; the reader reads both (and tells them apart by structure). */
export const PROTOCOL_VERSIONS = ['1.2', '2021'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

interface Occurs {
  readonly required?: boolean;
  /** Absent: the element occurs at most once and the model holds a value, not an array. */
  readonly max?: number;
  /** The model key this element's value is under, when it is not the element's own name (2021 renames). */
  readonly model?: string;
  /**
   * Where in the message the value lives, when the element moved between versions (2021
   * `retryInfo/offeredCosts` is v1.2 `messageInfo/offeredCosts`). A repeated element fed from
   * a single model value is written once; read, its first occurrence goes back there.
   */
  readonly from?: readonly [string, string];
  /** Written even when empty (the v1.2 header's `multipleItemRequestId`). */
  readonly alwaysWritten?: boolean;
}

export type Field =
  | (Occurs & { readonly t: 'text' | 'dateTime' | 'decimal' | 'boolean' })
  /** `schemeless`: a plain string in this schema (2021 `region`); the model's scheme is not written. */
  | (Occurs & { readonly t: 'svp'; readonly schemeless?: boolean })
  /** `min`: the lowest value the schema allows (2021 `sortOrder` is non-negative). */
  | (Occurs & { readonly t: 'integer'; readonly min?: number })
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
  // Required, may be empty (NOTES §7.1): written empty when the model has none.
  multipleItemRequestId: { t: 'text', alwaysWritten: true },
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

// ---------------------------------------------------------------------------------------------
// ISO 18626:2021 (ISO-18626-2021-2.xsd): same namespace, message-specific headers, renamed and
// moved elements. 2021-only elements the model does not carry (consortialId, authorId, URL,
// preferredEdition, requestedDeliveryInfo/deliveryMethod, ...) are left out: nothing would fill them.

const costsList: Field = group(costs, { max: UNBOUNDED });
const svpList = { t: 'svp', max: UNBOUNDED } as const;
const textList = { t: 'text', max: UNBOUNDED } as const;
const sortOrder2021 = { t: 'integer', min: 0 } as const;

const physicalAddress2021: Fields = { ...physicalAddress, region: { t: 'svp', schemeless: true } };
const address2021: Fields = { ...address, physicalAddress: group(physicalAddress2021) };
const addressField2021 = (occurs: Occurs = {}): Field => ({ t: 'choice', fields: address2021, ...occurs });
const authentication: Field = group({ accountId: text, securityCode: text });

/** type_requestHeader: no supplyingAgencyRequestId; multipleItemRequestId optional. */
const requestHeader2021: Fields = {
  supplyingAgencyId: group(agencyId),
  requestingAgencyId: group(agencyId, REQUIRED),
  multipleItemRequestId: text,
  timestamp: dateTimeReq,
  requestingAgencyRequestId: textReq,
  requestingAgencyAuthentication: authentication,
};

/** type_supplyingAgencyMessageHeader: no multipleItemRequestId, no authentication. */
const supplyingAgencyMessageHeader2021: Fields = {
  supplyingAgencyId: group(agencyId, REQUIRED),
  requestingAgencyId: group(agencyId, REQUIRED),
  timestamp: dateTimeReq,
  requestingAgencyRequestId: textReq,
  supplyingAgencyRequestId: text,
};

/** type_requestingAgencyMessageHeader: no multipleItemRequestId. */
const requestingAgencyMessageHeader2021: Fields = {
  supplyingAgencyId: group(agencyId, REQUIRED),
  requestingAgencyId: group(agencyId, REQUIRED),
  timestamp: dateTimeReq,
  requestingAgencyRequestId: textReq,
  supplyingAgencyRequestId: text,
  requestingAgencyAuthentication: authentication,
};

/** No multipleItemRequestId. */
const confirmationHeader2021: Fields = {
  supplyingAgencyId: group(agencyId),
  requestingAgencyId: group(agencyId),
  timestamp: dateTimeReq,
  requestingAgencyRequestId: text,
  timestampReceived: dateTimeReq,
  messageStatus: closed('type_messageStatus', MESSAGE_STATUSES, REQUIRED),
};

const request2021: Fields = {
  header: group(requestHeader2021, REQUIRED),
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
      // 2021 puts the code first.
      bibliographicItemId: group({ bibliographicItemIdentifierCode: svpReq, bibliographicItemIdentifier: textReq }, { max: UNBOUNDED }),
      sponsor: text,
      informationSource: text,
      bibliographicRecordId: group(bibliographicRecordId, { max: UNBOUNDED }),
    },
    REQUIRED,
  ),
  publicationInfo: group({ publisher: text, publicationType: svp, publicationDate: text, placeOfPublication: text }),
  // Required in 2021.
  serviceInfo: group(
    {
      requestType: closed('type_requestType', REQUEST_TYPES),
      requestSubType: closed('type_requestSubType', REQUEST_SUB_TYPES, { max: 3 }),
      requestingAgencyPreviousRequestId: text,
      serviceType: closed('type_serviceType', SERVICE_TYPES, REQUIRED),
      serviceLevel: svp,
      itemFormat: { t: 'svp', model: 'preferredFormat' },
      needBeforeDate: dateTime,
      copyrightCompliance: svp,
      anyEdition: closed('type_yesNo', YES_NO),
      startDate: dateTime,
      endDate: dateTime,
      note: text,
    },
    REQUIRED,
  ),
  supplierInfo: group(
    {
      sortOrder: sortOrder2021,
      supplierCode: group(agencyId),
      supplierDescription: text,
      bibliographicRecordId: group(bibliographicRecordId),
      callNumber: text,
      summaryHoldings: text,
      availabilityNote: text,
    },
    { max: UNBOUNDED },
  ),
  requestedDeliveryInfo: group({ sortOrder: sortOrder2021, address: addressField2021() }, { max: UNBOUNDED }),
  requestingAgencyInfo: group({ name: text, contactName: text, address: addressField2021({ max: UNBOUNDED }) }),
  patronInfo: group({
    patronId: text,
    surname: text,
    givenName: text,
    patronType: svp,
    sendToPatron: closed('type_yesNo', YES_NO),
    address: addressField2021({ max: UNBOUNDED }),
  }),
  billingInfo: group({ paymentMethod: svp, maximumCosts: group(costs), billingMethod: svp, billingName: text, address: addressField2021() }),
};

/**
 * The conditions of a RetryPossible. offeredCosts, retryBefore and retryAfter are v1.2
 * messageInfo elements that 2021 moved here; the rest is the model's `retryInfo`.
 */
const retryInfo2021: Field = group({
  loanCondition: svpList,
  edition: textList,
  itemFormat: svpList,
  volume: textList,
  serviceType: closed('type_serviceType', SERVICE_TYPES),
  serviceLevel: svpList,
  deliveryMethod: svpList,
  courierName: svpList,
  offeredCosts: { ...costsList, from: ['messageInfo', 'offeredCosts'] },
  paymentMethod: svpList,
  retryBefore: { ...dateTime, from: ['messageInfo', 'retryBefore'] },
  retryAfter: { ...dateTime, from: ['messageInfo', 'retryAfter'] },
});

const shippingInfo2021: Field = group({
  courierName: svp,
  trackingId: textList,
  insurance: closed('type_yesNo', YES_NO),
  insuranceThirdParty: closed('type_yesNo', YES_NO),
  thirdPartyName: text,
  insuranceCosts: costsList,
});

const supplyingAgencyMessage2021: Fields = {
  header: group(supplyingAgencyMessageHeader2021, REQUIRED),
  messageInfo: group(
    {
      reasonForMessage: closed('type_reasonForMessage', REASONS_FOR_MESSAGE, REQUIRED, 'UnsupportedReasonForMessageType'),
      answerYesNo: closed('type_yesNo', YES_NO),
      note: text,
      reasonUnfilled: svp,
      reasonRetry: svp,
    },
    REQUIRED,
  ),
  statusInfo: group({ status: STATUS_FIELD, expectedDeliveryDate: dateTime, dueDate: dateTime, lastChange: dateTimeReq }, REQUIRED),
  retryInfo: retryInfo2021,
  deliveryInfo: group({
    dateSent: dateTimeReq,
    itemId: text,
    deliveryMethod: { t: 'svp', model: 'sentVia' },
    sentToPatron: { t: 'boolean' },
    loanCondition: svp,
    itemFormat: { t: 'svp', model: 'deliveredFormat' },
    deliveryCosts: group(costs),
  }),
  shippingInfo: shippingInfo2021,
  returnInfo: group({ returnAgencyId: group(agencyId), name: text, physicalAddress: group(physicalAddress2021) }),
};

export const MESSAGE_FIELDS_2021: Readonly<Record<MessageKind, Fields>> = {
  request: request2021,
  requestConfirmation: { confirmationHeader: group(confirmationHeader2021, REQUIRED), errorData },
  supplyingAgencyMessage: supplyingAgencyMessage2021,
  supplyingAgencyMessageConfirmation: {
    confirmationHeader: group(confirmationHeader2021, REQUIRED),
    reasonForMessage: closed('type_reasonForMessage', REASONS_FOR_MESSAGE, {}, 'UnsupportedReasonForMessageType'),
    errorData,
  },
  requestingAgencyMessage: {
    header: group(requestingAgencyMessageHeader2021, REQUIRED),
    action: closed('type_action', ACTIONS, REQUIRED, 'UnsupportedActionType'),
    note: text,
  },
  requestingAgencyMessageConfirmation: {
    confirmationHeader: group(confirmationHeader2021, REQUIRED),
    action: closed('type_action', ACTIONS, {}, 'UnsupportedActionType'),
    errorData,
  },
};

export const FIELDS_BY_VERSION: Readonly<Record<ProtocolVersion, Readonly<Record<MessageKind, Fields>>>> = { '1.2': MESSAGE_FIELDS, '2021': MESSAGE_FIELDS_2021 };

/** What the reader reads with: v1.2, plus the 2021 containers the model carries. */
export const READ_FIELDS: Readonly<Record<MessageKind, Fields>> = {
  ...MESSAGE_FIELDS,
  supplyingAgencyMessage: { ...supplyingAgencyMessage, retryInfo: retryInfo2021, shippingInfo: shippingInfo2021 },
};

/** 2021 element name -> v1.2 model name, by parent element: the renames, derived from the 2021 tree. */
export const RENAMED_2021: Readonly<Record<string, Readonly<Record<string, string>>>> = (() => {
  const out: Record<string, Record<string, string>> = {};
  const visit = (parent: string, fields: Fields) => {
    for (const [name, field] of Object.entries(fields)) {
      if (field.model !== undefined) (out[parent] ??= {})[name] = field.model;
      if (field.t === 'group' || field.t === 'choice') visit(name, field.fields);
    }
  };
  for (const fields of Object.values(MESSAGE_FIELDS_2021)) for (const [name, field] of Object.entries(fields)) if (field.t === 'group') visit(name, field.fields);
  return out;
})();
