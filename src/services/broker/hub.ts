/**
 * The broker hub, around the pure machine in src/domain/broker.ts.
 *
 * - **Who is a broker.** A member library whose `settings.broker` is `{ mode: 'opaque' | 'transparent' }` (settings.ts).
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
import type { Request } from '../../../protocols/iso18626';
import { startBroker } from '../../domain/broker';
import type { RoutingVerdict } from '../../domain/routing';
import { sameSymbol } from '../../domain/symbols';
import type { Lifecycle, RotaEntry } from '../../domain/types';
import { findBrokerTransactions } from '../../store/broker-requests';
import type { LibraryRow } from '../../store/libraries';
import type { BrokerData } from '../../store/request-data';
import { requestDataFromIso, symbolOf } from '../iso18626/mapping';
import { Iso18626Refusal } from '../iso18626/refusal';
import { contextFor, DEFAULT_ROUTING, prepare, prepareNew, type LifecycleDeps, type Prepared } from '../pipeline/pipeline';
import { routeRequest } from '../borrowing/routing';
import type { BrokerSettings } from './settings';

// ---------------------------------------------------------------------------------------------
// Intake

/**
 * A `request` addressed to the hub: its own transaction, routed, and the first supplier asked,
 * prepared as one write. A request id the hub already brokers is refused: the unique index says
 * so when the write is made, and `recheck` (the second try) names it.
 */
export async function prepareBrokeredRequest(deps: LifecycleDeps, library: LibraryRow, settings: BrokerSettings, message: Request, at: Date, recheck: boolean): Promise<Prepared> {
  const requester = symbolOf(message.header.requestingAgencyId);
  const requestId = message.header.requestingAgencyRequestId;
  if (message.serviceInfo?.requestType === 'Retry') return prepareBrokeredRetry(deps, library, message, at);
  if (recheck && (await findBrokerTransactions(deps.db, { libraryId: library.id, requestingAgencyRequestId: requestId })).length > 0) {
    throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: a request with id ${requestId} already exists`);
  }
  const serviceType = message.serviceInfo?.serviceType ?? 'Loan';
  const format = message.serviceInfo?.preferredFormat?.value;
  const candidates = candidatesOf(message);
  // Judged for the real requester: it is dropped, and reciprocity and limits are its own.
  const plan = await routeRequest(deps.db, { ...library, symbol: requester }, { serviceType, ...(format ? { format } : {}), ...(candidates.length > 0 ? { candidates } : {}) }, deps.routing ?? DEFAULT_ROUTING, at, deps.directory);
  const rota = plan.rota.filter((e) => !sameSymbol(e.symbol, library.symbol));
  const explanation: RoutingVerdict[] = plan.explanation.map((v) => (v.kept && sameSymbol(v.symbol, library.symbol) ? { symbol: v.symbol, kept: false, reason: 'is the broker itself' } : v));
  const lifecycle: Lifecycle = { serviceType, rota };
  const start = startBroker(lifecycle, { at, supplierTimeoutMs: deps.supplierTimeoutMs }, noSupplierReason(explanation));
  const broker: BrokerData = { symbol: library.symbol, mode: settings.mode };
  return prepareNew(
    {
      id: deps.newId(),
      libraryId: library.id,
      role: 'broker',
      state: start.state,
      serviceType,
      requestingAgencyId: requester,
      requestingAgencyRequestId: requestId,
      supplyingAgencyId: null,
      supplyingAgencyRequestId: null,
      data: {
        ...requestDataFromIso(message),
        ...(candidates.length > 0 ? { candidates } : {}),
        broker,
        routing: { strategy: plan.strategy, explanation, at: at.toISOString() },
        lifecycle,
      },
    },
    { event: 'request_received', actor: `partner:${requester}`, decision: start },
    [],
    { at, library, supplierTimeoutMs: deps.supplierTimeoutMs },
  );
}

/**
 * The requester takes up a retry offer the hub relayed: its Retry names the transaction
 * (requestingAgencyPreviousRequestId), which takes the new id and asks the same supplier again
 * with what the Retry now asks for. It is not a new brokered request.
 */
async function prepareBrokeredRetry(deps: LifecycleDeps, library: LibraryRow, message: Request, at: Date): Promise<Prepared> {
  const path = 'serviceInfo.requestingAgencyPreviousRequestId';
  const requester = symbolOf(message.header.requestingAgencyId);
  const requestId = message.header.requestingAgencyRequestId;
  const previousId = message.serviceInfo?.requestingAgencyPreviousRequestId?.trim() ?? '';
  if (previousId === '') throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: a Retry must name the request it retries`);
  const [transaction] = await findBrokerTransactions(deps.db, { libraryId: library.id, requestingAgencyId: requester, requestingAgencyRequestId: previousId });
  if (!transaction) throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: ${library.symbol} brokers no request ${previousId} of ${requester}`);
  if (transaction.state !== 'retry_offered') {
    throw new Iso18626Refusal('UnrecognisedDataValue', `${path}: request ${previousId}'s last status was ${transaction.data.lifecycle.lastStatus ?? 'none'}, not RetryPossible`);
  }
  if ((await findBrokerTransactions(deps.db, { libraryId: library.id, requestingAgencyRequestId: requestId })).length > 0) {
    throw new Iso18626Refusal('UnrecognisedDataValue', `header.requestingAgencyRequestId: a request with id ${requestId} already exists`);
  }
  const ctx = await contextFor(deps, transaction);
  // What the requester asks for now (an edition, a price it will pay, a date) replaces what it asked before.
  const asked = requestDataFromIso(message);
  const serviceType = message.serviceInfo?.serviceType;
  return prepare(
    transaction,
    {
      input: { role: 'broker', event: { type: 'retry_request', requestingAgencyRequestId: requestId, ...(serviceType ? { serviceType } : {}) } },
      actor: `partner:${requester}`,
      learned: { data: (data) => ({ ...data, ...asked }) },
    },
    { ...ctx, at },
  );
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
