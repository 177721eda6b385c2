/**
 * Moving a borrowing request along its rota: Unfilled, a refusal, rejected conditions or no answer
 * in time send it to the next supplier; when none is left it ends unfilled. Every move carries a
 * note naming who and why, for the audit trail.
 */
import { decision, notify, send } from './decision';
import type { RequesterContext, RequesterState } from './requester-states';
import { sameSymbol } from './symbols';
import type { Decision, Effect, Lifecycle, RotaEntry } from './types';

/** "ISIL:DK-1 (supplier 1 of 2)" */
export function supplierName(lc: Lifecycle, index = lc.rotaIndex ?? 0): string {
  const total = lc.rota?.length ?? 0;
  const symbol = lc.rota?.[index]?.symbol ?? 'unknown supplier';
  return `${symbol} (supplier ${index + 1} of ${total})`;
}

/** Send the request (or a Retry of the transaction `retryOf`) to the supplier at `index` and start its answer timer. */
export function sendToSupplier(index: number, ctx: RequesterContext, retry?: { readonly retryOf: string; readonly note?: string | undefined }): readonly Effect[] {
  const request = retry ? { kind: 'request' as const, rotaIndex: index, retryOf: retry.retryOf, ...(retry.note ? { note: retry.note } : {}) } : { kind: 'request' as const, rotaIndex: index };
  return [send(request), { kind: 'timer', timer: 'supplier_answer', afterMs: ctx.supplierTimeoutMs, rotaIndex: index }];
}

/** What is forgotten of one supplier when the next is tried. */
export const FRESH_SUPPLIER: Partial<Lifecycle> = { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined };

/**
 * Try the next supplier, or end unfilled when the rota is exhausted (or `final`, e.g. Unfilled
 * with reason Duplicate, which no other supplier can change: NOTES §7.7).
 * `why` completes "<current supplier> ..." ("answered Unfilled (NotHeld)").
 */
export function nextSupplier(lc: Lifecycle, why: string, ctx: RequesterContext, final = false, endStatus?: Lifecycle['lastStatus']): Decision<RequesterState> {
  const current = lc.rotaIndex ?? 0;
  const next = current + 1;
  const rota = lc.rota ?? [];
  const cause = `${supplierName(lc)} ${why}`;
  if (!final && next < rota.length) {
    return decision('sent_to_supplier', { ...FRESH_SUPPLIER, rotaIndex: next }, sendToSupplier(next, ctx), `moved to ${supplierName(lc, next)}: ${cause}`);
  }
  const ending = final ? `no other supplier tried: ${cause}` : `rota exhausted: ${cause}`;
  const changes: Partial<Lifecycle> = { resumeState: undefined, reason: ending };
  return decision('unfilled', endStatus === undefined ? changes : { ...changes, lastStatus: endStatus }, [notify('unfilled')], `ended unfilled: ${ending}`);
}

/**
 * A supplier the rota moves on from while it still holds the request (silence, staff skipping it,
 * a new rota) is told the request has gone elsewhere (ISO 18626 Cancel, with the rota position it
 * was at), so that it does not ship an item nobody waits for any more.
 */
export function withdrawFrom(index: number, note: string, next: Decision<RequesterState>): Decision<RequesterState> {
  const cancel = send({ kind: 'requestingAgencyMessage', action: 'Cancel', rotaIndex: index, note });
  return { ...next, effects: [cancel, ...next.effects] };
}

/** The rota after staff re-routed the request (`reroute`). */
export interface Rerouted {
  /** The suppliers already asked (the current one included) stay first, as history; the new ones follow. */
  readonly rota: readonly RotaEntry[];
  readonly rotaIndex: number;
  /** Today's rota starts with the current supplier: it keeps the request, nothing is sent. */
  readonly keepsCurrent: boolean;
  /** Suppliers today's rota names that were asked already, left out. */
  readonly leftOut: readonly string[];
}

/**
 * Today's rota for a request already under way: suppliers asked before are not asked again, and
 * the current one keeps the request only when it comes first of the rest (else it is withdrawn and
 * not asked again either). The positions asked so far keep their places, so a late message of an
 * earlier supplier is still known as one.
 */
export function reroutedRota(lc: Lifecycle, today: readonly RotaEntry[]): Rerouted {
  const index = lc.rotaIndex ?? 0;
  const asked = (lc.rota ?? []).slice(0, index + 1);
  const current = asked[index];
  const askedBefore = (e: RotaEntry) => asked.slice(0, index).some((a) => sameSymbol(a.symbol, e.symbol));
  const untried = today.filter((e) => !askedBefore(e));
  const keepsCurrent = current !== undefined && untried[0] !== undefined && sameSymbol(untried[0].symbol, current.symbol);
  const leftOut = today.filter((e) => askedBefore(e) || (!keepsCurrent && current !== undefined && sameSymbol(e.symbol, current.symbol))).map((e) => e.symbol);
  const fresh = untried.filter((e) => current === undefined || !sameSymbol(e.symbol, current.symbol));
  return { rota: [...asked, ...fresh], rotaIndex: keepsCurrent ? index : index + 1, keepsCurrent, leftOut };
}
