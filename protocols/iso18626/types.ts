/**
 * The ISO 18626 message model, v1.2 (ISO 18626:2017) plus the 2021 retryInfo and shippingInfo: one zod schema per element, which is both
 * the TypeScript type and the runtime check `buildIso18626` runs before writing.
 *
 * Representation choices (README.md beside this file says why):
 * - A message is flat and tagged: `{ kind: 'request', header, bibliographicInfo, ... }`.
 * - Keys follow the schema's element names; an absent optional element is an absent key.
 * - schemeValuePair is `{ value, scheme? }` for every open code list.
 * - xs:dateTime stays a string (round-trip fidelity: CrossLink sends nanoseconds, peers pick
 *   their own offsets), always with a zone, `Z` or `±hh:mm`. See dates.ts for Date helpers.
 * - xs:decimal stays a string ("12.50" must not become 12.5); xs:integer is a number.
 * - `header.multipleItemRequestId` is optional here: absent means empty, and build always
 *   writes the element because v1.2 requires it even when empty.
 * - `statusInfo.status` is optional: an absent status is what Alma/Rapido mean by an empty
 *   `<status/>` ("no status change"). Build refuses to write a message without one.
 */
import { z } from 'zod';
import { isAnyUri } from './anyuri';
import { isValidDateTime } from './dates';

export const ISO18626_NS = 'http://illtransactions.org/2013/iso18626';
export const ISO18626_VERSION = '1.2';
/** The version attribute written on a 2021 message (the schema leaves the value open; this names the revision). */
export const ISO18626_VERSION_2021 = '2021';

// ---------------------------------------------------------------------------------------------
// Closed lists: the only enumerations in the v1.2 XSD.

/** type_messageStatus */
export const MESSAGE_STATUSES = ['OK', 'ERROR'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** type_errorType */
export const ERROR_TYPES = [
  'UnsupportedActionType',
  'UnsupportedReasonForMessageType',
  'UnrecognisedDataElement',
  'UnrecognisedDataValue',
  'BadlyFormedMessage',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

/** type_status, in the schema's order (not a transition order; that belongs to the domain). */
export const STATUSES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'Loaned',
  'Overdue',
  'Recalled',
  'RetryPossible',
  'Unfilled',
  'CopyCompleted',
  'LoanCompleted',
  'CompletedWithoutReturn',
  'Cancelled',
] as const;
export type Status = (typeof STATUSES)[number];

/** type_reasonForMessage */
export const REASONS_FOR_MESSAGE = [
  'RequestResponse',
  'StatusRequestResponse',
  'RenewResponse',
  'CancelResponse',
  'StatusChange',
  'Notification',
] as const;
export type ReasonForMessage = (typeof REASONS_FOR_MESSAGE)[number];

/** type_action. `Request` is not an action: the request message itself is the first one. */
export const ACTIONS = ['StatusRequest', 'Received', 'Cancel', 'Renew', 'ShippedReturn', 'ShippedForward', 'Notification'] as const;
export type Action = (typeof ACTIONS)[number];

/** type_requestType */
export const REQUEST_TYPES = ['New', 'Retry', 'Reminder'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** type_requestSubType (serviceInfo allows up to three). */
export const REQUEST_SUB_TYPES = ['BookingRequest', 'MultipleItemRequest', 'PatronRequest', 'TransferRequest', 'SupplyingLibrarysChoice'] as const;
export type RequestSubType = (typeof REQUEST_SUB_TYPES)[number];

/** type_serviceType */
export const SERVICE_TYPES = ['Copy', 'Loan', 'CopyOrLoan'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** type_yesNo (deliveryInfo.sentToPatron is xs:boolean instead). */
export const YES_NO = ['Y', 'N'] as const;
export type YesNo = (typeof YES_NO)[number];

/** The six children of ISO18626Message. */
export const MESSAGE_KINDS = [
  'request',
  'requestConfirmation',
  'supplyingAgencyMessage',
  'supplyingAgencyMessageConfirmation',
  'requestingAgencyMessage',
  'requestingAgencyMessageConfirmation',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The three messages that carry a `header` and are answered by a confirmation. */
export const INBOUND_KINDS = ['request', 'supplyingAgencyMessage', 'requestingAgencyMessage'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

export const CONFIRMATION_KIND_FOR = {
  request: 'requestConfirmation',
  supplyingAgencyMessage: 'supplyingAgencyMessageConfirmation',
  requestingAgencyMessage: 'requestingAgencyMessageConfirmation',
} as const satisfies Record<InboundKind, MessageKind>;

// ---------------------------------------------------------------------------------------------
// Simple types.

/** Characters XML 1.0 can carry: anything else could not be written as a well-formed document. */
const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
export const XmlStringSchema = z.string().regex(XML_CHARS, 'contains a character XML cannot carry');

/** xs:dateTime with a mandatory zone (what build emits and what parse normalises to). */
export const DateTimeSchema = z.string().refine(isValidDateTime, 'not an xs:dateTime with a zone (Z or ±hh:mm)');

/** xs:decimal, lexical form kept as sent. */
export const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
export const DecimalSchema = z.string().regex(DECIMAL, 'not an xs:decimal');

/** xs:integer (sortOrder). */
export const IntegerSchema = z.number().int().refine(Number.isSafeInteger, 'not a safe integer');

/** type_schemeValuePair: an open code, optionally naming its code list in `ill:scheme`. */
export const SchemeValueSchema = z.strictObject({ value: XmlStringSchema, scheme: XmlStringSchema.refine(isAnyUri, 'not an xs:anyURI').optional() });
export type SchemeValue = z.infer<typeof SchemeValueSchema>;

const text = XmlStringSchema;
const optText = XmlStringSchema.optional();
const optSvp = SchemeValueSchema.optional();

/** type_agencyId */
export const AgencyIdSchema = z.strictObject({ agencyIdType: SchemeValueSchema, agencyIdValue: text });
export type AgencyId = z.infer<typeof AgencyIdSchema>;

/** type_costs: both children are required when the parent is present. */
export const CostsSchema = z.strictObject({ currencyCode: SchemeValueSchema, monetaryValue: DecimalSchema });
export type Costs = z.infer<typeof CostsSchema>;

// ---------------------------------------------------------------------------------------------
// Shared elements.

export const ElectronicAddressSchema = z.strictObject({ electronicAddressType: SchemeValueSchema, electronicAddressData: text });
export type ElectronicAddress = z.infer<typeof ElectronicAddressSchema>;

export const PhysicalAddressSchema = z.strictObject({
  line1: optText,
  line2: optText,
  locality: optText,
  postalCode: optText,
  region: optSvp, // ISO 3166-2
  country: optSvp, // ISO 3166-1
});
export type PhysicalAddress = z.infer<typeof PhysicalAddressSchema>;

/** address: a choice of exactly one of the two. */
export const AddressSchema = z.union([
  z.strictObject({ electronicAddress: ElectronicAddressSchema }),
  z.strictObject({ physicalAddress: PhysicalAddressSchema }),
]);
export type Address = z.infer<typeof AddressSchema>;

export const HeaderSchema = z.strictObject({
  supplyingAgencyId: AgencyIdSchema,
  requestingAgencyId: AgencyIdSchema,
  multipleItemRequestId: optText,
  timestamp: DateTimeSchema,
  requestingAgencyRequestId: text,
  supplyingAgencyRequestId: optText,
  requestingAgencyAuthentication: z.strictObject({ accountId: optText, securityCode: optText }).optional(),
});
export type Header = z.infer<typeof HeaderSchema>;

export const ConfirmationHeaderSchema = z.strictObject({
  supplyingAgencyId: AgencyIdSchema.optional(),
  requestingAgencyId: AgencyIdSchema.optional(),
  timestamp: DateTimeSchema,
  requestingAgencyRequestId: optText,
  multipleItemRequestId: optText,
  timestampReceived: DateTimeSchema,
  messageStatus: z.enum(MESSAGE_STATUSES),
});
export type ConfirmationHeader = z.infer<typeof ConfirmationHeaderSchema>;

export const ErrorDataSchema = z.strictObject({ errorType: z.enum(ERROR_TYPES), errorValue: optText });
export type ErrorData = z.infer<typeof ErrorDataSchema>;

// ---------------------------------------------------------------------------------------------
// request

export const BibliographicItemIdSchema = z.strictObject({ bibliographicItemIdentifier: text, bibliographicItemIdentifierCode: SchemeValueSchema });
export const BibliographicRecordIdSchema = z.strictObject({ bibliographicRecordIdentifierCode: SchemeValueSchema, bibliographicRecordIdentifier: text });
export type BibliographicRecordId = z.infer<typeof BibliographicRecordIdSchema>;

export const BibliographicInfoSchema = z.strictObject({
  supplierUniqueRecordId: optText,
  title: optText,
  author: optText,
  subtitle: optText,
  seriesTitle: optText,
  edition: optText,
  titleOfComponent: optText,
  authorOfComponent: optText,
  volume: optText,
  issue: optText,
  pagesRequested: optText,
  estimatedNoPages: optText,
  bibliographicItemId: z.array(BibliographicItemIdSchema).optional(),
  sponsor: optText,
  informationSource: optText,
  bibliographicRecordId: z.array(BibliographicRecordIdSchema).optional(),
});
export type BibliographicInfo = z.infer<typeof BibliographicInfoSchema>;

export const PublicationInfoSchema = z.strictObject({ publisher: optText, publicationType: optSvp, publicationDate: optText, placeOfPublication: optText });

export const ServiceInfoSchema = z.strictObject({
  requestType: z.enum(REQUEST_TYPES).optional(),
  requestSubType: z.array(z.enum(REQUEST_SUB_TYPES)).max(3).optional(),
  requestingAgencyPreviousRequestId: optText,
  serviceType: z.enum(SERVICE_TYPES),
  serviceLevel: optSvp,
  preferredFormat: optSvp,
  needBeforeDate: DateTimeSchema.optional(),
  copyrightCompliance: optSvp,
  anyEdition: z.enum(YES_NO).optional(),
  startDate: DateTimeSchema.optional(),
  endDate: DateTimeSchema.optional(),
  note: optText,
});
export type ServiceInfo = z.infer<typeof ServiceInfoSchema>;

export const SupplierInfoSchema = z.strictObject({
  sortOrder: IntegerSchema.optional(),
  supplierCode: AgencyIdSchema.optional(),
  supplierDescription: optText,
  bibliographicRecordId: BibliographicRecordIdSchema.optional(),
  callNumber: optText,
  summaryHoldings: optText,
  availabilityNote: optText,
});

export const RequestedDeliveryInfoSchema = z.strictObject({ sortOrder: IntegerSchema.optional(), address: AddressSchema.optional() });

export const RequestingAgencyInfoSchema = z.strictObject({ name: optText, contactName: optText, address: z.array(AddressSchema).optional() });

export const PatronInfoSchema = z.strictObject({
  patronId: optText,
  surname: optText,
  givenName: optText,
  patronType: optSvp,
  sendToPatron: z.enum(YES_NO).optional(),
  address: z.array(AddressSchema).optional(),
});

export const BillingInfoSchema = z.strictObject({
  paymentMethod: optSvp,
  maximumCosts: CostsSchema.optional(),
  billingMethod: optSvp,
  billingName: optText,
  address: AddressSchema.optional(),
});

export const RequestSchema = z.strictObject({
  kind: z.literal('request'),
  header: HeaderSchema,
  bibliographicInfo: BibliographicInfoSchema,
  publicationInfo: PublicationInfoSchema.optional(),
  serviceInfo: ServiceInfoSchema.optional(),
  supplierInfo: z.array(SupplierInfoSchema).optional(),
  requestedDeliveryInfo: z.array(RequestedDeliveryInfoSchema).optional(),
  requestingAgencyInfo: RequestingAgencyInfoSchema.optional(),
  patronInfo: PatronInfoSchema.optional(),
  billingInfo: BillingInfoSchema.optional(),
});
export type Request = z.infer<typeof RequestSchema>;

export const RequestConfirmationSchema = z.strictObject({
  kind: z.literal('requestConfirmation'),
  confirmationHeader: ConfirmationHeaderSchema,
  errorData: ErrorDataSchema.optional(),
});
export type RequestConfirmation = z.infer<typeof RequestConfirmationSchema>;

// ---------------------------------------------------------------------------------------------
// supplyingAgencyMessage

export const MessageInfoSchema = z.strictObject({
  reasonForMessage: z.enum(REASONS_FOR_MESSAGE),
  answerYesNo: z.enum(YES_NO).optional(),
  note: optText,
  reasonUnfilled: optSvp,
  reasonRetry: optSvp,
  offeredCosts: CostsSchema.optional(),
  retryAfter: DateTimeSchema.optional(),
  retryBefore: DateTimeSchema.optional(),
});

export const StatusInfoSchema = z.strictObject({
  status: z.enum(STATUSES).optional(),
  expectedDeliveryDate: DateTimeSchema.optional(),
  dueDate: DateTimeSchema.optional(),
  lastChange: DateTimeSchema,
});

export const DeliveryInfoSchema = z.strictObject({
  dateSent: DateTimeSchema,
  itemId: optText,
  sentVia: optSvp,
  sentToPatron: z.boolean().optional(),
  loanCondition: optSvp,
  deliveredFormat: optSvp,
  deliveryCosts: CostsSchema.optional(),
});

export const ReturnInfoSchema = z.strictObject({ returnAgencyId: AgencyIdSchema.optional(), name: optText, physicalAddress: PhysicalAddressSchema.optional() });

/**
 * ISO 18626:2021 `retryInfo`: the conditions a RetryPossible offers, beyond the v1.2 ones. Its
 * offeredCosts, retryBefore and retryAfter are v1.2 messageInfo elements and are kept there
 * (the first offeredCosts); only a 2021 message carries this part (v1.2 has nowhere to write it).
 */
export const RetryInfoSchema = z.strictObject({
  loanCondition: z.array(SchemeValueSchema).optional(),
  edition: z.array(text).optional(),
  itemFormat: z.array(SchemeValueSchema).optional(),
  volume: z.array(text).optional(),
  serviceType: z.enum(SERVICE_TYPES).optional(),
  serviceLevel: z.array(SchemeValueSchema).optional(),
  deliveryMethod: z.array(SchemeValueSchema).optional(),
  courierName: z.array(SchemeValueSchema).optional(),
  paymentMethod: z.array(SchemeValueSchema).optional(),
});
export type RetryInfo = z.infer<typeof RetryInfoSchema>;

/** ISO 18626:2021 `shippingInfo` (written only in 2021). */
export const ShippingInfoSchema = z.strictObject({
  courierName: optSvp,
  trackingId: z.array(text).optional(),
  insurance: z.enum(YES_NO).optional(),
  insuranceThirdParty: z.enum(YES_NO).optional(),
  thirdPartyName: optText,
  insuranceCosts: z.array(CostsSchema).optional(),
});
export type ShippingInfo = z.infer<typeof ShippingInfoSchema>;

export const SupplyingAgencyMessageSchema = z.strictObject({
  kind: z.literal('supplyingAgencyMessage'),
  header: HeaderSchema,
  messageInfo: MessageInfoSchema,
  statusInfo: StatusInfoSchema,
  retryInfo: RetryInfoSchema.optional(),
  deliveryInfo: DeliveryInfoSchema.optional(),
  shippingInfo: ShippingInfoSchema.optional(),
  returnInfo: ReturnInfoSchema.optional(),
});
export type SupplyingAgencyMessage = z.infer<typeof SupplyingAgencyMessageSchema>;

export const SupplyingAgencyMessageConfirmationSchema = z.strictObject({
  kind: z.literal('supplyingAgencyMessageConfirmation'),
  confirmationHeader: ConfirmationHeaderSchema,
  reasonForMessage: z.enum(REASONS_FOR_MESSAGE).optional(),
  errorData: ErrorDataSchema.optional(),
});
export type SupplyingAgencyMessageConfirmation = z.infer<typeof SupplyingAgencyMessageConfirmationSchema>;

// ---------------------------------------------------------------------------------------------
// requestingAgencyMessage

export const RequestingAgencyMessageSchema = z.strictObject({
  kind: z.literal('requestingAgencyMessage'),
  header: HeaderSchema,
  action: z.enum(ACTIONS),
  note: optText,
});
export type RequestingAgencyMessage = z.infer<typeof RequestingAgencyMessageSchema>;

export const RequestingAgencyMessageConfirmationSchema = z.strictObject({
  kind: z.literal('requestingAgencyMessageConfirmation'),
  confirmationHeader: ConfirmationHeaderSchema,
  action: z.enum(ACTIONS).optional(),
  errorData: ErrorDataSchema.optional(),
});
export type RequestingAgencyMessageConfirmation = z.infer<typeof RequestingAgencyMessageConfirmationSchema>;

// ---------------------------------------------------------------------------------------------

export const Iso18626MessageSchema = z.discriminatedUnion('kind', [
  RequestSchema,
  RequestConfirmationSchema,
  SupplyingAgencyMessageSchema,
  SupplyingAgencyMessageConfirmationSchema,
  RequestingAgencyMessageSchema,
  RequestingAgencyMessageConfirmationSchema,
]);
export type Iso18626Message = z.infer<typeof Iso18626MessageSchema>;

export type InboundMessage = Request | SupplyingAgencyMessage | RequestingAgencyMessage;
export type ConfirmationMessage = RequestConfirmation | SupplyingAgencyMessageConfirmation | RequestingAgencyMessageConfirmation;
export type MessageOfKind<K extends MessageKind> = Extract<Iso18626Message, { kind: K }>;
