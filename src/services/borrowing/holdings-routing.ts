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
import { catalogueSettingsSchema, type CatalogueSettings } from '../../catalog/settings';
import type { RoutingVerdict } from '../../domain/routing';
import type { RotaEntry, ServiceType } from '../../domain/types';
import type { LibraryRow } from '../../store/libraries';
import type { HoldingsRecord } from '../../store/request-data';

export interface HoldingsRoute {
  /** The holders to route among; undefined: route from the directory. */
  readonly candidates?: readonly RotaEntry[];
  /** What each kept holder's holdings say, for its routing verdict. */
  readonly notes: ReadonlyMap<string, string>;
  /** The holders that may not be asked, as routing verdicts. */
  readonly skipped: readonly RoutingVerdict[];
  /** What to keep on the request. */
  readonly record: HoldingsRecord;
}

/** This process's catalogue answers, shared by routing and the form lookup (settings.catalogue.cacheSeconds). */
const catalogueAnswers = createLookupCache();

export function cacheFor(settings: Pick<CatalogueSettings, 'cacheSeconds'>): { readonly store: typeof catalogueAnswers; readonly ttlMs: number } {
  return { store: catalogueAnswers, ttlMs: settings.cacheSeconds * 1000 };
}

/** The library's catalogues; undefined when it has none (or its stored settings do not validate: they are reported at start). */
export function catalogueOf(library: Pick<LibraryRow, 'settings'>): CatalogueSettings | undefined {
  if (library.settings.catalogue === undefined) return undefined;
  const settings = catalogueSettingsSchema.safeParse(library.settings.catalogue);
  return settings.success ? settings.data : undefined;
}

/** Undefined when the library has no catalogue to ask. */
export async function routeFromHoldings(library: Pick<LibraryRow, 'settings'>, item: ItemIdentifiers, serviceType: ServiceType): Promise<HoldingsRoute | undefined> {
  const catalogue = catalogueOf(library);
  if (!catalogue) return undefined;
  const search = await findLenders(catalogue, item, { serviceType, cache: cacheFor(catalogue) });
  const record = recordOf(search);
  if (search.candidates.length === 0) return { notes: new Map(), skipped: [], record };
  return {
    candidates: search.candidates,
    notes: new Map(search.holders.filter((h) => h.kept && h.symbol).map((h) => [h.symbol!, h.reason])),
    skipped: search.holders.filter((h) => !h.kept).map((h) => ({ symbol: h.symbol ?? h.codes[0] ?? '?', kept: false, reason: h.reason })),
    record,
  };
}

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
