/**
 * One catalogue lookup: the query built from the request's identifiers, one searchRetrieve, every
 * record read under the source's holdings mapping. It never throws: a catalogue that is down,
 * slow, or answers garbage or a diagnostic gives `ok: false` with the reason, so that routing can
 * say why and fall back to the directory. What was asked, what came back and how long it took
 * are in the result, to be recorded on the request. Call it outside any database transaction.
 */
import { buildCql, type QueryBasis } from './cql';
import { CatalogueError, type CatalogueErrorKind, type SruDiagnostic } from './errors';
import { readCatalogueItem, type CatalogueItem, type Holding } from './holdings';
import type { ItemIdentifiers } from './identifiers';
import type { CatalogueSource } from './settings';
import { searchRetrieve, type SruClientOptions } from './sru-client';
import { lookupKey, type LookupCache } from './lookup-cache';
import { symbolMapper } from './symbols';

interface LookupBase {
  /** The source's name, else its host. */
  readonly source: string;
  readonly cql?: string;
  readonly basis?: QueryBasis;
  readonly durationMs: number;
  /** The answer was one kept from an earlier lookup (its durationMs is that lookup's). */
  readonly cached?: boolean;
}

export type HoldingsLookup =
  | (LookupBase & {
      readonly ok: true;
      readonly cql: string;
      readonly basis: QueryBasis;
      /** As the server said (it may disagree with `items.length`). */
      readonly numberOfRecords?: number;
      readonly items: readonly CatalogueItem[];
      /** The holdings of every item, in answer order. */
      readonly holdings: readonly Holding[];
      /** Warnings the server sent with its records. */
      readonly diagnostics: readonly SruDiagnostic[];
    })
  | (LookupBase & {
      readonly ok: false;
      /** `no-query`: the request gives nothing this source can be asked for. */
      readonly kind: CatalogueErrorKind | 'no-query';
      readonly reason: string;
      readonly diagnostics: readonly SruDiagnostic[];
    });

export interface LookupOptions extends SruClientOptions {
  /** A monotonic clock in milliseconds; performance.now by default. */
  readonly clock?: () => number;
  /** Where successful answers are kept, and for how long. */
  readonly cache?: { readonly store: LookupCache; readonly ttlMs: number };
}

export async function lookupHoldings(source: CatalogueSource, item: ItemIdentifiers, options: LookupOptions = {}): Promise<HoldingsLookup> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const name = source.name ?? new URL(source.url).host;
  const query = buildCql(item, source);
  if (query === undefined) {
    return { ok: false, source: name, kind: 'no-query', reason: 'the request has no identifier or title this catalogue can be asked for', diagnostics: [], durationMs: 0 };
  }
  const asked = { source: name, cql: query.cql, basis: query.basis };
  const key = options.cache ? lookupKey(source, query.cql) : '';
  const kept = options.cache && options.cache.ttlMs > 0 ? options.cache.store.get(key, options.cache.ttlMs) : undefined;
  if (kept) return { ...kept, cached: true };
  try {
    const answer = await searchRetrieve(source, query.cql, options);
    const symbols = symbolMapper(source.symbols);
    const items = answer.records.map((r) => readCatalogueItem(r.data, source.holdings, symbols));
    const found: HoldingsLookup = {
      ok: true,
      ...asked,
      ...(answer.numberOfRecords !== undefined ? { numberOfRecords: answer.numberOfRecords } : {}),
      items,
      holdings: items.flatMap((i) => i.holdings),
      diagnostics: answer.diagnostics,
      durationMs: Math.round(clock() - started),
    };
    if (options.cache && options.cache.ttlMs > 0) options.cache.store.set(key, found);
    return found;
  } catch (err) {
    const failure = err instanceof CatalogueError ? err : new CatalogueError('not-sru', `the answer could not be read (${String(err)})`);
    return { ok: false, ...asked, kind: failure.kind, reason: failure.message, diagnostics: failure.diagnostics, durationMs: Math.round(clock() - started) };
  }
}
