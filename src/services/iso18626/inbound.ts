/**
 * POST /iso18626, the use case: a partner's message in, its synchronous confirmation out.
 *
 * 1. Parse leniently; an unreadable body gets an ERROR confirmation (HTTP 400/413 as peers do).
 * 2. A message seen before (same content, same timestamp) gets the answer it got the first time
 *    and changes nothing: deliveries are at-least-once, effects must be exactly-once.
 * 3. Authenticate the sender: a partner in the directory (and its security code, if it has one),
 *    writing to a library served here.
 * 4. Find the transaction, apply the event through the machine, and save the state change, the
 *    message and its confirmation in one transaction.
 * Business refusals are ERROR confirmations with the ISO 18626 errorType, HTTP 200.
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
  type InboundMessage,
  type ParseResult,
  type Request,
} from '../../../protocols/iso18626';
import { requesterMessageEvent, supplierMessageEvent } from '../../domain/inbound';
import { startSupplier } from '../../domain/supplier';
import { IllegalTransition, type Decision, type Lifecycle } from '../../domain/types';
import type { Db } from '../../store/db';
import { findLibraryBySymbol, type LibraryRow } from '../../store/libraries';
import { findMessageByDedupeKey, recordMessage, undecodableColumns } from '../../store/messages';
import { findPartnerBySymbol } from '../../store/partners';
import { findRequestByTransaction, findSupplierRequest, insertRequest, updateRequest, type RequestRow } from '../../store/requests';
import { Conflict } from '../errors';
import { Iso18626Refusal } from './refusal';
import { appendEvent } from '../../store/events';
import { bibliographicFromIso, symbolOf } from './mapping';
import { decide, eventLabel, saveDecision, type AnyEvent, type LifecycleDeps } from '../pipeline/pipeline';
import { securityCodeAccepted } from '../directory/partner-auth';
import { acceptBrokeredRequest, applyToBroker, brokerSettingsOf, findBrokerTransaction, reachedThroughHub } from '../broker/hub';

export interface InboundAnswer {
  readonly httpStatus: number;
  readonly xml: string;
}

/** `body` is the message as text, or bytes that are not text (protocols/decode.ts), refused as BadlyFormedMessage. */
export async function receiveIso18626(deps: LifecycleDeps, body: string | Undecodable, meta: { remote?: string } = {}): Promise<InboundAnswer> {
  const now = deps.now();
  if (typeof body !== 'string') return refuseUndecodable(deps, body, now, meta.remote);
  const parsedOutcome = tryParseIso18626(body);
  const outcome = confirmInbound(parsedOutcome, now);
  if (!parsedOutcome.ok || outcome.answersKind === undefined) {
    // Not parseable as an inbound message: answer, record, change nothing.
    const xml = buildIso18626(outcome.message);
    await recordMessage(deps.db, inboundRecord(deps, body, { status: 'rejected', peer: meta.remote, responseXml: xml, httpStatus: outcome.httpStatus, error: outcome.message.errorData?.errorValue }));
    return { httpStatus: outcome.httpStatus, xml };
  }
  const parsed = parsedOutcome.result;
  const message = parsed.message as InboundMessage;
  const dedupeKey = digest(message);

  for (let attempt = 0; ; attempt++) {
    const previous = await findMessageByDedupeKey(deps.db, 'iso18626', dedupeKey);
    if (previous?.responseXml) {
      await recordMessage(deps.db, inboundRecord(deps, body, { status: 'duplicate', peer: previous.peer, messageType: message.kind, requestId: previous.requestId, responseXml: previous.responseXml, httpStatus: previous.httpStatus ?? 200, parsed: message }));
      return { httpStatus: previous.httpStatus ?? 200, xml: previous.responseXml };
    }
    try {
      const answer = await deps.db.transaction((tx) => handle(deps, tx, body, message, parsed, dedupeKey));
      deps.wake?.(); // after the commit: the relay only sees committed outbox rows
      return answer;
    } catch (err) {
      // A concurrent delivery of the same message, or a concurrent change of the request, won the
      // race: look again (the duplicate is then answered from the record).
      if (attempt < 3 && isRetryableRace(err)) continue;
      throw err;
    }
  }
}

/** Kept as it came (a printable rendering, and every byte), answered as a document that is not XML. */
async function refuseUndecodable(deps: LifecycleDeps, body: Undecodable, now: Date, remote: string | undefined): Promise<InboundAnswer> {
  const failure = new Iso18626Error({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message', problem: body.reason, xmlFailure: 'malformed' });
  const outcome = confirmInbound(failure, now);
  const xml = buildIso18626(outcome.message);
  const { rawXml, parsed } = undecodableColumns(body);
  await recordMessage(deps.db, inboundRecord(deps, rawXml, { status: 'rejected', peer: remote, responseXml: xml, httpStatus: outcome.httpStatus, parsed, error: failure.detail }));
  return { httpStatus: outcome.httpStatus, xml };
}

async function handle(deps: LifecycleDeps, tx: Db, body: string, message: InboundMessage, parsed: ParseResult, dedupeKey: string): Promise<InboundAnswer> {
  const at = deps.now();
  const sender = symbolOf(message.kind === 'supplyingAgencyMessage' ? message.header.supplyingAgencyId : message.header.requestingAgencyId);
  let requestId: string | undefined;
  let confirmation: ConfirmationMessage;
  let error: string | undefined;
  try {
    await authenticate(tx, message, sender);
    const applied = message.kind === 'request' ? await acceptRequest(deps, tx, message, at) : await applyMessage(deps, tx, message, sender, at);
    requestId = applied.id;
    confirmation = confirmationFor(message, at);
  } catch (err) {
    if (err instanceof Iso18626Refusal) {
      confirmation = rejection(message, err.errorType, err.detail, at);
      error = `${err.errorType}: ${err.detail}`;
    } else if (err instanceof IllegalTransition) {
      confirmation = rejection(message, err.protocolError ?? 'UnrecognisedDataValue', `${err.event} is not possible now: ${err.reason}`, at);
      error = `${confirmation.errorData!.errorType}: ${err.message}`;
    } else throw err;
  }
  const xml = buildIso18626(confirmation);
  await recordMessage(
    tx,
    inboundRecord(deps, body, {
      status: error ? 'rejected' : 'answered',
      peer: sender,
      messageType: message.kind,
      requestId,
      responseXml: xml,
      httpStatus: 200,
      parsed: { message, warnings: parsed.warnings, unknownElements: parsed.unknownElements },
      error,
      dedupeKey,
    }),
  );
  return { httpStatus: 200, xml };
}

async function authenticate(tx: Db, message: InboundMessage, sender: string): Promise<void> {
  const senderPath = message.kind === 'supplyingAgencyMessage' ? 'header.supplyingAgencyId' : 'header.requestingAgencyId';
  const partner = await findPartnerBySymbol(tx, sender);
  if (!partner || partner.status === 'inactive') throw new Iso18626Refusal('UnrecognisedDataValue', `${senderPath}: ${sender} is not a partner of this server`);
  if (!securityCodeAccepted(partner, message.header.requestingAgencyAuthentication?.securityCode)) {
    throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyAuthentication: the security code for ${sender} is missing or wrong`);
  }
}

/** The member library a message is addressed to (the other agency in the header). */
async function addressedLibrary(tx: Db, message: InboundMessage): Promise<{ symbol: string; library: LibraryRow | undefined }> {
  const symbol = symbolOf(message.kind === 'supplyingAgencyMessage' ? message.header.requestingAgencyId : message.header.supplyingAgencyId);
  return { symbol, library: await findLibraryBySymbol(tx, symbol) };
}

/** The member library a message is addressed to, or the refusal a partner gets when it is none. */
function servedHere(message: InboundMessage, addressed: { symbol: string; library: LibraryRow | undefined }): LibraryRow {
  const path = message.kind === 'supplyingAgencyMessage' ? 'header.requestingAgencyId' : 'header.supplyingAgencyId';
  if (!addressed.library) throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: ${addressed.symbol} is not a library served here`);
  return addressed.library;
}

/** A new request from a partner: one supplier-side request, validated at once. */
async function acceptRequest(deps: LifecycleDeps, tx: Db, message: Request, at: Date): Promise<RequestRow> {
  const library = servedHere(message, await addressedLibrary(tx, message));
  // A request to a broker hub served here is brokered, not supplied (services/broker/hub.ts).
  const hub = brokerSettingsOf(library);
  if (hub) return acceptBrokeredRequest(deps, tx, library, hub, message, at);
  const requesterSymbol = symbolOf(message.header.requestingAgencyId);
  const existing = await findSupplierRequest(tx, library.symbol, requesterSymbol, message.header.requestingAgencyRequestId);
  if (existing) {
    throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: a request with id ${message.header.requestingAgencyRequestId} already exists`);
  }
  const serviceType = message.serviceInfo?.serviceType ?? 'Loan';
  const lifecycle: Lifecycle = { serviceType };
  const start = startSupplier(lifecycle);
  const id = deps.newId();
  const row = await insertRequest(
    tx,
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
        bibliographic: bibliographicFromIso(message),
        ...(message.patronInfo?.patronId ? { patron: { id: message.patronInfo.patronId } } : {}),
        ...(message.serviceInfo?.needBeforeDate ? { neededBy: message.serviceInfo.needBeforeDate.slice(0, 10) } : {}),
        ...(message.serviceInfo?.note ? { note: message.serviceInfo.note } : {}),
        requestingAgencyName: message.requestingAgencyInfo?.name,
        lifecycle,
      },
    },
    at,
  );
  await appendEvent(tx, { requestId: id, event: 'request_received', fromState: null, toState: start.state, actor: `partner:${requesterSymbol}`, data: start.note ? { note: start.note } : {}, at });
  const validated = decide(row, { role: 'supplier', event: { type: 'validate' } }, at, deps.supplierTimeoutMs);
  return saveDecision(tx, row, validated, { event: 'validate', actor: 'system', at, newId: deps.newId, library });
}

/** A supplyingAgencyMessage (to our requester) or requestingAgencyMessage (to our supplier). */
async function applyMessage(deps: LifecycleDeps, tx: Db, message: Exclude<InboundMessage, Request>, sender: string, at: Date): Promise<RequestRow> {
  // One lookup of the addressed library serves both the hub check and the direct case.
  const addressed = await addressedLibrary(tx, message);
  const brokered = await findBrokerTransaction(tx, message, sender, addressed.library);
  if (brokered) return applyToBroker(deps, tx, brokered, message, sender, at);
  const library = servedHere(message, addressed);
  const requesterSymbol = symbolOf(message.header.requestingAgencyId);
  const requestIdText = message.header.requestingAgencyRequestId;
  if (message.kind === 'supplyingAgencyMessage') {
    const request = await findRequestByTransaction(tx, { role: 'requester', requestingAgencyId: library.symbol, requestingAgencyRequestId: requestIdText });
    if (!request) throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: no request ${requestIdText} of ${library.symbol}`);
    const lifecycle = (request.data as { lifecycle?: Lifecycle }).lifecycle;
    const rota = (lifecycle?.rota ?? []).map((e) => e.symbol);
    const current = lifecycle?.rotaIndex ?? 0;
    // A transparent broker relays its supplier's messages under the supplier's own symbol.
    const rotaIndex = rota[current] === sender ? current : rota.includes(sender) ? rota.lastIndexOf(sender) : (await reachedThroughHub(tx, sender, rota[current])) ? current : -1;
    if (rotaIndex < 0) throw new Iso18626Refusal('UnrecognisedDataValue', `header.supplyingAgencyId: ${sender} is not a supplier of request ${requestIdText}`);
    const input: AnyEvent = { role: 'requester', event: supplierMessageEvent(message, rotaIndex) };
    const decision = decide(request, input, at, deps.supplierTimeoutMs);
    // Decided first, so a refused message leaves the request exactly as it was.
    const supplierRequestId = message.header.supplyingAgencyRequestId;
    const latest = rotaIndex === current && supplierRequestId && request.supplyingAgencyRequestId !== supplierRequestId
      ? await rememberSupplierIds(tx, request, sender, supplierRequestId, at)
      : request;
    return save(deps, tx, latest, decision, input, sender, at, library);
  }
  const request = await findSupplierRequest(tx, library.symbol, requesterSymbol, requestIdText);
  if (!request) throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: no request ${requestIdText} from ${requesterSymbol}`);
  const input: AnyEvent = { role: 'supplier', event: requesterMessageEvent(message) };
  return save(deps, tx, request, decide(request, input, at, deps.supplierTimeoutMs), input, sender, at, library);
}

async function save(deps: LifecycleDeps, tx: Db, request: RequestRow, decision: Decision<string>, input: AnyEvent, sender: string, at: Date, library: LibraryRow): Promise<RequestRow> {
  return saveDecision(tx, request, decision, { event: eventLabel(input), actor: `partner:${sender}`, at, newId: deps.newId, library });
}

async function rememberSupplierIds(tx: Db, request: RequestRow, supplier: string, supplierRequestId: string, at: Date): Promise<RequestRow> {
  const updated = await updateRequest(tx, request.id, request.version, { supplyingAgencyId: supplier, supplyingAgencyRequestId: supplierRequestId }, at);
  if (!updated) throw new RaceLost();
  return updated;
}

class RaceLost extends Error {}

function isRetryableRace(err: unknown): boolean {
  if (err instanceof RaceLost) return true;
  if (err instanceof Conflict) return true;
  // 23505 unique_violation: the same message (dedupe key) or request id committed first.
  const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  return code === '23505';
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
