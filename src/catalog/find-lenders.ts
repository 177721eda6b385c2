/**
 * What routing calls when a request comes without candidates: the catalogue sources asked in
 * order until one names a holder that can serve the request, and the holders turned into
 * candidate lenders with a reason for each. It never throws; when no source gives a lender,
 * `candidates` is empty and `reason` says why, and routing goes on from the directory as before.
 * Call it outside any database transaction: it waits for catalogues.
 */
import type { RotaEntry, ServiceType } from '../domain/types';
import { holdersFromHoldings, type HolderVerdict } from './candidates';
import type { ItemIdentifiers } from './identifiers';
import { lookupHoldings, type HoldingsLookup, type LookupOptions } from './lookup';
import type { CatalogueSettings, CatalogueSource } from './settings';

export interface LenderSearch {
  /** The lenders to route among, available holders first; empty: route from the directory. */
  readonly candidates: readonly RotaEntry[];
  /** Every holder the answering source named, kept or skipped, with the reason. */
  readonly holders: readonly HolderVerdict[];
  /** Every source asked, in order: what was asked, what came back or why not, how long it took. */
  readonly lookups: readonly HoldingsLookup[];
  /** Why there are no candidates; absent when there are. */
  readonly reason?: string;
}

export interface FindLendersOptions extends LookupOptions {
  readonly serviceType: ServiceType;
}

/** Less than this left of the budget, a source is not asked: no catalogue answers that fast. */
const LEAST_USEFUL_MS = 250;

export async function findLenders(settings: Pick<CatalogueSettings, 'sources' | 'unavailableHolders' | 'lookupBudgetMs'>, item: ItemIdentifiers, options: FindLendersOptions): Promise<LenderSearch> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const lookups: HoldingsLookup[] = [];
  let holders: readonly HolderVerdict[] = [];
  for (const source of settings.sources) {
    const left = settings.lookupBudgetMs - (clock() - started);
    if (left < LEAST_USEFUL_MS) {
      lookups.push(notAsked(source, settings.lookupBudgetMs));
      continue;
    }
    const lookup = await lookupHoldings(left < source.timeoutMs ? { ...source, timeoutMs: Math.floor(left) } : source, item, options);
    lookups.push(lookup);
    if (!lookup.ok) continue;
    const plan = holdersFromHoldings(lookup.holdings, { serviceType: options.serviceType, unavailable: settings.unavailableHolders });
    if (plan.candidates.length > 0) return { candidates: plan.candidates, holders: plan.holders, lookups };
    if (holders.length === 0) holders = plan.holders;
  }
  return { candidates: [], holders, lookups, reason: noLenderReason(lookups, holders) };
}

function notAsked(source: CatalogueSource, budgetMs: number): HoldingsLookup {
  const reason = `not asked: the sources before it took the lookup’s whole time (lookupBudgetMs ${budgetMs} ms)`;
  return { ok: false, source: source.name ?? new URL(source.url).host, kind: 'timeout', reason, diagnostics: [], durationMs: 0 };
}

function noLenderReason(lookups: readonly HoldingsLookup[], holders: readonly HolderVerdict[]): string {
  const failed = lookups.flatMap((l) => (l.ok ? [] : [`${l.source}: ${l.reason}`]));
  if (holders.length > 0) return 'no holder in the catalogue can serve this request';
  if (lookups.some((l) => l.ok)) return failed.length > 0 ? `no catalogue names a holder (${failed.join('; ')})` : 'no catalogue names a holder';
  return `the catalogue lookup failed (${failed.join('; ')})`;
}
