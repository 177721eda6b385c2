/**
 * The ISO 18626 retry flow (status RetryPossible), what the three machines share: the offer as a
 * supplier makes it and as the other side keeps it, the ids a retried transaction takes, the
 * timers, and the note marker a requester declines an offer with at a broker hub.
 *
 * A supplier that cannot supply as asked may say RetryPossible with a reason (reasonRetry) and,
 * optionally, a window (retryAfter, retryBefore), a price (offeredCosts) or conditions. Its
 * transaction ends there (crosslink COMPLETED_WITH_RETRY). The requester may send a new `request`
 * with requestType Retry, naming the old transaction (requestingAgencyPreviousRequestId), under a
 * new requestingAgencyRequestId, since the supplier keys transactions by it.
 */
import type { SupplierMessageEvent } from './requester-states';
import type { Effect, Lifecycle, RetryOffer } from './types';

/**
 * Starts the note of the RAM Notification a requester declines a retry offer with, when the offer
 * came through a broker hub: the hub then asks its next supplier. Like ReShare's
 * `#ReShareLoanConditionAgreeResponse#`, a marker in the note, since ISO 18626 has no action for it.
 */
export const RETRY_DECLINED_MARKER = '#RetryDeclined#';

/** reasonRetry values the standard names (the list is open). */
export const REASON_RETRY_CODES = ['CostExceedsMaxCost', 'OnLoan', 'LoanCondition', 'NotFoundAsCited'] as const;

/** The id a transaction takes for its next retry: `<first id>-R1`, `-R2` ... */
export function retryRequestId(current: string, earlier: readonly string[] | undefined): string {
  const all = earlier ?? [];
  return `${all[0] ?? current}-R${all.length + 1}`;
}

/** The offer a supplier's RetryPossible carries, as the requester or the hub keeps it. */
export function offerOf(m: SupplierMessageEvent, supplier: string | undefined, at: Date, throughHub: boolean): RetryOffer {
  return defined({
    reason: m.reasonRetry ?? 'not given',
    retryAfter: m.retryAfter,
    retryBefore: m.retryBefore,
    offeredCosts: m.offeredCosts,
    loanConditions: m.loanConditions && m.loanConditions.length > 0 ? m.loanConditions : undefined,
    note: m.note,
    supplier,
    at: at.toISOString(),
    throughHub: throughHub ? true : undefined,
  });
}

/** "OnLoan, retry after 2027-01-10, before 2027-02-01, for 25.00 EUR" */
export function describeOffer(offer: RetryOffer): string {
  const parts = [offer.reason];
  if (offer.retryAfter) parts.push(`retry after ${offer.retryAfter}`);
  if (offer.retryBefore) parts.push(`before ${offer.retryBefore}`);
  if (offer.offeredCosts) parts.push(`for ${offer.offeredCosts.monetaryValue} ${offer.offeredCosts.currencyCode}`);
  if (offer.loanConditions?.length) parts.push(`on conditions ${offer.loanConditions.join(', ')}`);
  return parts.join(', ');
}

/** Milliseconds from `at` until `iso` (0 when it has passed); undefined without a date. */
export function msUntil(iso: string | undefined, at: Date): number | undefined {
  const t = timeOf(iso);
  return t === undefined ? undefined : Math.max(0, t - at.getTime());
}

/** A retry timer for the current rota position. */
export const retryTimer = (timer: 'retry_expiry' | 'retry_due', afterMs: number, lc: Lifecycle): Effect => ({ kind: 'timer', timer, afterMs, rotaIndex: lc.rotaIndex ?? 0 });

/** What the offer's loan conditions add to the note of a v1.2 RetryPossible (deliveryInfo would mean the item was sent). */
export function offerNote(conditions: readonly string[] | undefined, note: string | undefined): string | undefined {
  if (!conditions || conditions.length === 0) return note;
  const offered = `Loan conditions offered: ${conditions.join(', ')}`;
  return note ? `${offered}. ${note}` : offered;
}

/** Whether an ISO date or date-time is usable, and its time. */
export function timeOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** Drops undefined values, so an optional field is absent rather than undefined. */
export function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
