/**
 * What the broker hub sends: a supplier's message relayed to the requester, the requester's
 * passed to the current supplier, and the request moved along the rota. `supplier` on a send
 * effect names the supplier the message relays or goes to, fixed at decision time; the hub's own
 * messages have none.
 */
import { decision } from './decision';
import type { BrokerContext, BrokerSend, BrokerState } from './broker-states';
import type { SupplierMessageEvent } from './requester-states';
import { supplierName } from './rota';
import type { RequesterMessageEvent } from './supplier-states';
import type { Decision, Effect, Lifecycle, OutboundMessage } from './types';

type SamFields = Omit<Extract<OutboundMessage, { kind: 'supplyingAgencyMessage' }>, 'kind'>;

export const annotate = (text: string, note: string | undefined): string => (note ? `${text} (note: ${note})` : text);
export const currentOf = (lc: Lifecycle): string | undefined => lc.rota?.[lc.rotaIndex ?? 0]?.symbol;

export function toRequester(fields: SamFields, supplier?: string): Effect {
  const message = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as SamFields;
  const effect: BrokerSend = { kind: 'send', message: { kind: 'supplyingAgencyMessage', ...message }, ...(supplier ? { supplier } : {}) };
  return effect;
}

export function toSupplier(message: OutboundMessage, supplier: string | undefined): Effect {
  const effect: BrokerSend = { kind: 'send', message, ...(supplier ? { supplier } : {}) };
  return effect;
}

/** The supplier's message, passed on to the requester with its content. */
export function relay(lc: Lifecycle, m: SupplierMessageEvent): Effect {
  const status = m.status ?? lc.lastStatus ?? 'ExpectToSupply';
  return toRequester(
    {
      reasonForMessage: m.reasonForMessage,
      status,
      answerYesNo: m.answerYesNo,
      reasonUnfilled: m.reasonUnfilled,
      reasonRetry: m.reasonRetry,
      offeredCosts: m.offeredCosts,
      retryAfter: m.retryAfter,
      retryBefore: m.retryBefore,
      dueDate: m.dueDate,
      loanConditions: m.loanConditions,
      note: m.note,
      delivered: status === 'Loaned' || status === 'CopyCompleted' ? true : undefined,
    },
    currentOf(lc),
  );
}

/** The requester's message, passed on to the current supplier. */
export function pass(lc: Lifecycle, m: RequesterMessageEvent): Effect {
  return toSupplier(m.note === undefined ? { kind: 'requestingAgencyMessage', action: m.action } : { kind: 'requestingAgencyMessage', action: m.action, note: m.note }, currentOf(lc));
}

/** Send the request (or a Retry of the transaction `retry.retryOf`) to the supplier at `index` and start its answer timer. */
export function ask(lc: Lifecycle, index: number, ctx: BrokerContext, retry?: { readonly retryOf: string; readonly note?: string | undefined }): Effect[] {
  const request = retry ? { kind: 'request' as const, rotaIndex: index, retryOf: retry.retryOf, ...(retry.note ? { note: retry.note } : {}) } : { kind: 'request' as const, rotaIndex: index };
  return [
    toSupplier(request, lc.rota?.[index]?.symbol),
    { kind: 'timer', timer: 'supplier_answer', afterMs: ctx.supplierTimeoutMs, rotaIndex: index },
  ];
}

/** What is forgotten of one supplier when the next is asked. */
export const FRESH_SUPPLIER: Partial<Lifecycle> = { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined };

export function describeDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/**
 * Ask the next supplier, telling the requester only that the search goes on; or end unfilled
 * when the rota is exhausted (or `final`: Duplicate, which no other supplier changes).
 */
export function moveOn(state: BrokerState, lc: Lifecycle, why: string, ctx: BrokerContext, final = false, last?: SupplierMessageEvent): Decision<BrokerState> {
  const next = (lc.rotaIndex ?? 0) + 1;
  const rota = lc.rota ?? [];
  const cause = `${supplierName(lc)} ${why}`;
  if (!final && next < rota.length) {
    const asking = `asking ${supplierName(lc, next)}`;
    // The requester heard WillSupply (or a retry offer): it must learn that this supplier is gone before the search goes on.
    const told = state === 'will_supply' || state === 'conditional' || state === 'retry_offered';
    const tell = told
      ? [
          toRequester({ reasonForMessage: 'Notification', status: 'Unfilled', reasonUnfilled: last?.reasonUnfilled, note: `${cause}; the broker goes on with another supplier` }),
          toRequester({ reasonForMessage: 'StatusChange', status: 'ExpectToSupply', note: `Looking for a supplier: ${asking}` }),
        ]
      : [toRequester({ reasonForMessage: 'Notification', status: 'ExpectToSupply', note: `${cause}; ${asking}` })];
    return decision('searching', { ...FRESH_SUPPLIER, rotaIndex: next }, [...ask(lc, next, ctx), ...tell], `moved to ${supplierName(lc, next)}: ${cause}`);
  }
  const ending = final ? `no other supplier tried: ${cause}` : `rota exhausted: ${cause}`;
  return decision(
    'unfilled',
    { ...FRESH_SUPPLIER, lastStatus: 'Unfilled', reason: ending },
    [toRequester({ reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: last?.reasonUnfilled ?? 'NotAvailableForILL', note: ending })],
    `ended unfilled: ${ending}`,
  );
}
