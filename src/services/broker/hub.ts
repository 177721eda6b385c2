/**
 * The broker hub, around the pure machine in src/domain/broker.ts.
 *
 * - **Who is a broker.** A member library whose `settings.broker` is `{ mode: 'opaque' | 'transparent' }`.
 *   A `request` addressed to its symbol is brokered instead of supplied.
 * - **Rows.** One `requests` row with role `broker` per brokered request: `libraryId` the hub,
 *   `requestingAgencyId`/`requestingAgencyRequestId` the requester's key, `supplyingAgencyId`/
 *   `supplyingAgencyRequestId` the current supplier and its id once it has answered. `data` keeps
 *   the request (bibliographic, patron id, note), `broker` {symbol, mode} fixed at intake, the
 *   routing explanation, and `lifecycle` (rota, rotaIndex, the current supplier's status). Its
 *   events are the audit trail of the whole brokered transaction.
 * - **Ids.** Not rewritten (CrossLink): every supplier gets the requester's id. So the hub refuses
 *   a request id it already brokers for anyone, and a supplier's message finds its transaction by
 *   (hub, request id) and the sender's place in the rota.
 * - **Modes** differ only in the symbols the headers show (iso18626/mapping.ts `brokerSides`). All
 *   traffic goes through the hub either way. In transparent mode the peers' directories point the
 *   other side's real symbols at the hub's address: a supplier answers "the requester" at the hub,
 *   and the requester accepts a relayed message from a supplier its directory reaches at the same
 *   address as the hub, when its directory marks the hub with vendor `broker` (`reachedThroughHub`).
 *   Transparent mode needs the requester and the hub on different servers (on one server, both
 *   would read the same header as theirs).
 * - **Routing.** `routeRequest` as for a borrowing request, judged for the real requester: the
 *   candidates are the request's supplierInfo codes, else the whole directory; the requester
 *   and the hub itself are dropped.
 * - **Failures.** A supplier refusing the `request` (ERROR confirmation, 4xx, no address) moves the
 *   rota on. A relayed message that is refused makes the transaction need attention, and a
 *   requester whose message did not reach the supplier is told so (iso18626/delivery.ts).
 */
import { z } from 'zod';
import type { InboundMessage, Request } from '../../../protocols/iso18626';
import { BROKER_MODES, startBroker, type BrokerEvent } from '../../domain/broker';
import { requesterMessageEvent, supplierMessageEvent } from '../../domain/inbound';
import type { RoutingVerdict } from '../../domain/routing';
import { sameSymbol } from '../../domain/symbols';
import type { Lifecycle, RotaEntry } from '../../domain/types';
import { findBrokerTransactions } from '../../store/broker-requests';
import type { Db } from '../../store/db';
import type { LibraryRow } from '../../store/libraries';
import { findPartnerBySymbol } from '../../store/partners';
import { getRequest, insertRequest, updateRequest, type RequestRow } from '../../store/requests';
import { Conflict } from '../errors';
import type { SendPayload } from '../../jobs';
import { bibliographicFromIso, symbolOf, type BrokerData } from '../iso18626/mapping';
import { Iso18626Refusal } from '../iso18626/refusal';
import { applyChanges, applyEvent, decide, DEFAULT_ROUTING, eventLabel, lifecycleOf, saveDecision, type AnyEvent, type LifecycleDeps } from '../pipeline/pipeline';
import { routeRequest } from '../borrowing/routing';

export const brokerSettingsSchema = z.object({ mode: z.enum(BROKER_MODES) }).strict();
export type BrokerSettings = z.output<typeof brokerSettingsSchema>;

/** The library's broker settings: undefined when it is not a broker; a refusal when they do not validate. */
export function brokerSettingsOf(library: LibraryRow): BrokerSettings | undefined {
  const stored = (library.settings as { broker?: unknown }).broker;
  if (stored === undefined) return undefined;
  const parsed = brokerSettingsSchema.safeParse(stored);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${['settings', 'broker', ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new Iso18626Refusal('UnrecognisedDataValue', `${library.symbol} is set up as a broker with invalid settings (${problem})`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Intake

/** A `request` addressed to the hub: its own transaction, routed, and the first supplier asked. */
export async function acceptBrokeredRequest(deps: LifecycleDeps, tx: Db, library: LibraryRow, settings: BrokerSettings, message: Request, at: Date): Promise<RequestRow> {
  const requester = symbolOf(message.header.requestingAgencyId);
  const requestId = message.header.requestingAgencyRequestId;
  if (!requestId.trim()) throw new Iso18626Refusal('UnrecognisedDataValue', 'header.requestingAgencyRequestId: must not be empty');
  if ((await findBrokerTransactions(tx, { libraryId: library.id, requestingAgencyRequestId: requestId })).length > 0) {
    throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: a request with id ${requestId} already exists`);
  }
  const serviceType = message.serviceInfo?.serviceType ?? 'Loan';
  const format = message.serviceInfo?.preferredFormat?.value;
  const candidates = candidatesOf(message);
  // Judged for the real requester: it is dropped, and reciprocity and limits are its own.
  const plan = await routeRequest(tx, { ...library, symbol: requester }, { serviceType, ...(format ? { format } : {}), ...(candidates.length > 0 ? { candidates } : {}) }, deps.routing ?? DEFAULT_ROUTING, at);
  const rota = plan.rota.filter((e) => !sameSymbol(e.symbol, library.symbol));
  const explanation: RoutingVerdict[] = plan.explanation.map((v) => (v.kept && sameSymbol(v.symbol, library.symbol) ? { symbol: v.symbol, kept: false, reason: 'is the broker itself' } : v));
  const lifecycle: Lifecycle = { serviceType, rota };
  const start = startBroker(lifecycle, { at, supplierTimeoutMs: deps.supplierTimeoutMs }, noSupplierReason(explanation));
  const id = deps.newId();
  const broker: BrokerData = { symbol: library.symbol, mode: settings.mode };
  const row = await insertRequest(
    tx,
    {
      id,
      libraryId: library.id,
      role: 'broker',
      state: start.state,
      serviceType,
      requestingAgencyId: requester,
      requestingAgencyRequestId: requestId,
      supplyingAgencyId: null,
      supplyingAgencyRequestId: null,
      data: {
        bibliographic: bibliographicFromIso(message),
        ...(message.patronInfo?.patronId ? { patron: { id: message.patronInfo.patronId } } : {}),
        ...(message.serviceInfo?.needBeforeDate ? { neededBy: message.serviceInfo.needBeforeDate.slice(0, 10) } : {}),
        ...(message.serviceInfo?.note ? { note: message.serviceInfo.note } : {}),
        ...(message.requestingAgencyInfo?.name ? { requestingAgencyName: message.requestingAgencyInfo.name } : {}),
        ...(candidates.length > 0 ? { candidates } : {}),
        broker,
        routing: { strategy: plan.strategy, explanation, at: at.toISOString() },
        lifecycle: applyChanges(lifecycle, start.changes),
      },
    },
    at,
  );
  return saveDecision(tx, row, start, { event: 'request_received', actor: `partner:${requester}`, at, newId: deps.newId, initial: true });
}

/** The holdings the requester named (supplierInfo supplierCode), in its order. */
function candidatesOf(message: Request): RotaEntry[] {
  const entries: RotaEntry[] = [];
  for (const info of message.supplierInfo ?? []) {
    if (!info.supplierCode) continue;
    entries.push({ symbol: symbolOf(info.supplierCode), ...(info.supplierDescription ? { localId: info.supplierDescription } : {}), ...(info.callNumber ? { callNumber: info.callNumber } : {}) });
  }
  return entries;
}

function noSupplierReason(explanation: readonly RoutingVerdict[]): string {
  const dropped = explanation.filter((v) => !v.kept);
  if (dropped.length === 0) return 'no supplier in the directory can be asked';
  return `no supplier can be asked: ${dropped.map((v) => `${v.symbol} ${v.reason}`).join('; ')}`;
}

// ---------------------------------------------------------------------------------------------
// Messages of a brokered transaction

/**
 * The brokered transaction an inbound SAM or RAM belongs to, or undefined when it is not for the
 * hub (the caller goes on with its requester and supplier rows).
 * - Addressed to a broker library here: a SAM from a rota supplier, or a RAM from the requester.
 * - Addressed to an agency not served here: a transparent hub's traffic, where the header names
 *   the real requester (SAM) or the real supplier (RAM).
 */
export async function findBrokerTransaction(
  tx: Db,
  message: Exclude<InboundMessage, Request>,
  sender: string,
  /** The member library the header addresses, if it is one (the caller has looked it up). */
  hub: LibraryRow | undefined,
): Promise<RequestRow | undefined> {
  const isSam = message.kind === 'supplyingAgencyMessage';
  const recipient = symbolOf(isSam ? message.header.requestingAgencyId : message.header.supplyingAgencyId);
  const requestId = message.header.requestingAgencyRequestId;
  if (hub) {
    if (brokerSettingsOf(hub) === undefined) return undefined;
    const rows = isSam
      ? (await findBrokerTransactions(tx, { libraryId: hub.id, requestingAgencyRequestId: requestId })).filter((r) => inRota(r, sender))
      : await findBrokerTransactions(tx, { libraryId: hub.id, requestingAgencyId: sender, requestingAgencyRequestId: requestId });
    if (rows.length !== 1) {
      throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: ${recipient} brokers no request ${requestId} ${isSam ? `that ${sender} was asked to supply` : `of ${sender}`}`);
    }
    return rows[0];
  }
  const rows = isSam
    ? (await findBrokerTransactions(tx, { requestingAgencyId: recipient, requestingAgencyRequestId: requestId })).filter((r) => transparent(r) && inRota(r, sender))
    : (await findBrokerTransactions(tx, { requestingAgencyId: sender, requestingAgencyRequestId: requestId })).filter((r) => transparent(r) && inRota(r, recipient));
  return rows.length === 1 ? rows[0] : undefined;
}

const rotaOf = (row: RequestRow): string[] => (lifecycleOf(row).rota ?? []).map((e) => e.symbol);
const inRota = (row: RequestRow, symbol: string): boolean => rotaOf(row).includes(symbol);
const transparent = (row: RequestRow): boolean => (row.data as { broker?: BrokerData }).broker?.mode === 'transparent';

/** Applies a SAM (from a rota supplier) or RAM (from the requester) to its brokered transaction. */
export async function applyToBroker(deps: LifecycleDeps, tx: Db, row: RequestRow, message: Exclude<InboundMessage, Request>, sender: string, at: Date): Promise<RequestRow> {
  if (message.kind === 'requestingAgencyMessage') {
    if (sender !== row.requestingAgencyId) throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyId: ${sender} did not make request ${row.requestingAgencyRequestId}`);
    const input: AnyEvent = { role: 'broker', event: requesterMessageEvent(message) };
    return saveDecision(tx, row, decide(row, input, at, deps.supplierTimeoutMs), { event: eventLabel(input), actor: `partner:${sender}`, at, newId: deps.newId });
  }
  const rota = rotaOf(row);
  const current = lifecycleOf(row).rotaIndex ?? 0;
  const rotaIndex = rota[current] === sender ? current : rota.lastIndexOf(sender);
  if (rotaIndex < 0) throw new Iso18626Refusal('UnrecognisedDataValue', `header.supplyingAgencyId: ${sender} is not a supplier of request ${row.requestingAgencyRequestId}`);
  const input: AnyEvent = { role: 'broker', event: supplierMessageEvent(message, rotaIndex) };
  // Decided first, so a refused message leaves the transaction exactly as it was.
  const decision = decide(row, input, at, deps.supplierTimeoutMs);
  const supplierRequestId = message.header.supplyingAgencyRequestId;
  let latest = row;
  if (rotaIndex === current && supplierRequestId && (row.supplyingAgencyId !== sender || row.supplyingAgencyRequestId !== supplierRequestId)) {
    const updated = await updateRequest(tx, row.id, row.version, { supplyingAgencyId: sender, supplyingAgencyRequestId: supplierRequestId }, at);
    if (!updated) throw new Conflict(`request ${row.id} was changed meanwhile`, { state: row.state, version: row.version });
    latest = updated;
  }
  return saveDecision(tx, latest, decision, { event: eventLabel(input), actor: `partner:${sender}`, at, newId: deps.newId });
}

/** The directory marks a partner as a broker hub with vendor `broker` (any case). */
export const BROKER_VENDOR = 'broker';

/**
 * A requester accepts a SAM from an agency outside its rota when the current rota supplier is a
 * broker hub (directory vendor `broker`) and the sender is reached at the hub's ISO 18626 address:
 * a transparent hub relaying its supplier. (The same address alone proves nothing: one server
 * serves many libraries.)
 */
export async function reachedThroughHub(tx: Db, sender: string, current: string | undefined): Promise<boolean> {
  if (!current || current === sender) return false;
  const [from, hub] = await Promise.all([findPartnerBySymbol(tx, sender), findPartnerBySymbol(tx, current)]);
  if (hub?.vendor?.toLowerCase() !== BROKER_VENDOR) return false;
  return Boolean(from?.iso18626Url && hub.iso18626Url && from.iso18626Url === hub.iso18626Url);
}

// ---------------------------------------------------------------------------------------------
// Workers

/** The `supplier_answer` timer's event, for the machine of the row's role. */
export async function supplierTimeoutEvent(db: Db, requestId: string, rotaIndex: number): Promise<AnyEvent> {
  const row = await getRequest(db, requestId);
  const event = { type: 'supplier_timeout', rotaIndex } as const;
  return row?.role === 'broker' ? { role: 'broker', event } : { role: 'requester', event };
}

/**
 * A broker row's outbound message was refused for good. A `request` moves the rota on; a relayed
 * message is recorded on the transaction (and toward a supplier, the requester is told). Returns
 * false for rows that are not the hub's. The caller still fails the job of a relayed message, so
 * the transaction needs attention.
 */
export async function brokerDeliveryRefused(deps: LifecycleDeps, requestId: string, payload: SendPayload, reason: string): Promise<boolean> {
  const row = await getRequest(deps.db, requestId);
  if (row?.role !== 'broker') return false;
  const event: BrokerEvent =
    payload.message.kind === 'request'
      ? { type: 'request_refused', reason, rotaIndex: payload.message.rotaIndex }
      : { type: 'relay_refused', reason, toward: payload.message.kind === 'supplyingAgencyMessage' ? 'requester' : 'supplier' };
  await applyEvent(deps, requestId, { role: 'broker', event }, { actor: 'system:delivery' });
  return true;
}
