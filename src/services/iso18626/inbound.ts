/**
 * POST /iso18626, the use case: a partner's message in, its synchronous confirmation out.
 *
 * 1. Parse leniently; an unreadable body gets an ERROR confirmation (HTTP 400/413 as peers do).
 * 2. Authenticate the sender: a partner in the directory (and its security code, if it has one),
 *    writing to a library served here. A message another member library sent through this
 *    server's own delivery (local-delivery.ts, `meta.local`) needs no partner entry or code: it
 *    never left the server. Over HTTP a member library's symbol is just a sender like any other.
 * 3. Find the transaction (correlate.ts), decide through the pipeline, and write the state change,
 *    the message and its confirmation as one write (store/request-writes.ts). Its requester's id
 *    must not be empty (request-ids.ts). A SAM about one of our peer self-tests changes no request:
 *    it is recorded with the test's mark and confirmed (services/conformance/self-test-messages.ts).
 *    Every record keeps the reader's warnings, and a refusal its errorType (conformance reports).
 * 4. A message seen before (same content, same timestamp) gets the answer it got the first time
 *    and changes nothing: deliveries are at-least-once, effects must be exactly-once. That is
 *    settled by the unique dedupe key when the write is made, not by a lookup beforehand, so a
 *    new request costs one write and a repeat one write attempt and one read.
 * Business refusals are ERROR confirmations with the ISO 18626 errorType, HTTP 200. A confirmation
 * is written in the schema its message was written in (ParseResult.revision: v1.2 or 2021), whatever
 * the sender's directory entry says: it answers that message. One that could not be read is answered in v1.2.
 */
import { createHash } from 'node:crypto';
import type { Undecodable } from '../../../protocols/decode';
import {
  Iso18626Error,
  buildIso18626,
  confirmInbound,
  confirmationFor,
  rejection,
  tryParseIso18626,
  type ConfirmationMessage,
  type ErrorType,
  type InboundMessage,
  type ParseResult,
  type ProtocolVersion,
  type Request,
} from '../../../protocols/iso18626';
import { startSupplier } from '../../domain/supplier';
import { IllegalTransition, type Lifecycle } from '../../domain/types';
import { partnerLabel } from '../../metrics/labels';
import { findMessageByDedupeKey, recordMessage, undecodableColumns } from '../../store/messages';
import type { StateWrite } from '../../store/request-writes';
import { findSupplierRequest, type RequestRow } from '../../store/requests';
import { prepareBrokeredRequest } from '../broker/hub';
import { brokerSettingsOf } from '../broker/settings';
import { securityCodeAccepted } from '../directory/partner-auth';
import type { ServiceDeps } from '../deps';
import { Conflict } from '../errors';
import { commit, contextFor, prepare, prepareNew, type LifecycleDeps, type Prepared } from '../pipeline/pipeline';
import { addressedLibrary, correlate, servedHere, type PartnerMessage } from './correlate';
import { requestDataFromIso, symbolOf } from './mapping';
import { Iso18626Refusal } from './refusal';
import { requireRequestingAgencyRequestId } from './request-ids';
import { selfTestOf } from '../conformance/self-test-messages';
import type { SelfTestMark } from '../../store/self-tests';

export interface InboundAnswer {
  readonly httpStatus: number;
  readonly xml: string;
}

export interface InboundMeta {
  /** The HTTP client's address. */
  readonly remote?: string;
  /** Handed over by this server's own delivery from a member library (local-delivery.ts), not received over HTTP. */
  readonly local?: boolean;
}

/** `body` is the message as text, or bytes that are not text (protocols/decode.ts), refused as BadlyFormedMessage. */
export async function receiveIso18626(deps: LifecycleDeps, body: string | Undecodable, meta: InboundMeta = {}): Promise<InboundAnswer> {
  const now = deps.now();
  if (typeof body !== 'string') return refuseUndecodable(deps, body, now, meta.remote);
  const parsedOutcome = tryParseIso18626(body);
  const outcome = confirmInbound(parsedOutcome, now);
  if (!parsedOutcome.ok || outcome.answersKind === undefined) {
    // Not parseable as an inbound message: answer, record, change nothing.
    const xml = buildIso18626(outcome.message, { version: parsedOutcome.ok ? parsedOutcome.result.revision : '1.2' });
    const failure = parsedOutcome.ok ? undefined : parsedOutcome.error;
    const refusal: Refusal = { errorType: outcome.message.errorData?.errorType ?? 'BadlyFormedMessage', ...(failure ? { element: failure.element } : {}) };
    await recordMessage(
      deps.db,
      inboundRecord(deps, body, {
        status: 'rejected',
        peer: claimedSender(failure) ?? meta.remote,
        ...(failure?.kind ? { messageType: failure.kind } : {}),
        responseXml: xml,
        httpStatus: outcome.httpStatus,
        parsed: { refusal, ...(meta.remote ? { remote: meta.remote } : {}) },
        error: `${refusal.errorType}: ${outcome.message.errorData?.errorValue ?? ''}`,
      }),
    );
    await countInbound(deps, { peer: claimedSender(failure), messageType: failure?.kind, status: 'rejected', errorType: refusal.errorType });
    return { httpStatus: outcome.httpStatus, xml };
  }
  const parsed = parsedOutcome.result;
  const message = parsed.message as InboundMessage;
  const dedupeKey = digest(message);

  for (let attempt = 0; ; attempt++) {
    // From the second try on, the unique index has said the request's key was taken: name it.
    const planned = await plan(deps, body, message, parsed, dedupeKey, attempt > 0, meta.local === true);
    if (await commit(deps, planned.write, planned.request)) {
      await countInbound(deps, planned.counted);
      return planned.answer;
    }
    // Nothing written: the same message was recorded first (answer as then), or the request
    // changed or its key was taken meanwhile (decide again on what is there now).
    const previous = await findMessageByDedupeKey(deps.db, 'iso18626', dedupeKey);
    if (previous?.responseXml) {
      await recordMessage(deps.db, inboundRecord(deps, body, { status: 'duplicate', peer: previous.peer, messageType: message.kind, requestId: previous.requestId, responseXml: previous.responseXml, httpStatus: previous.httpStatus ?? 200, parsed: message }));
      await countInbound(deps, { peer: previous.peer, messageType: message.kind, status: 'duplicate' });
      return { httpStatus: previous.httpStatus ?? 200, xml: previous.responseXml };
    }
    if (attempt >= 3) throw new Conflict(`message ${message.kind} ${message.header.requestingAgencyRequestId} lost the race to change its request ${attempt + 1} times`);
  }
}

/** Kept as it came (a printable rendering, and every byte), answered as a document that is not XML. */
async function refuseUndecodable(deps: LifecycleDeps, body: Undecodable, now: Date, remote: string | undefined): Promise<InboundAnswer> {
  const failure = new Iso18626Error({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message', problem: body.reason, xmlFailure: 'malformed' });
  const outcome = confirmInbound(failure, now);
  const xml = buildIso18626(outcome.message);
  const { rawXml, parsed } = undecodableColumns(body);
  // parsed keeps the bytes alone; the errorType leads the error, where conformance reports read it.
  await recordMessage(deps.db, inboundRecord(deps, rawXml, { status: 'rejected', peer: remote, responseXml: xml, httpStatus: outcome.httpStatus, parsed, error: `${failure.errorType}: ${failure.detail}` }));
  await countInbound(deps, { status: 'rejected', errorType: failure.errorType });
  return { httpStatus: outcome.httpStatus, xml };
}

/** The answer to a message and what it writes: the change with the message, or the message alone. */
interface Planned {
  readonly answer: InboundAnswer;
  readonly write: StateWrite;
  /** The request as the write leaves it, if the message changes one. */
  readonly request?: RequestRow;
  readonly counted: InboundCount;
}

async function plan(deps: LifecycleDeps, body: string, message: InboundMessage, parsed: ParseResult, dedupeKey: string, recheck: boolean, local: boolean): Promise<Planned> {
  const at = deps.now();
  const sender = symbolOf(message.kind === 'supplyingAgencyMessage' ? message.header.supplyingAgencyId : message.header.requestingAgencyId);
  let prepared: Prepared | undefined;
  let confirmation: ConfirmationMessage;
  let error: string | undefined;
  let refusal: Refusal | undefined;
  let selfTest: SelfTestMark | undefined;
  try {
    await authenticate(deps, message, sender, parsed.revision, local);
    requireRequestingAgencyRequestId(message);
    // A partner's answer to one of our self-tests is recorded and confirmed, and touches no request.
    selfTest = message.kind === 'supplyingAgencyMessage' ? await selfTestOf(deps, message, sender, symbolOf(message.header.requestingAgencyId)) : undefined;
    if (!selfTest) prepared = message.kind === 'request' ? await prepareRequest(deps, message, at, recheck) : await prepareMessage(deps, message, sender, at);
    confirmation = confirmationFor(message, at);
  } catch (err) {
    prepared = undefined;
    if (err instanceof Iso18626Refusal) {
      confirmation = rejection(message, err.errorType, err.detail, at);
      error = `${err.errorType}: ${err.detail}`;
      refusal = { errorType: err.errorType, ...elementOf(err.detail) };
    } else if (err instanceof IllegalTransition) {
      confirmation = rejection(message, err.protocolError ?? 'UnrecognisedDataValue', `${err.event} is not possible now: ${err.reason}`, at);
      error = `${confirmation.errorData!.errorType}: ${err.message}`;
      refusal = { errorType: confirmation.errorData!.errorType };
    } else throw err;
  }
  const xml = buildIso18626(confirmation, { version: parsed.revision });
  const record = inboundRecord(deps, body, {
    status: error ? 'rejected' : 'answered',
    peer: sender,
    messageType: message.kind,
    requestId: prepared?.after.id,
    responseXml: xml,
    httpStatus: 200,
    parsed: { message, warnings: parsed.warnings, unknownElements: parsed.unknownElements, ...(refusal ? { refusal } : {}), ...(selfTest ? { selfTest } : {}), ...(local ? { transport: 'local' } : {}) },
    error,
    dedupeKey,
  });
  const counted: InboundCount = { peer: sender, messageType: message.kind, status: error ? 'rejected' : 'answered', ...(refusal ? { errorType: refusal.errorType } : {}) };
  return { answer: { httpStatus: 200, xml }, write: { ...(prepared?.write ?? {}), message: record }, ...(prepared ? { request: prepared.after } : {}), counted };
}

async function authenticate(deps: ServiceDeps, message: InboundMessage, sender: string, revision: ProtocolVersion, local: boolean): Promise<void> {
  const senderPath = message.kind === 'supplyingAgencyMessage' ? 'header.supplyingAgencyId' : 'header.requestingAgencyId';
  if (local) {
    if (await deps.directory.library(sender)) return;
    throw new Iso18626Refusal('UnrecognisedDataValue', `${senderPath}: ${sender} is not a library served here`);
  }
  const partner = await deps.directory.partner(sender);
  if (!partner || partner.status === 'inactive') throw new Iso18626Refusal('UnrecognisedDataValue', `${senderPath}: ${sender} is not a partner of this server`);
  // A 2021 SAM header has no requestingAgencyAuthentication: from a partner set to 2021, its 2021
  // SAMs are trusted on the agency id, as a partner without a security code is. Its requests and
  // RAMs still carry the code; a v1.2 partner cannot drop it by writing a 2021-looking SAM.
  const cannotCarryCode = message.kind === 'supplyingAgencyMessage' && revision === '2021' && partner.protocolVersion === '2021';
  if (!cannotCarryCode && !securityCodeAccepted(partner, message.header.requestingAgencyAuthentication?.securityCode)) {
    throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyAuthentication: the security code for ${sender} is missing or wrong`);
  }
}

/** A new request from a partner: one supplier-side request, received and validated in one write. */
async function prepareRequest(deps: LifecycleDeps, message: Request, at: Date, recheck: boolean): Promise<Prepared> {
  const library = servedHere(message, await addressedLibrary(deps, message));
  // A request to a broker hub served here is brokered, not supplied (services/broker/hub.ts).
  const hub = brokerSettingsOf(library);
  if (hub) return prepareBrokeredRequest(deps, library, hub, message, at, recheck);
  const requesterSymbol = symbolOf(message.header.requestingAgencyId);
  if (recheck && (await findSupplierRequest(deps.db, library.symbol, requesterSymbol, message.header.requestingAgencyRequestId))) {
    throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: a request with id ${message.header.requestingAgencyRequestId} already exists`);
  }
  const retried = message.serviceInfo?.requestType === 'Retry' ? await retriedRequest(deps, library.symbol, requesterSymbol, message) : undefined;
  const serviceType = message.serviceInfo?.serviceType ?? 'Loan';
  const lifecycle: Lifecycle = { serviceType };
  const started = startSupplier(lifecycle);
  const id = deps.newId();
  const start = retried ? { ...started, note: `${started.note ?? ''}: a Retry of request ${retried.requestingAgencyRequestId} (${retried.id}), after our retry offer` } : started;
  const prepared = prepareNew(
    {
      id,
      libraryId: library.id,
      role: 'supplier',
      state: start.state,
      serviceType,
      requestingAgencyId: requesterSymbol,
      requestingAgencyRequestId: message.header.requestingAgencyRequestId,
      supplyingAgencyId: library.symbol,
      // Our id for the request, sent back to the requester in every message.
      supplyingAgencyRequestId: id,
      data: {
        ...requestDataFromIso(message),
        ...(retried ? { retryOf: retried.id } : {}),
        lifecycle,
      },
    },
    { event: 'request_received', actor: `partner:${requesterSymbol}`, decision: start },
    [{ event: 'validate', actor: 'system', input: { role: 'supplier', event: { type: 'validate' } } }],
    { at, library, supplierTimeoutMs: deps.supplierTimeoutMs },
  );
  if (!retried) return prepared;
  // The previous transaction's timeline links to the new one, in the same write.
  const remark = { event: 'retried', fromState: retried.state, toState: retried.state, actor: `partner:${requesterSymbol}`, data: { note: `the requester took up our retry offer: request ${message.header.requestingAgencyRequestId} (${id})`, retriedAs: id }, at };
  return { ...prepared, write: { ...prepared.write, linked: { id: retried.id, data: { retriedAs: id }, events: [remark], at } } };
}

/**
 * The request a Retry names (serviceInfo.requestingAgencyPreviousRequestId): one of ours from the
 * same requester, whose last status was RetryPossible and that was not retried already
 * (crosslink refuses the same way). Anything else is refused, naming why.
 */
async function retriedRequest(deps: LifecycleDeps, supplier: string, requester: string, message: Request): Promise<RequestRow> {
  const path = 'serviceInfo.requestingAgencyPreviousRequestId';
  const previousId = message.serviceInfo?.requestingAgencyPreviousRequestId?.trim() ?? '';
  if (previousId === '') throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: a Retry must name the request it retries`);
  const previous = await findSupplierRequest(deps.db, supplier, requester, previousId);
  if (!previous) throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: ${supplier} has no request ${previousId} from ${requester}`);
  const last = previous.data.lifecycle.lastStatus;
  if (previous.state !== 'retry_offered' || last !== 'RetryPossible') throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: request ${previousId}'s last status was ${last ?? 'none'}, not RetryPossible`);
  if (previous.data.retriedAs) throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: request ${previousId} was retried already`);
  return previous;
}

/** A supplyingAgencyMessage or requestingAgencyMessage: its request, decided through the pipeline. */
async function prepareMessage(deps: LifecycleDeps, message: PartnerMessage, sender: string, at: Date): Promise<Prepared> {
  const { request, input, learned } = await correlate(deps, message, sender);
  const ctx = await contextFor(deps, request);
  // Decided before anything is written, so a refused message leaves the request exactly as it was.
  return prepare(request, { input, actor: `partner:${sender}`, ...(learned ? { learned } : {}) }, { ...ctx, at });
}

/**
 * Why a message was refused, kept with it (parsed.refusal) so a partner's conformance report can
 * count refusals by errorType and point at the element (services/conformance/).
 */
interface Refusal {
  readonly errorType: ErrorType;
  readonly element?: string;
}

/** Business refusals name their element first: `header.requestingAgencyRequestId: no request …`. */
function elementOf(detail: string): { element?: string } {
  const path = /^([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+):/.exec(detail)?.[1];
  return path ? { element: path } : {};
}

/**
 * The agency a message that could not be read says it is from, so its refusal counts for that
 * partner. Unauthenticated, as every refusal's sender is: good enough for a report, never for access.
 */
function claimedSender(failure: Iso18626Error | undefined): string | undefined {
  const id = failure?.kind === 'supplyingAgencyMessage' ? failure.header?.supplyingAgencyId : failure?.header?.requestingAgencyId;
  return id?.agencyIdValue ? symbolOf(id) : undefined;
}

/** A message answered, for ill_iso18626_messages_total (and our ERROR, by errorType). */
interface InboundCount {
  /** The sender it claims to be: counted under its symbol only if the directory knows it. */
  readonly peer?: string | null | undefined;
  readonly messageType?: string | undefined;
  readonly status: 'answered' | 'rejected' | 'duplicate';
  readonly errorType?: string;
}

async function countInbound(deps: LifecycleDeps, counted: InboundCount): Promise<void> {
  if (!deps.metrics) return;
  const partner = await partnerLabel(deps.directory, counted.peer);
  deps.metrics.iso18626Message('in', partner, counted.messageType, counted.status);
  if (counted.status === 'rejected') deps.metrics.confirmationError('in', partner, counted.errorType);
}

/** What the message says, ignoring formatting: two deliveries of one message share it. */
function digest(message: InboundMessage): string {
  return createHash('sha256').update(JSON.stringify(message)).digest('hex');
}

function inboundRecord(
  deps: LifecycleDeps,
  body: string,
  fields: { status: string; peer?: string | null | undefined; messageType?: string; requestId?: string | null; responseXml: string; httpStatus: number; parsed?: unknown; error?: string | undefined; dedupeKey?: string },
) {
  return {
    id: deps.newId(),
    protocol: 'iso18626' as const,
    direction: 'in' as const,
    peer: fields.peer ?? null,
    messageType: fields.messageType ?? null,
    status: fields.status,
    requestId: fields.requestId ?? null,
    rawXml: body,
    responseXml: fields.responseXml,
    httpStatus: fields.httpStatus,
    parsed: fields.parsed ?? null,
    error: fields.error ?? null,
    dedupeKey: fields.dedupeKey ?? null,
    createdAt: deps.now(),
  };
}
