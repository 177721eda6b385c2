/**
 * The statistics report of one side for one period, assembled from the store's raw figures:
 * totals and fill rates, the reciprocity of each partner, every table in the order the screen
 * shows them. Pure.
 */
import type { StatisticsRole } from './definitions';
import type { Percentiles } from './partner-performance';

export interface VolumeRow {
  readonly serviceType: string;
  readonly format: string;
  readonly created: number;
  readonly filled: number;
  readonly unfilled: number;
  readonly cancelled: number;
}

export interface Counts {
  readonly created: number;
  readonly filled: number;
  readonly unfilled: number;
  readonly cancelled: number;
  /** filled ÷ (filled + unfilled); null when nothing ended. */
  readonly fillRate: number | null;
}

export interface PartnerRow {
  readonly partner: string;
  /** Borrowing: attempts sent to the partner in the period; lending: requests received from it. */
  readonly asked: number;
  readonly filled: number;
  readonly unfilled: number;
  readonly fillRate: number | null;
  /** Attempts (requests) still open now. */
  readonly open: number;
  readonly answerSeconds: Percentiles;
  readonly shipSeconds: Percentiles;
}

export interface ReciprocityRow {
  readonly partner: string;
  /** Our borrowing requests the partner filled in the period. */
  readonly borrowed: number;
  /** The partner's requests we filled in the period. */
  readonly lent: number;
  /** lent − borrowed: positive, we lend the partner more than it lends us. */
  readonly balance: number;
}

export interface TurnaroundRow extends Percentiles {
  readonly interval: string;
}

export interface Circulation {
  readonly renewalsAsked: number;
  readonly renewalsGranted: number;
  readonly renewalsRefused: number;
  readonly overdues: number;
  readonly recalls: number;
}

export interface MonthRow {
  /** The month's first day (YYYY-MM-DD, UTC). */
  readonly month: string;
  readonly created: number;
  readonly filled: number;
  readonly unfilled: number;
  readonly cancelled: number;
  readonly fillRate: number | null;
  /** Median seconds from the request to shipping, over the month's shipments. */
  readonly shipP50: number | null;
}

export interface StatisticsReport {
  readonly role: StatisticsRole;
  readonly library: string | null;
  readonly from: Date;
  readonly to: Date;
  readonly totals: Counts;
  readonly volumes: readonly VolumeRow[];
  readonly byServiceType: readonly (Counts & { readonly serviceType: string })[];
  readonly byFormat: readonly (Counts & { readonly format: string })[];
  readonly turnaround: readonly TurnaroundRow[];
  readonly partners: readonly PartnerRow[];
  readonly reciprocity: readonly ReciprocityRow[];
  readonly circulation: Circulation;
  readonly unfilledReasons: readonly { readonly reason: string; readonly count: number }[];
  readonly months: readonly MonthRow[];
}

export function fillRate(filled: number, unfilled: number): number | null {
  return filled + unfilled === 0 ? null : filled / (filled + unfilled);
}

function counted(rows: readonly VolumeRow[]): Counts {
  const sum = (key: 'created' | 'filled' | 'unfilled' | 'cancelled') => rows.reduce((n, r) => n + r[key], 0);
  const filled = sum('filled');
  const unfilled = sum('unfilled');
  return { created: sum('created'), filled, unfilled, cancelled: sum('cancelled'), fillRate: fillRate(filled, unfilled) };
}

/** Sums of the volume rows by one of their keys, sorted by it. */
export function volumesBy<K extends 'serviceType' | 'format'>(rows: readonly VolumeRow[], key: K): (Counts & Record<K, string>)[] {
  const groups = new Map<string, VolumeRow[]>();
  for (const r of rows) groups.set(r[key], [...(groups.get(r[key]) ?? []), r]);
  return [...groups.keys()].sort().map((k) => ({ [key]: k, ...counted(groups.get(k)!) }) as Counts & Record<K, string>);
}

export function totalsOf(rows: readonly VolumeRow[]): Counts {
  return counted(rows);
}

/** Each partner of either side: what it filled for us against what we filled for it. */
export function reciprocity(borrowing: readonly Pick<PartnerRow, 'partner' | 'filled'>[], lending: readonly Pick<PartnerRow, 'partner' | 'filled'>[]): ReciprocityRow[] {
  const rows = new Map<string, { borrowed: number; lent: number }>();
  for (const p of borrowing) rows.set(p.partner, { borrowed: p.filled, lent: rows.get(p.partner)?.lent ?? 0 });
  for (const p of lending) rows.set(p.partner, { borrowed: rows.get(p.partner)?.borrowed ?? 0, lent: p.filled });
  return [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([partner, r]) => ({ partner, borrowed: r.borrowed, lent: r.lent, balance: r.lent - r.borrowed }));
}
