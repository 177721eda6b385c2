/**
 * How each supplier served one borrowing library: the per-partner figures of the statistics and
 * the measure a routing strategy ranks lenders by. Pure: the attempts come from the store
 * (`supplierAttempts`), the window from the caller.
 *
 * An attempt is one supplier's turn with one request: it starts when the request is sent to that
 * supplier (a Retry to the same supplier continues it) and ends when the supplier fills it
 * (Loaned, or a copy delivered), when the request moves on to the next supplier (Unfilled, no
 * answer in time, a refusal, staff skipping or re-routing it), or when the request ends.
 */
import type { Period } from './period';
import { percentile } from './percentile';

export type AttemptOutcome = 'filled' | 'unfilled' | 'cancelled' | 'open';

export interface SupplierAttempt {
  readonly requestId: string;
  /** The supplier's agency symbol, as the rota names it. */
  readonly supplier: string;
  readonly startedAt: Date;
  /** The supplier's first message that changed the request's state (a bare RequestReceived does not). */
  readonly answeredAt: Date | null;
  /** When the supplier shipped (Loaned) or delivered a copy: only on a filled attempt. */
  readonly shippedAt: Date | null;
  readonly outcome: AttemptOutcome;
  /** When the outcome was reached; null while open. */
  readonly endedAt: Date | null;
}

export interface PartnerPerformance {
  readonly supplier: string;
  /** Attempts started in the window. */
  readonly asked: number;
  /** Attempts that ended in the window, filled or not (cancelled ones count for neither). */
  readonly filled: number;
  readonly unfilled: number;
  /** filled ÷ (filled + unfilled); null without any. */
  readonly fillRate: number | null;
  /** Seconds from sending to the first answer, for answers given in the window. */
  readonly answerSeconds: Percentiles;
  /** Seconds from sending to shipping, for attempts filled in the window. */
  readonly shipSeconds: Percentiles;
  /** Attempts still open now, whenever they started: the supplier's current load. */
  readonly open: number;
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
}

export function percentilesOf(seconds: readonly number[]): Percentiles {
  return { count: seconds.length, p50: percentile(seconds, 0.5), p90: percentile(seconds, 0.9) };
}

const within = (at: Date | null, w: Period): at is Date => at !== null && at >= w.from && at < w.to;
const secondsBetween = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / 1000;

/** One row per supplier with any attempt, sorted by symbol. */
export function partnerPerformance(attempts: readonly SupplierAttempt[], window: Period): PartnerPerformance[] {
  const bySupplier = new Map<string, SupplierAttempt[]>();
  for (const a of attempts) bySupplier.set(a.supplier, [...(bySupplier.get(a.supplier) ?? []), a]);
  return [...bySupplier.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([supplier, list]) => {
      const ended = (outcome: AttemptOutcome) => list.filter((a) => a.outcome === outcome && within(a.endedAt, window)).length;
      const filled = ended('filled');
      const unfilled = ended('unfilled');
      return {
        supplier,
        asked: list.filter((a) => within(a.startedAt, window)).length,
        filled,
        unfilled,
        fillRate: filled + unfilled === 0 ? null : filled / (filled + unfilled),
        answerSeconds: percentilesOf(list.filter((a) => within(a.answeredAt, window)).map((a) => secondsBetween(a.startedAt, a.answeredAt!))),
        shipSeconds: percentilesOf(list.filter((a) => a.outcome === 'filled' && within(a.shippedAt, window)).map((a) => secondsBetween(a.startedAt, a.shippedAt!))),
        open: list.filter((a) => a.outcome === 'open').length,
      };
    });
}
