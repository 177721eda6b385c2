/**
 * Routing: which suppliers a borrowing request goes to, in which order, and why. Pure: the
 * directory (the partners and the other member libraries served here, each with its lending
 * policies), the load figures and the clock come in; a rota and its explanation come out.
 *
 * Rules, in the order they are checked (the first that applies drops a candidate):
 *   the requester itself · ruled out by a catalogue (excluded) · not in the directory · inactive · suspended (status, or until a date)
 *   · does not lend · does not supply this service · will not lend this format
 *   · lends to reciprocal partners only · over its daily limit
 * Then the kept candidates are ordered by the strategy:
 *   as_given        the order the candidates came in (holdings order, staff's choice)
 *   load_balance    fewest open loans to us over the last days first; equals round-robin
 *   reciprocal_first partners that list the requester as reciprocal first, then as given
 *   performance     highest score first (lender-score.ts: measured fill rate and times to answer
 *                   and ship for this library, a neutral prior for new partners), then fewest open
 * Candidates from a catalogue's holders (src/catalog/candidates.ts) are the only ones considered, and each
 * verdict starts with what the holder's holding says.
 */
import { DEFAULT_LENDER_SCORE, scoreLender, type LenderRecord, type LenderScoreSettings } from './lender-score';
import { lendingPolicies } from './policies';
import { sameSymbol } from './symbols';
import type { RotaEntry, ServiceType } from './types';

export const ROUTING_STRATEGIES = ['as_given', 'load_balance', 'reciprocal_first', 'performance'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export interface DirectoryEntry {
  readonly symbol: string;
  readonly name: string;
  readonly status: 'active' | 'suspended' | 'inactive';
  readonly policies: unknown;
}

/** What we know of a supplier's current load, from our own requests to it. */
export interface SupplierLoad {
  /** Requests to it still open, created within the load window. */
  readonly openLoans: number;
  /** Requests sent to it today. */
  readonly today: number;
}

export interface RoutingInput {
  readonly requester: string;
  readonly serviceType: ServiceType;
  /** The format asked for (open list), if any. */
  readonly format?: string;
  /** Holdings supplied with the request; absent or empty: every partner that lends. */
  readonly candidates?: readonly RotaEntry[];
  /**
   * The candidates are the holders a catalogue named (src/catalog/candidates.ts), each with what its
   * holding says: then they are the only ones considered, even when none is left.
   */
  readonly holdings?: { readonly notes: ReadonlyMap<string, string> };
  /** Suppliers not to ask, each with why (a catalogue said it cannot serve this request); checked after the requester itself. */
  readonly excluded?: ReadonlyMap<string, string>;
  readonly directory: readonly DirectoryEntry[];
  readonly load: Readonly<Record<string, SupplierLoad>>;
  readonly strategy: RoutingStrategy;
  /** Rotates equals under load_balance, so ties do not always favour the same library. */
  readonly roundRobinSeed: number;
  /** Under `performance`: each lender's record with this library (absent: none yet), and how it is scored. */
  readonly performance?: { readonly records: Readonly<Record<string, LenderRecord>>; readonly settings: LenderScoreSettings };
  readonly today: string;
}

export type RoutingVerdict =
  | { readonly symbol: string; readonly kept: true; readonly rank: number; readonly reason: string }
  | { readonly symbol: string; readonly kept: false; readonly reason: string };

export interface RoutingPlan {
  readonly strategy: RoutingStrategy;
  readonly rota: readonly RotaEntry[];
  readonly explanation: readonly RoutingVerdict[];
}

export function planRota(input: RoutingInput): RoutingPlan {
  const fromDirectory = !input.holdings && (input.candidates === undefined || input.candidates.length === 0);
  const candidates: readonly RotaEntry[] = fromDirectory ? input.directory.map((d) => ({ symbol: d.symbol })) : dedupe(input.candidates ?? []);
  const dropped: RoutingVerdict[] = [];
  const kept: { entry: RotaEntry; position: number; reciprocal: boolean; load: SupplierLoad }[] = [];
  candidates.forEach((entry, position) => {
    const partner = input.directory.find((d) => sameSymbol(d.symbol, entry.symbol));
    const reason = dropReason(input, entry, partner);
    if (reason !== undefined) {
      dropped.push({ symbol: entry.symbol, kept: false, reason });
      return;
    }
    const policies = lendingPolicies(partner!.policies);
    kept.push({
      // The directory's spelling of the symbol (a catalogue or a person may write it in other case).
      entry: { ...entry, symbol: partner!.symbol },
      position,
      reciprocal: policies.reciprocalPartners.some((s) => sameSymbol(s, input.requester)),
      load: input.load[partner!.symbol] ?? { openLoans: 0, today: 0 },
    });
  });

  const ordered = order(kept, input, fromDirectory);
  const holding = (symbol: string) => input.holdings?.notes.get(symbol);
  const explanation: RoutingVerdict[] = [
    ...ordered.map(({ item, why }, i) => ({ symbol: item.entry.symbol, kept: true as const, rank: i + 1, reason: holding(item.entry.symbol) ? `${holding(item.entry.symbol)}; ${why}` : why })),
    ...dropped,
  ];
  return { strategy: input.strategy, rota: ordered.map(({ item }) => item.entry), explanation };
}

function dropReason(input: RoutingInput, entry: RotaEntry, partner: DirectoryEntry | undefined): string | undefined {
  if (sameSymbol(entry.symbol, input.requester)) return 'is the requesting library itself';
  const excluded = input.excluded && [...input.excluded].find(([symbol]) => sameSymbol(symbol, entry.symbol));
  if (excluded) return excluded[1];
  if (!partner) return 'is not in the directory';
  if (partner.status === 'inactive') return 'is inactive in the directory';
  if (partner.status === 'suspended') return 'is suspended in the directory';
  const policies = lendingPolicies(partner.policies);
  if (policies.suspendedUntil !== undefined && policies.suspendedUntil.slice(0, 10) >= input.today) return `is not lending until ${policies.suspendedUntil.slice(0, 10)}`;
  if (!policies.lends) return 'does not lend';
  const services = input.serviceType === 'CopyOrLoan' ? ['Loan', 'Copy'] : [input.serviceType];
  if (!services.some((s) => policies.services.includes(s as 'Loan' | 'Copy'))) return `does not supply ${input.serviceType === 'Copy' ? 'copies' : 'loans'}`;
  if (input.format) {
    const format = input.format.toLowerCase();
    if (policies.formats.willNotLend.some((f) => f.toLowerCase() === format)) return `does not lend the format ${input.format}`;
    if (policies.formats.willLend.length > 0 && !policies.formats.willLend.some((f) => f.toLowerCase() === format)) return `does not lend the format ${input.format}`;
  }
  if (policies.reciprocalOnly && !policies.reciprocalPartners.some((s) => sameSymbol(s, input.requester))) return `lends to its reciprocal partners only, and ${input.requester} is not one`;
  const today = input.load[partner.symbol]?.today ?? 0;
  if (policies.dailyLimit !== undefined && today >= policies.dailyLimit) return `has reached its daily limit of ${policies.dailyLimit} requests`;
  return undefined;
}

interface Kept {
  readonly entry: RotaEntry;
  readonly position: number;
  readonly reciprocal: boolean;
  readonly load: SupplierLoad;
}

function order(kept: readonly Kept[], input: RoutingInput, fromDirectory: boolean): { item: Kept; why: string }[] {
  // Without candidates the order "as given" is the directory's: say so, staff gave none.
  const place = (item: Kept) =>
    fromDirectory ? `position ${item.position + 1} in the directory (no candidates were given)` : input.holdings ? `position ${item.position + 1} among the holders` : `position ${item.position + 1} as given`;
  switch (input.strategy) {
    case 'as_given':
      return kept.map((item) => ({ item, why: place(item) }));
    case 'reciprocal_first':
      return [...kept]
        .sort((a, b) => Number(b.reciprocal) - Number(a.reciprocal) || a.position - b.position)
        .map((item) => ({ item, why: item.reciprocal ? 'a reciprocal partner' : `not reciprocal; ${place(item)}` }));
    case 'load_balance': {
      // Among equal loads, start the rotation at a different library each time.
      const n = kept.length || 1;
      const turn = (item: Kept) => (item.position - input.roundRobinSeed + n * 1000) % n;
      return [...kept]
        .sort((a, b) => a.load.openLoans - b.load.openLoans || turn(a) - turn(b))
        .map((item) => ({ item, why: openFromUs(item) }));
    }
    case 'performance': {
      const { records = {}, settings = DEFAULT_LENDER_SCORE } = input.performance ?? {};
      const recordOf = (symbol: string) => Object.entries(records).find(([s]) => sameSymbol(s, symbol))?.[1];
      const scored = kept.map((item) => ({ item, score: scoreLender(recordOf(item.entry.symbol), settings) }));
      return scored
        .sort((a, b) => b.score.score - a.score.score || a.item.load.openLoans - b.item.load.openLoans || a.item.position - b.item.position)
        .map(({ item, score }) => ({ item, why: `${score.text}; ${openFromUs(item)}` }));
    }
  }
}

const openFromUs = (item: Kept): string => `${item.load.openLoans} open request${item.load.openLoans === 1 ? '' : 's'} from us`;

function dedupe(entries: readonly RotaEntry[]): RotaEntry[] {
  const seen: RotaEntry[] = [];
  for (const e of entries) if (!seen.some((s) => sameSymbol(s.symbol, e.symbol))) seen.push(e);
  return seen;
}
