/**
 * A statistics period: half-open [from, to), in UTC. Presets are counted from `now`:
 * this-month and this-year run to now; last-month is the whole calendar month before this one;
 * last-12-months is the twelve whole months before this one plus this month so far.
 */
export const PERIOD_PRESETS = ['this-month', 'last-month', 'this-year', 'last-12-months'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface Period {
  readonly from: Date;
  readonly to: Date;
}

const monthStart = (year: number, month: number): Date => new Date(Date.UTC(year, month, 1));

export function presetPeriod(preset: PeriodPreset, now: Date): Period {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  switch (preset) {
    case 'this-month':
      return { from: monthStart(year, month), to: now };
    case 'last-month':
      return { from: monthStart(year, month - 1), to: monthStart(year, month) };
    case 'this-year':
      return { from: monthStart(year, 0), to: now };
    case 'last-12-months':
      return { from: monthStart(year, month - 12), to: now };
  }
}

/** The first day (UTC) of every month the period touches, oldest first: the x axis of the charts. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  let at = monthStart(period.from.getUTCFullYear(), period.from.getUTCMonth());
  while (at < period.to) {
    months.push(at.toISOString().slice(0, 10));
    at = monthStart(at.getUTCFullYear(), at.getUTCMonth() + 1);
  }
  return months;
}
