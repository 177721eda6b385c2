/**
 * ISO 18626 codec (v1.2 and 2021): pure, no I/O.
 *
 *   parseIso18626(xml)        -> { kind, message, version, revision, warnings, unknownElements }  (throws Iso18626Error only)
 *   tryParseIso18626(xml)     -> { ok: true, result } | { ok: false, error }           (never throws)
 *   buildIso18626(message, { version? }) -> schema-valid XML, v1.2 or 2021               (throws Iso18626Error only)
 *   confirmInbound(x, now)    -> the confirmation to answer any inbound body with
 *   confirmationFor(m, now, errorData?) -> OK or business-ERROR confirmation of a parsed message
 *   confirmReceiverFailure(outcome, now, text) -> ERROR confirmation when the receiver itself failed (sent with a 5xx)
 *
 * The model (types.ts) keeps xs:dateTime and xs:decimal as strings; dates.ts converts to Date.
 */
export { parseIso18626, tryParseIso18626 } from './parse';
export type { ParseOptions, ParseOutcome, ParseResult, UnknownElement } from './parse';
export { buildIso18626 } from './build';
export type { BuildOptions } from './build';
export { PROTOCOL_VERSIONS } from './spec';
export type { ProtocolVersion } from './spec';
export { RECEIVER_FAILURE_ERROR_TYPE, confirmInbound, confirmReceiverFailure, confirmationFor, rejection } from './confirm';
export type { InboundReply } from './confirm';
export { Iso18626Error, isIso18626Error } from './errors';
export type { SalvagedHeader } from './errors';
export { WARNING_CODES, WARNING_DESCRIPTIONS } from './shims';
export type { Iso18626Warning, WarningCode } from './shims';
export { dateTimeToDate, dateToDateTime, isValidDateTime } from './dates';
export * from './types';
