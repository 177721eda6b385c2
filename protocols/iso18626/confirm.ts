/**
 * The synchronous answer to every inbound message (NOTES §6, §7.9: always confirm, exactly once).
 * Pure: the caller passes the clock reading; the result is a message object for buildIso18626.
 *
 * Echo rules (NOTES §6 "Confirmation header echo"): supplyingAgencyId, requestingAgencyId,
 * requestingAgencyRequestId and multipleItemRequestId are copied from the inbound header;
 * timestampReceived is the inbound `timestamp` (or `now` when it could not be read, since the
 * element is required); the RAM confirmation echoes `action`, the SAM confirmation
 * `reasonForMessage`.
 *
 * Unanswerable input: when the kind is unknown (not XML, a DTD, too large, no message element)
 * or is itself a confirmation, there is no matching confirmation. CrossLink and mod-rs answer
 * such bodies with HTTP 400 (413 when too large), so `httpStatus` says that, and `message` still
 * carries a requestConfirmation ERROR/BadlyFormedMessage for a caller that prefers a 200 body.
 */
import type { SalvagedHeader } from './errors';
import { Iso18626Error } from './errors';
import type { ParseOutcome, ParseResult } from './parse';
import { dateToDateTime } from './dates';
import type {
  ConfirmationHeader,
  ConfirmationMessage,
  ErrorData,
  ErrorType,
  InboundKind,
  InboundMessage,
  RequestConfirmation,
  RequestingAgencyMessageConfirmation,
  SupplyingAgencyMessageConfirmation,
} from './types';
import { CONFIRMATION_KIND_FOR, INBOUND_KINDS } from './types';

export interface InboundReply {
  readonly message: ConfirmationMessage;
  /** False when the inbound kind was unknown or not answerable and `message` is a fallback. */
  readonly answersKind: InboundKind | undefined;
  /** 200 for a real confirmation (OK or ERROR); 400 or 413 when the peer convention is an HTTP error. */
  readonly httpStatus: 200 | 400 | 413;
}

/** The confirmation of a message that was read: OK, or ERROR for a business reason the caller found. */
export function confirmationFor(inbound: InboundMessage, now: Date, error?: ErrorData): ConfirmationMessage {
  const echo: SalvagedHeader = {
    ...inbound.header,
    ...(inbound.kind === 'requestingAgencyMessage' ? { action: inbound.action } : {}),
    ...(inbound.kind === 'supplyingAgencyMessage' ? { reasonForMessage: inbound.messageInfo.reasonForMessage } : {}),
  };
  return confirmationOfKind(inbound.kind, echo, now, error);
}

/** Shorthand for a business refusal: `rejection(msg, 'UnrecognisedDataValue', 'header.requestingAgencyRequestId: unknown request', now)`. */
export function rejection(inbound: InboundMessage, errorType: ErrorType, errorValue: string, now: Date): ConfirmationMessage {
  return confirmationFor(inbound, now, { errorType, errorValue });
}

/** What to answer for anything that arrived: a parse result, a parse outcome, or the parse error. */
export function confirmInbound(inbound: ParseResult | ParseOutcome | Iso18626Error, now: Date): InboundReply {
  const resolved = 'ok' in inbound ? (inbound.ok ? inbound.result : inbound.error) : inbound;
  if (!(resolved instanceof Iso18626Error)) {
    const message = resolved.message;
    if (isInbound(message)) return { message: confirmationFor(message, now), answersKind: message.kind, httpStatus: 200 };
    const problem = `a ${message.kind} is only valid as the answer to a message`;
    return unanswerable(new Iso18626Error({ errorType: 'BadlyFormedMessage', element: message.kind, problem }), now);
  }
  const kind = resolved.kind;
  if (kind === undefined || !(INBOUND_KINDS as readonly string[]).includes(kind)) return unanswerable(resolved, now);
  const errorData = { errorType: resolved.errorType, errorValue: resolved.detail };
  return { message: confirmationOfKind(kind as InboundKind, resolved.header ?? {}, now, errorData), answersKind: kind as InboundKind, httpStatus: 200 };
}

/**
 * ISO 18626 lists no errorType for a failure of the receiver (its database down, a bug of its
 * own); the HTTP status (5xx) is what tells the sender to send again, and errorValue says why.
 * BadlyFormedMessage would blame the one thing known to be fine, the message, and is what
 * CrossLink and mod-rs pair with a definite HTTP 400; so a failure is reported with this type.
 */
export const RECEIVER_FAILURE_ERROR_TYPE: ErrorType = 'UnrecognisedDataValue';

/**
 * The confirmation of a message the receiver could not process: ERROR, of the message's kind when
 * it was read (echoing its header), a requestConfirmation otherwise. `errorValue` is the
 * receiver's own words; the message is not at fault, so nothing about it is said.
 */
export function confirmReceiverFailure(inbound: ParseOutcome | undefined, now: Date, errorValue: string): ConfirmationMessage {
  const errorData: ErrorData = { errorType: RECEIVER_FAILURE_ERROR_TYPE, errorValue };
  if (inbound?.ok && isInbound(inbound.result.message)) return confirmationFor(inbound.result.message, now, errorData);
  const failed = inbound && !inbound.ok ? inbound.error : undefined;
  const kind = failed?.kind !== undefined && (INBOUND_KINDS as readonly string[]).includes(failed.kind) ? (failed.kind as InboundKind) : 'request';
  return confirmationOfKind(kind, failed?.header ?? {}, now, errorData);
}

function unanswerable(error: Iso18626Error, now: Date): InboundReply {
  const message = confirmationOfKind('request', error.header ?? {}, now, { errorType: 'BadlyFormedMessage', errorValue: error.detail });
  return { message, answersKind: undefined, httpStatus: error.xmlFailure === 'too-large' ? 413 : 400 };
}

function isInbound(message: { kind: string }): message is InboundMessage {
  return (INBOUND_KINDS as readonly string[]).includes(message.kind);
}

function confirmationOfKind(kind: InboundKind, echo: SalvagedHeader, now: Date, error?: ErrorData): ConfirmationMessage {
  const timestamp = dateToDateTime(now);
  const header: ConfirmationHeader = {
    ...(echo.supplyingAgencyId ? { supplyingAgencyId: echo.supplyingAgencyId } : {}),
    ...(echo.requestingAgencyId ? { requestingAgencyId: echo.requestingAgencyId } : {}),
    timestamp,
    ...(echo.requestingAgencyRequestId ? { requestingAgencyRequestId: echo.requestingAgencyRequestId } : {}),
    ...(echo.multipleItemRequestId ? { multipleItemRequestId: echo.multipleItemRequestId } : {}),
    timestampReceived: echo.timestamp ?? timestamp,
    messageStatus: error === undefined ? 'OK' : 'ERROR',
  };
  const errorData = error === undefined ? {} : { errorData: error.errorValue ? error : { errorType: error.errorType } };
  switch (CONFIRMATION_KIND_FOR[kind]) {
    case 'requestConfirmation':
      return { kind: 'requestConfirmation', confirmationHeader: header, ...errorData } satisfies RequestConfirmation;
    case 'supplyingAgencyMessageConfirmation':
      return {
        kind: 'supplyingAgencyMessageConfirmation',
        confirmationHeader: header,
        ...(echo.reasonForMessage ? { reasonForMessage: echo.reasonForMessage } : {}),
        ...errorData,
      } satisfies SupplyingAgencyMessageConfirmation;
    case 'requestingAgencyMessageConfirmation':
      return {
        kind: 'requestingAgencyMessageConfirmation',
        confirmationHeader: header,
        ...(echo.action ? { action: echo.action } : {}),
        ...errorData,
      } satisfies RequestingAgencyMessageConfirmation;
  }
}
