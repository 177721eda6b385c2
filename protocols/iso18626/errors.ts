/**
 * The codec's one error type. It carries the ISO 18626 errorType a peer should receive, so the
 * single place that answers peers (confirm.ts) needs no mapping of its own.
 *
 * Mapping (ISO 18626:2017 type_errorType; NOTES §6):
 * - not XML, empty, a DTD or entity declaration, over the size limit, no ISO18626Message or
 *   message element, two messages, an element the schema allows once given twice
 *                                                    -> BadlyFormedMessage
 * - a required element missing (header, timestamp, serviceType, action, ...)
 *                                                    -> UnrecognisedDataElement
 * - requestingAgencyMessage.action outside type_action        -> UnsupportedActionType
 * - messageInfo.reasonForMessage outside type_reasonForMessage -> UnsupportedReasonForMessageType
 * - any other value outside its closed list, or not of its type (dateTime, decimal, integer,
 *   boolean)                                         -> UnrecognisedDataValue
 */
import type { XmlReadFailure } from '../xml';
import type { AgencyId, ErrorType, MessageKind, Action, ReasonForMessage } from './types';

/** What could be read of the header of a message that failed, so an ERROR confirmation can echo it. */
export interface SalvagedHeader {
  readonly supplyingAgencyId?: AgencyId;
  readonly requestingAgencyId?: AgencyId;
  readonly multipleItemRequestId?: string;
  /** Only when it was a usable xs:dateTime (normalised). */
  readonly timestamp?: string;
  readonly requestingAgencyRequestId?: string;
  readonly supplyingAgencyRequestId?: string;
  readonly action?: Action;
  readonly reasonForMessage?: ReasonForMessage;
}

export interface Iso18626ErrorInit {
  readonly errorType: ErrorType;
  /** Path of the offending element, e.g. `requestingAgencyMessage.action` (`ISO18626Message` for the document). */
  readonly element: string;
  /** What is wrong, without the path (the message and `detail` add it). */
  readonly problem: string;
  /** Set when the document was refused before any ISO 18626 structure was read. */
  readonly xmlFailure?: XmlReadFailure['kind'];
  readonly origin?: 'parse' | 'build';
}

export class Iso18626Error extends Error {
  override readonly name = 'Iso18626Error';
  readonly errorType: ErrorType;
  readonly element: string;
  /** `<element>: <problem>`: fit to send as errorData.errorValue. */
  readonly detail: string;
  readonly xmlFailure: XmlReadFailure['kind'] | undefined;
  readonly origin: 'parse' | 'build';
  /** The message kind, when the document got that far. */
  kind: MessageKind | undefined;
  /** Header fields read best effort, for echoing in an ERROR confirmation. */
  header: SalvagedHeader | undefined;

  constructor(init: Iso18626ErrorInit) {
    const detail = sendable(`${init.element}: ${init.problem}`);
    super(detail);
    this.errorType = init.errorType;
    this.element = init.element;
    this.detail = detail;
    this.xmlFailure = init.xmlFailure;
    this.origin = init.origin ?? 'parse';
    this.kind = undefined;
    this.header = undefined;
  }
}

const NOT_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const MAX_DETAIL = 500;

/** The detail goes back to the peer in errorValue: it must be writable as XML whatever the input held. */
function sendable(detail: string): string {
  const clean = detail.replace(NOT_XML_CHARS, '\uFFFD');
  return clean.length > MAX_DETAIL ? `${clean.slice(0, MAX_DETAIL - 1)}…` : clean;
}

export function isIso18626Error(value: unknown): value is Iso18626Error {
  return value instanceof Iso18626Error;
}
