/**
 * Routing from holdings: a borrowing request that names no lenders is looked up in the library's
 * catalogue sources (`settings.catalogue`, src/catalog/), and the holders that can serve it
 * become its candidates, in the catalogue's order (available copies first). Routing then applies
 * the directory's rules and the library's strategy to them as to any candidates.
 *
 * The lookup waits for catalogues, so it runs before any transaction, bounded by each source's
 * timeout. It never fails a request: a catalogue that is down, slow or answers garbage, or names
 * no holder that can serve the request, leaves the request routed from the directory as before,
 * with the reason recorded. What was asked and what came back is kept on the request
 * (`data.routing.holdings`), so staff can see why each lender was or was not asked.
 */
import { findLenders, type LenderSearch } from '../../catalog/find-lenders';
import type { HoldingsLookup } from '../../catalog/lookup';
import { createLookupCache } from '../../catalog/lookup-cache';
import type { ItemIdentifiers } from '../../catalog/identifiers';
import { availableLocalCopies } from '../../catalog/local-holdings';
import { lookupHoldings } from '../../catalog/lookup';
import { catalogueSettingsSchema, effectiveCatalogue, type CatalogueSettings, type ServerCatalogue } from '../../catalog/settings';
import type { RoutingVerdict } from '../../domain/routing';
import type { RotaEntry, ServiceType } from '../../domain/types';
import type { LibraryRow } from '../../store/libraries';
import type { HoldingsRecord, LocalHoldingsRecord } from '../../store/request-data';

export interface HoldingsRoute {
  /** The holders to route among; undefined: route from the directory. */
  readonly candidates?: readonly RotaEntry[];
  /** What each kept holder's holdings say, for its routing verdict. */
  readonly notes: ReadonlyMap<string, string>;
  /**
   * The holders that may not be asked, as routing verdicts. Without candidates the request is
   * routed from the directory, and these stay out of it: the catalogue said why.
   */
  readonly skipped: readonly RoutingVerdict[];
  /** What to keep on the request. */
  readonly record: HoldingsRecord;
}

/** This process's catalogue answers, shared by routing and the form lookup (settings.catalogue.cacheSeconds). */
const catalogueAnswers = createLookupCache();

export function cacheFor(settings: Pick<CatalogueSettings, 'cacheSeconds'>): { readonly store: typeof catalogueAnswers; readonly ttlMs: number } {
  return { store: catalogueAnswers, ttlMs: settings.cacheSeconds * 1000 };
}

/**
 * The catalogues the library asks: its own (settings.catalogue), else the server's
 * (CATALOGUE_FILE); undefined when there are none. Stored settings that do not validate count as
 * none (they are reported at start).
 */
export function catalogueOf(library: Pick<LibraryRow, 'settings'>, server?: ServerCatalogue): CatalogueSettings | undefined {
  const own = library.settings.catalogue === undefined ? undefined : catalogueSettingsSchema.safeParse(library.settings.catalogue);
  return effectiveCatalogue(own?.success ? own.data : undefined, server);
}

/** Undefined when there is no union catalogue to ask. */
export async function routeFromHoldings(catalogue: CatalogueSettings, item: ItemIdentifiers, serviceType: ServiceType): Promise<HoldingsRoute | undefined> {
  if (catalogue.sources.length === 0) return undefined;
  const search = await findLenders(catalogue, item, { serviceType, cache: cacheFor(catalogue) });
  const record = recordOf(search);
  const skipped = search.holders.filter((h) => !h.kept).map((h) => ({ symbol: h.symbol ?? h.codes[0] ?? '?', kept: false as const, reason: h.reason }));
  if (search.candidates.length === 0) return { notes: new Map(), skipped, record };
  return {
    candidates: search.candidates,
    notes: new Map(search.holders.filter((h) => h.kept && h.symbol).map((h) => [h.symbol!, h.reason])),
    skipped,
    record,
  };
}

/**
 * Whether the library's own catalogue has an available physical copy (local-holdings.ts): the
 * request is then held for staff to fill from their own shelf before anyone else is asked.
 * Undefined when the library has no local catalogue. A local catalogue that fails holds nothing:
 * the request goes out as it would without one, and the record says why.
 */
export async function checkLocalHoldings(catalogue: CatalogueSettings, item: ItemIdentifiers): Promise<LocalHoldingsRecord | undefined> {
  if (!catalogue.local) return undefined;
  // Asked alongside the union catalogues, so it keeps to their budget.
  const local = catalogue.local.timeoutMs > catalogue.lookupBudgetMs ? { ...catalogue.local, timeoutMs: catalogue.lookupBudgetMs } : catalogue.local;
  const lookup = await lookupHoldings(local, item, { cache: cacheFor(catalogue) });
  const copies = availableLocalCopies(lookup).slice(0, MAX_LOCAL_COPIES);
  return {
    held: copies.length > 0,
    copies: copies.map((c) => ({
      ...(c.location ? { location: printable(c.location) } : {}),
      ...(c.callNumber ? { callNumber: printable(c.callNumber) } : {}),
      ...(c.itemId ? { itemId: printable(c.itemId) } : {}),
      ...(c.availableCopies !== undefined ? { availableCopies: c.availableCopies } : {}),
      code: printable(c.code),
    })),
    lookup: lookupSummary(lookup),
  };
}

/** Enough for a pull slip; a catalogue listing hundreds of items does not fill the request. */
const MAX_LOCAL_COPIES = 20;

/**
 * Control characters out of what a catalogue made us say: a garbage answer's NUL can end up in
 * a parser's message, and PostgreSQL refuses to store one in JSON.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
const printable = (text: string): string => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD');

/** A summary of the search: what was asked of whom, what came back or why not, how long it took. */
function recordOf(search: LenderSearch): HoldingsRecord {
  return {
    outcome: search.candidates.length > 0 ? 'holders' : 'directory',
    ...(search.reason ? { reason: printable(search.reason) } : {}),
    lookups: search.lookups.map(lookupSummary),
    holders: search.holders.map((h) => ({ ...(h.symbol ? { symbol: h.symbol } : {}), codes: [...h.codes], kept: h.kept, reason: h.reason })),
  };
}

export type LookupSummary = HoldingsRecord['lookups'][number];

/** One catalogue asked: where, the CQL, what came back (records, holdings) or why not, how long it took. */
export function lookupSummary(lookup: HoldingsLookup): LookupSummary {
  return {
    source: lookup.source,
    ...(lookup.cql ? { cql: lookup.cql } : {}),
    ok: lookup.ok,
    durationMs: lookup.durationMs,
    ...(lookup.cached ? { cached: true } : {}),
    ...(lookup.ok ? { records: lookup.items.length, holdings: lookup.holdings.length } : { reason: printable(lookup.reason) }),
  };
}
