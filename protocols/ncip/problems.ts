/**
 * NCIP's own error vocabulary, and the one typed error the codec throws.
 *
 * Problem types and their schemes are the standard values of NCIP 2.02 (Z39.83-1-2012), as
 * enumerated by the OCLC circill-toolkit (`Version1GeneralProcessingError.java`,
 * `Version1MessagingError.java`, `Version1<Service>ProcessingError.java`). Real ILS answers also
 * carry free-text types with no Scheme (FOLIO mod-ncip), so a Problem's type is a string, and
 * these tables are for recognising and emitting, never for rejecting.
 */
import type { Problem } from './types';

const SCHEME_BASE = 'http://www.niso.org/ncip/v1_0/schemes';

/** Source: circill-toolkit `Version1GeneralProcessingError.java`. */
export const GENERAL_PROCESSING_ERRORS = [
  'Agency Authentication Failed',
  'Invalid Amount',
  'Invalid Date',
  'Needed Data Missing',
  'System Authentication Failed',
  'Temporary Processing Failure',
  'Unauthorized Combination Of Element Values For Agency',
  'Unauthorized Combination Of Element Values For System',
  'Unauthorized Service For Agency',
  'Unauthorized Service For System',
  'Unknown Agency',
  'Unknown System',
  'Unsupported Service',
] as const;

/** Source: circill-toolkit `Version1MessagingError.java`; "Missing Version" from indexdata/crosslink `ncip/ncip_const.go`. */
export const MESSAGING_ERRORS = [
  'Invalid Message Syntax Error',
  'Protocol Error',
  'Unknown Element',
  'Unknown Scheme',
  'Unknown Service',
  'Unknown Value From Known Scheme',
  'Missing Version',
] as const;

/** Source: circill-toolkit `Version1<Service>ProcessingError.java`, for the services this codec models. */
export const SERVICE_PROCESSING_ERRORS = {
  LookupUser: ['Element Rule Violated', 'Non-Unique User', 'Unknown User', 'User Access Denied', 'User Authentication Failed'],
  AcceptItem: ['Cannot Accept Item', 'Cannot Guarantee Restrictions On Use', 'Element Rule Violated', 'Unknown Item', 'Unknown Request', 'Unknown User', 'User Ineligible To Check Out This Item'],
  CheckOutItem: ['Item Does Not Circulate', 'Maximum Check Outs Exceeded', 'Resource Cannot Be Provided', 'Unknown Item', 'Unknown Request', 'Unknown User', 'Unsupported Shipping Address Type', 'User Authentication Failed', 'User Blocked', 'User Ineligible To Check Out This Item'],
  CheckInItem: ['Item Not Checked Out', 'Unknown Item'],
  DeleteItem: ['Unknown Item'],
  RequestItem: ['Duplicate Request', 'Element Rule Violated', 'Item Does Not Circulate', 'Item Not Available By Need Before Date', 'Unknown Item', 'Unknown User', 'User Authentication Failed', 'User Blocked', 'User Ineligible To Request This Item'],
  CancelRequestItem: ['Element Rule Violated', 'Request Already Processed', 'Unknown Item', 'Unknown Request', 'Unknown User', 'User Authentication Failed'],
  RenewItem: ['Item Not Checked Out', 'Item Not Renewable', 'Maximum Renewals Exceeded', 'Renewal Not Allowed - Item Has Outstanding Requests', 'Unknown Item', 'Unknown User', 'User Authentication Failed', 'User Blocked', 'User Ineligible To Renew This Item'],
  LookupRequest: ['Non-Unique Request', 'Unknown Request'],
  LookupItem: ['Unknown Item'],
} as const;

export type GeneralProcessingError = (typeof GENERAL_PROCESSING_ERRORS)[number];
export type MessagingError = (typeof MESSAGING_ERRORS)[number];
export type ServiceProcessingError = (typeof SERVICE_PROCESSING_ERRORS)[keyof typeof SERVICE_PROCESSING_ERRORS][number];
export type StandardProblemType = GeneralProcessingError | MessagingError | ServiceProcessingError;

export const PROBLEM_SCHEMES = {
  general: `${SCHEME_BASE}/processingerrortype/generalprocessingerror.scm`,
  messaging: `${SCHEME_BASE}/messagingerrortype/messagingerrortype.scm`,
} as const;

/** e.g. `.../processingerrortype/checkoutitemprocessingerror.scm` (circill-toolkit sample messages). */
export function serviceProblemScheme(service: string): string {
  return `${SCHEME_BASE}/processingerrortype/${service.toLowerCase()}processingerror.scm`;
}

function includes(list: readonly string[], value: string): boolean {
  return list.includes(value);
}

/** The scheme a standard Problem type belongs to; service-specific lists win over the general one. */
export function problemScheme(type: string, service?: string): string | undefined {
  if (includes(MESSAGING_ERRORS, type)) return PROBLEM_SCHEMES.messaging;
  const serviceList = service !== undefined ? (SERVICE_PROCESSING_ERRORS as Record<string, readonly string[]>)[service] : undefined;
  if (service !== undefined && serviceList !== undefined && includes(serviceList, type)) return serviceProblemScheme(service);
  if (includes(GENERAL_PROCESSING_ERRORS, type)) return PROBLEM_SCHEMES.general;
  return undefined;
}

export interface NcipProblemInit {
  /** Offending element, as a path (`AcceptItem/RequestId/RequestIdentifierValue`). */
  readonly element?: string;
  /** Offending value, e.g. the unknown barcode. */
  readonly value?: string;
  /** The initiation service being processed when the problem arose, so a responder answers inside `<ServiceResponse>`. */
  readonly service?: string;
  /** Defaults to the standard scheme of `type`. */
  readonly scheme?: string;
}

/**
 * The codec's only error: an NCIP Problem waiting to be sent. A responder answers with
 * `buildProblemAnswer(err)`; nothing else needs to translate it.
 */
export class NcipProblem extends Error {
  override readonly name = 'NcipProblem';
  readonly type: string;
  readonly scheme: string | undefined;
  readonly element: string | undefined;
  readonly value: string | undefined;
  readonly detail: string;
  readonly service: string | undefined;

  constructor(type: StandardProblemType | (string & {}), detail: string, init: NcipProblemInit = {}) {
    super(init.element !== undefined ? `${init.element}: ${detail}` : detail);
    this.type = type;
    this.detail = detail;
    this.element = init.element;
    this.value = init.value;
    this.service = init.service;
    this.scheme = init.scheme ?? problemScheme(type, init.service);
  }

  toProblem(): Problem {
    return {
      problemType: this.scheme !== undefined ? { value: this.type, scheme: this.scheme } : { value: this.type },
      problemDetail: this.detail,
      ...(this.element !== undefined ? { problemElement: this.element } : {}),
      ...(this.value !== undefined ? { problemValue: this.value } : {}),
    };
  }
}
