/**
 * The `performance` routing strategy's measure of a lender: how it has served this library, as
 * one score from 0 to 1 with its parts, so staff can read why one lender is asked before another.
 *
 *   fill rate   filled ÷ ended, blended with a neutral prior worth `minSample` requests, so a new
 *               partner starts at the prior and its own record takes over as it grows
 *   answer      typical ÷ (typical + median time to answer): 1 at once, 0.5 at the typical time
 *   ship        the same for the median time from asking to shipping
 *
 * A time part with fewer than `minSample` observations is neutral (0.5, the typical time), so a
 * partner we have never asked is still asked. The score is the weighted mean of the parts.
 */

/** What the statistics measured of one lender for one borrowing library over the window. */
export interface LenderRecord {
  /** Its turns with our requests that ended filled or unfilled (cancelled ones count for neither). */
  readonly ended: number;
  readonly filled: number;
  readonly answers: number;
  readonly medianAnswerSeconds: number | null;
  readonly ships: number;
  readonly medianShipSeconds: number | null;
}

export interface LenderScoreSettings {
  /** Observations a lender needs before its own times count, and the weight of the prior in its fill rate. */
  readonly minSample: number;
  readonly priorFillRate: number;
  readonly typicalAnswerHours: number;
  readonly typicalShipHours: number;
  readonly weights: { readonly fillRate: number; readonly answer: number; readonly ship: number };
}

export const DEFAULT_LENDER_SCORE: LenderScoreSettings = {
  minSample: 5,
  priorFillRate: 0.5,
  typicalAnswerHours: 24,
  typicalShipHours: 72,
  weights: { fillRate: 0.6, answer: 0.2, ship: 0.2 },
};

export interface LenderScore {
  readonly score: number;
  readonly parts: { readonly fillRate: number; readonly answer: number; readonly ship: number };
  /** "score 0.74: fill rate 0.82 over 61 requests, median answer 5 h, median to ship 2 d" */
  readonly text: string;
}

const NO_RECORD: LenderRecord = { ended: 0, filled: 0, answers: 0, medianAnswerSeconds: null, ships: 0, medianShipSeconds: null };

export function scoreLender(record: LenderRecord | undefined, settings: LenderScoreSettings): LenderScore {
  const r = record ?? NO_RECORD;
  const k = settings.minSample;
  const fillRate = (r.filled + settings.priorFillRate * k) / (r.ended + k);
  const speed = (count: number, median: number | null, typicalHours: number) => (count < k || median === null ? 0.5 : typicalHours / (typicalHours + median / 3600));
  const answer = speed(r.answers, r.medianAnswerSeconds, settings.typicalAnswerHours);
  const ship = speed(r.ships, r.medianShipSeconds, settings.typicalShipHours);
  const w = settings.weights;
  const total = w.fillRate + w.answer + w.ship;
  const score = total === 0 ? 0.5 : (w.fillRate * fillRate + w.answer * answer + w.ship * ship) / total;
  return { score, parts: { fillRate, answer, ship }, text: `score ${score.toFixed(2)}: ${describe(r, k)}` };
}

function describe(r: LenderRecord, k: number): string {
  const fill = r.ended === 0 ? 'no request ended yet (neutral prior)' : `fill rate ${(r.filled / r.ended).toFixed(2)} over ${r.ended} request${r.ended === 1 ? '' : 's'}${r.ended < k ? ' (with the neutral prior)' : ''}`;
  const time = (label: string, count: number, median: number | null) => (count >= k && median !== null ? `${label} ${duration(median)}` : `${label} not known yet`);
  return [fill, time('median answer', r.answers, r.medianAnswerSeconds), time('median to ship', r.ships, r.medianShipSeconds)].join(', ');
}

/** "40 min", "5 h", "2 d": as staff say it. */
function duration(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
