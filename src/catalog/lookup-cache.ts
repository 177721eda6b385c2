/**
 * Catalogue answers kept for a while (as long as the library's setting says at the time of asking), so that a title requested by several patrons, the routing
 * preview typed letter by letter, and the request made after it ask a catalogue once. Only
 * successful lookups are kept: a catalogue that failed is asked again at the next request, so
 * it is used as soon as it is back. Bounded: beyond `maxEntries` the least recently used go.
 * One per process; the entries are small (holdings, not records' XML).
 */
import type { HoldingsLookup } from './lookup';
import type { CatalogueSource } from './settings';

export interface LookupCache {
  /** The answer kept for this question if it is younger than `maxAgeMs` (the setting as it is now). */
  get(key: string, maxAgeMs: number): HoldingsLookup | undefined;
  /** Keeps a successful answer; a failed one is not kept. */
  set(key: string, lookup: HoldingsLookup): void;
  readonly size: number;
}

/** What makes two lookups the same question: the source as configured, and the query. */
export function lookupKey(source: CatalogueSource, cql: string): string {
  return JSON.stringify([source.url, source.version, source.recordSchema, source.recordPacking, source.maximumRecords, source.parameters, source.holdings, source.symbols, cql]);
}

export function createLookupCache(options: { readonly maxEntries?: number; readonly now?: () => number } = {}): LookupCache {
  const maxEntries = options.maxEntries ?? 2000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, { readonly lookup: HoldingsLookup; readonly at: number }>();
  return {
    get(key, maxAgeMs) {
      const entry = entries.get(key);
      // Too old for this caller may still be young enough for a library that keeps answers longer.
      if (!entry || now() - entry.at >= maxAgeMs) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.lookup;
    },
    set(key, lookup) {
      if (!lookup.ok) return;
      entries.delete(key);
      entries.set(key, { lookup, at: now() });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
  };
}
