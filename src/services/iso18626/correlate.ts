/**
 * Which request a partner's SAM or RAM is about, and at which rota position its sender stands:
 * one answer for direct traffic (our borrowing and lending requests) and for the broker hub's
 * transactions, so the event is made and applied the same way (pipeline/pipeline.ts).
 *
 * - Addressed to a broker library here: a SAM from one of its rota suppliers, or a RAM from the
 *   requester that made the request.
 * - Addressed to an agency not served here: a transparent hub's traffic, where the header names
 *   the real requester (SAM) or the real supplier (RAM).
 * - Otherwise addressed to a member library: a SAM to its borrowing request, a RAM to its loan.
 *
 * A message that finds nothing is refused (Iso18626Refusal), in the words of the header field
 * that did not match.
 */
import type { InboundMessage, Request } from '../../../protocols/iso18626';
import { requesterMessageEvent, supplierMessageEvent } from '../../domain/inbound';
import { findBrokerTransactions } from '../../store/broker-requests';
import type { Db } from '../../store/db';
import type { LibraryRow } from '../../store/libraries';
import { findRequestByEarlierId, findRequestByTransaction, findSupplierRequest, type RequestRow } from '../../store/requests';
import { brokerSettingsOf } from '../broker/settings';
import type { ServiceDeps } from '../deps';
import type { AnyEvent, Learned } from '../pipeline/pipeline';
import { returnToFromIso, symbolOf } from './mapping';
import { Iso18626Refusal } from './refusal';
import { supplierRequestIdOf } from './request-ids';

export type PartnerMessage = Exclude<InboundMessage, Request>;

export interface Correlated {
  readonly request: RequestRow;
  /** The machine's event for the message. */
  readonly input: AnyEvent;
  /** The supplier's own id for the request, when the current supplier names it. */
  readonly learned?: Learned;
}

/** The member library a message is addressed to (the other agency in the header), if it is one. */
export async function addressedLibrary(deps: ServiceDeps, message: InboundMessage): Promise<{ symbol: string; library: LibraryRow | undefined }> {
  const symbol = symbolOf(message.kind === 'supplyingAgencyMessage' ? message.header.requestingAgencyId : message.header.supplyingAgencyId);
  return { symbol, library: await deps.directory.library(symbol) };
}

/** The member library a message is addressed to, or the refusal a partner gets when it is none. */
export function servedHere(message: InboundMessage, addressed: { symbol: string; library: LibraryRow | undefined }): LibraryRow {
  const path = message.kind === 'supplyingAgencyMessage' ? 'header.requestingAgencyId' : 'header.supplyingAgencyId';
  if (!addressed.library) throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: ${addressed.symbol} is not a library served here`);
  return addressed.library;
}

export async function correlate(deps: ServiceDeps, message: PartnerMessage, sender: string): Promise<Correlated> {
  const { db } = deps;
  const addressed = await addressedLibrary(deps, message);
  const request = (await brokerTransaction(db, message, sender, addressed.library)) ?? (await directRequest(db, message, servedHere(message, addressed)));
  if (message.kind === 'requestingAgencyMessage') {
    if (request.role === 'broker' && sender !== request.requestingAgencyId) {
      throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyId: ${sender} did not make request ${request.requestingAgencyRequestId}`);
    }
    const event = requesterMessageEvent(message);
    return { request, input: request.role === 'broker' ? { role: 'broker', event } : { role: 'supplier', event } };
  }
  const rotaIndex = await senderPosition(deps, request, sender);
  if (rotaIndex < 0) throw new Iso18626Refusal('UnrecognisedDataValue', `header.supplyingAgencyId: ${sender} is not a supplier of request ${message.header.requestingAgencyRequestId}`);
  const named = message.header.requestingAgencyRequestId;
  if (request.role === 'requester' && named !== request.requestingAgencyRequestId) {
    // About the transaction before a retry renamed it: noted, not applied.
    return { request, input: { role: 'requester', event: { ...supplierMessageEvent(message, rotaIndex), earlierTransaction: named } } };
  }
  const event = supplierMessageEvent(message, rotaIndex);
  const supplierRequestId = supplierRequestIdOf(message.header);
  // Only the current supplier's id is kept: a late message of an earlier one changes nothing.
  const current = rotaIndex === (request.data.lifecycle.rotaIndex ?? 0);
  // Where the current lender wants its item back, for the book band.
  const returnTo = current && message.returnInfo ? returnToFromIso(message.returnInfo) : undefined;
  const learned: Learned = {
    ...(current && supplierRequestId ? { supplier: { symbol: sender, requestId: supplierRequestId } } : {}),
    ...(returnTo ? { data: (data) => ({ ...data, returnTo }) } : {}),
  };
  return {
    request,
    input: request.role === 'broker' ? { role: 'broker', event } : { role: 'requester', event },
    ...(Object.keys(learned).length > 0 ? { learned } : {}),
  };
}

async function directRequest(db: Db, message: PartnerMessage, library: LibraryRow): Promise<RequestRow> {
  const requestId = message.header.requestingAgencyRequestId;
  if (message.kind === 'supplyingAgencyMessage') {
    const key = { role: 'requester', requestingAgencyId: library.symbol, requestingAgencyRequestId: requestId } as const;
    const request = (await findRequestByTransaction(db, key)) ?? (await findRequestByEarlierId(db, key));
    if (!request) throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: no request ${requestId} of ${library.symbol}`);
    return request;
  }
  const requester = symbolOf(message.header.requestingAgencyId);
  const request = await findSupplierRequest(db, library.symbol, requester, requestId);
  if (!request) throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: no request ${requestId} from ${requester}`);
  return request;
}

/**
 * The brokered transaction a message belongs to, or undefined when it is not for the hub.
 * `hub` is the member library the header addresses, if it is one.
 */
async function brokerTransaction(db: Db, message: PartnerMessage, sender: string, hub: LibraryRow | undefined): Promise<RequestRow | undefined> {
  const isSam = message.kind === 'supplyingAgencyMessage';
  const recipient = symbolOf(isSam ? message.header.requestingAgencyId : message.header.supplyingAgencyId);
  const requestId = message.header.requestingAgencyRequestId;
  if (hub) {
    if (brokerSettingsOf(hub) === undefined) return undefined;
    const rows = isSam
      ? (await findBrokerTransactions(db, { libraryId: hub.id, requestingAgencyRequestId: requestId })).filter((r) => inRota(r, sender))
      : await findBrokerTransactions(db, { libraryId: hub.id, requestingAgencyId: sender, requestingAgencyRequestId: requestId });
    if (rows.length !== 1) {
      throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: ${recipient} brokers no request ${requestId} ${isSam ? `that ${sender} was asked to supply` : `of ${sender}`}`);
    }
    return rows[0];
  }
  const rows = isSam
    ? (await findBrokerTransactions(db, { requestingAgencyId: recipient, requestingAgencyRequestId: requestId })).filter((r) => transparent(r) && inRota(r, sender))
    : (await findBrokerTransactions(db, { requestingAgencyId: sender, requestingAgencyRequestId: requestId })).filter((r) => transparent(r) && inRota(r, recipient));
  return rows.length === 1 ? rows[0] : undefined;
}

const rotaOf = (row: RequestRow): string[] => (row.data.lifecycle.rota ?? []).map((e) => e.symbol);
const inRota = (row: RequestRow, symbol: string): boolean => rotaOf(row).includes(symbol);
const transparent = (row: RequestRow): boolean => row.data.broker?.mode === 'transparent';

/**
 * The sender's place in the rota: the current supplier, else its latest place (a late message of
 * an earlier supplier, noted and not applied). A borrowing request also hears a transparent hub's
 * supplier as the current one (`reachedThroughHub`). -1: not a supplier of this request.
 */
async function senderPosition(deps: ServiceDeps, request: RequestRow, sender: string): Promise<number> {
  const rota = rotaOf(request);
  const current = request.data.lifecycle.rotaIndex ?? 0;
  if (rota[current] === sender) return current;
  if (rota.includes(sender)) return rota.lastIndexOf(sender);
  if (request.role === 'requester' && (await reachedThroughHub(deps, sender, rota[current]))) return current;
  return -1;
}

/** The directory marks a partner as a broker hub with vendor `broker` (any case). */
export const BROKER_VENDOR = 'broker';

/**
 * A requester accepts a SAM from an agency outside its rota when the current rota supplier is a
 * broker hub (directory vendor `broker`) and the sender is reached at the hub's ISO 18626 address:
 * a transparent hub relaying its supplier. (The same address alone proves nothing: one server
 * serves many libraries.)
 */
async function reachedThroughHub(deps: ServiceDeps, sender: string, current: string | undefined): Promise<boolean> {
  if (!current || current === sender) return false;
  const [from, hub] = await Promise.all([deps.directory.partner(sender), deps.directory.partner(current)]);
  if (hub?.vendor?.toLowerCase() !== BROKER_VENDOR) return false;
  return Boolean(from?.iso18626Url && hub.iso18626Url && from.iso18626Url === hub.iso18626Url);
}
