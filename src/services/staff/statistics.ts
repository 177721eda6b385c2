/**
 * GET /statistics: one side's figures for a period, in the caller's library scope (a library's
 * key sees its library; a key for all libraries sees one it names, or all of them together).
 */
import { z } from 'zod';
import { canonicalSymbol } from '../../domain/symbols';
import { STATISTICS_ROLES, type StatisticsRole } from '../../statistics/definitions';
import { monthsOf, PERIOD_PRESETS, presetPeriod, type Period } from '../../statistics/period';
import { reciprocity, totalsOf, volumesBy, fillRate, type PartnerRow, type StatisticsReport } from '../../statistics/report';
import { INTERVALS, partnerFills, sideFigures, type StatisticsScope } from '../../store/statistics';
import type { Principal } from '../access/api-keys';
import type { ServiceDeps } from '../deps';
import { Forbidden, ValidationFailed } from '../errors';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A day (YYYY-MM-DD, UTC) or an ISO 8601 instant, kept as given: a day as `to` is included. */
const moment = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date (2026-12-31) or a date and time (2026-12-31T12:00:00Z)' });

export const statisticsQuerySchema = z.object({
  role: z.enum(STATISTICS_ROLES).default('borrowing').meta({ description: 'borrowing: our requests to partners; lending: partners’ requests to us' }),
  library: z.string().optional().meta({ description: 'A member library’s symbol; a key for one library always gets its own. Absent (a key for all libraries): every library together' }),
  period: z.enum(PERIOD_PRESETS).optional().meta({ description: 'A preset period (UTC); ignored when from and to are given. Default: last-12-months' }),
  from: moment.optional().meta({ description: 'The period’s first day or instant (inclusive)' }),
  to: moment.optional().meta({ description: 'The period’s last day (inclusive) or end instant (exclusive)' }),
});
export type StatisticsQuery = z.output<typeof statisticsQuerySchema>;

const DAY_MS = 86_400_000;

export function periodOf(query: Pick<StatisticsQuery, 'period' | 'from' | 'to'>, now: Date): Period & { readonly preset: string | null } {
  if (query.from === undefined && query.to === undefined) {
    const preset = query.period ?? 'last-12-months';
    return { ...presetPeriod(preset, now), preset };
  }
  if (query.from === undefined || query.to === undefined) throw new ValidationFailed([{ path: `query.${query.from === undefined ? 'from' : 'to'}`, message: 'is required with the other end of the period' }], 'The query is not valid');
  const from = DAY.test(query.from) ? new Date(`${query.from}T00:00:00Z`) : new Date(query.from);
  // A last day is included: the period runs to the next day's start.
  const to = DAY.test(query.to) ? new Date(Date.parse(`${query.to}T00:00:00Z`) + DAY_MS) : new Date(query.to);
  if (!(from < to)) throw new ValidationFailed([{ path: 'query.to', message: 'must come after from' }], 'The query is not valid');
  return { from, to, preset: null };
}

async function scopeOf(deps: ServiceDeps, library: string | undefined, principal: Principal): Promise<StatisticsScope & { readonly symbol: string | null }> {
  if (library === undefined) {
    if (principal.libraryId === null) return { libraryId: null, symbol: null };
    const own = await deps.directory.libraryById(principal.libraryId);
    return { libraryId: principal.libraryId, symbol: own?.symbol ?? null };
  }
  const found = await deps.directory.library(canonicalSymbol(library));
  if (!found) throw new ValidationFailed([{ path: 'query.library', message: `no member library ${canonicalSymbol(library)} is served here` }], 'The query is not valid');
  if (principal.libraryId !== null && found.id !== principal.libraryId) throw new Forbidden(`this key acts for another library and cannot read the statistics of ${found.symbol}`);
  return { libraryId: found.id, symbol: found.symbol };
}

function partnerRows(raw: readonly Record<string, unknown>[]): PartnerRow[] {
  return raw.map((p) => {
    const row = p as unknown as Omit<PartnerRow, 'fillRate'>;
    return { ...row, fillRate: fillRate(row.filled, row.unfilled) };
  });
}

export async function statisticsReport(deps: ServiceDeps, query: StatisticsQuery, principal: Principal): Promise<StatisticsReport & { readonly preset: string | null }> {
  const scope = await scopeOf(deps, query.library, principal);
  const period = periodOf(query, deps.now());
  const other: StatisticsRole = query.role === 'borrowing' ? 'lending' : 'borrowing';
  // At once (on PostgreSQL, two connections of the pool): reciprocity needs what the other side's partners filled.
  const [figures, otherFills] = await Promise.all([sideFigures(deps.db, query.role, scope, period), partnerFills(deps.db, other, scope, period)]);
  const partners = partnerRows(figures.partners);
  const volumes = figures.volumes;
  return {
    role: query.role,
    library: scope.symbol,
    from: period.from,
    to: period.to,
    preset: period.preset,
    totals: totalsOf(volumes),
    volumes,
    byServiceType: volumesBy(volumes, 'serviceType'),
    byFormat: volumesBy(volumes, 'format'),
    turnaround: Object.keys(INTERVALS[query.role]).map((interval) => ({ interval, ...figures.turnaround[interval]! })),
    partners,
    reciprocity: query.role === 'borrowing' ? reciprocity(partners, otherFills) : reciprocity(otherFills, partners),
    circulation: figures.circulation,
    unfilledReasons: figures.unfilledReasons,
    // Every month of the period, the quiet ones too: a chart's axis has no gaps.
    months: monthsOf(period).map((month) => {
      const m = figures.months.find((f) => f.month === month) ?? { month, created: 0, filled: 0, unfilled: 0, cancelled: 0, shipP50: null };
      return { ...m, fillRate: fillRate(m.filled, m.unfilled) };
    }),
  };
}
