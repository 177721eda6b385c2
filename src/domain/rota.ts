/**
 * Moving a borrowing request along its rota: Unfilled, a refusal, rejected conditions or no answer
 * in time send it to the next supplier; when none is left it ends unfilled. Every move carries a
 * note naming who and why, for the audit trail.
 */
import { decision, notify, send } from './decision';
import type { RequesterContext, RequesterState } from './requester-states';
import type { Decision, Effect, Lifecycle } from './types';

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
const FRESH_SUPPLIER: Partial<Lifecycle> = { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined };

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
