/**
 * Routing a borrowing request against the directory: the I/O around the pure planner in
 * src/domain/routing.ts (directory entries, our load on each supplier, the strategy in force).
 * The directory is the partners and the other member libraries served here (member-suppliers.ts).
 */
import { z } from 'zod';
import { planRota, type RoutingPlan, type RoutingStrategy } from '../../domain/routing';
import { agencySymbolSchema, canonicalSymbol } from '../../domain/symbols';
import type { RotaEntry, ServiceType } from '../../domain/types';
import type { Db } from '../../store/db';
import type { DirectoryCache } from '../../store/directory-cache';
import type { LibraryRow } from '../../store/libraries';
import { supplierLoad } from '../../store/requests';
import type { ItemIdentifiers } from '../../catalog/identifiers';
import type { ServerCatalogue } from '../../catalog/settings';
import type { HoldingsRecord, LocalHoldingsRecord } from '../../store/request-data';
import { catalogueOf, checkLocalHoldings, routeFromHoldings } from './holdings-routing';
import { lenderRecords } from './lender-records';
import { routingDirectory } from './member-suppliers';
import { libraryStrategy } from './routing-settings';

export interface RoutingSettings {
  readonly strategy: RoutingStrategy;
  readonly loadWindowDays: number;
  /** The server's catalogues (CATALOGUE_FILE), for libraries that name none of their own. */
  readonly catalogue?: ServerCatalogue;
}

export interface RouteQuery {
  readonly serviceType: ServiceType;
  readonly format?: string;
  readonly candidates?: readonly RotaEntry[];
  /** The candidates are a catalogue's holders (holdings-routing.ts), with what each holding says. */
  readonly holdings?: { readonly notes: ReadonlyMap<string, string> };
  /** Suppliers not to ask, with why (holders whose catalogue rules them out). */
  readonly excluded?: ReadonlyMap<string, string>;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * `db` may be a transaction; the directory is read from `directory` (the cache, through `db` on a
 * miss) when given, else from the store through `db`.
 */
export async function routeRequest(db: Db, library: LibraryRow, query: RouteQuery, defaults: RoutingSettings, now: Date, directory: Pick<DirectoryCache, 'partners' | 'libraries'>): Promise<RoutingPlan> {
  const strategy = libraryStrategy(library) ?? defaults.strategy;
  const startOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [partners, members, load, performance] = await Promise.all([
    directory.partners(db),
    directory.libraries(db),
    supplierLoad(db, library.id, new Date(now.getTime() - defaults.loadWindowDays * DAY_MS), startOfToday),
    strategy === 'performance' ? lenderRecords(db, library, now) : undefined,
  ]);
  return planRota({
    requester: library.symbol,
    serviceType: query.serviceType,
    ...(query.format ? { format: query.format } : {}),
    ...(query.candidates ? { candidates: query.candidates } : {}),
    ...(query.holdings ? { holdings: query.holdings } : {}),
    ...(query.excluded ? { excluded: query.excluded } : {}),
    ...(performance ? { performance } : {}),
    directory: routingDirectory(partners, members, library),
    load,
    strategy,
    // Requests made today so far: each new one starts the round-robin one place further on.
    roundRobinSeed: Object.values(load).reduce((n, l) => n + l.today, 0),
    today: now.toISOString().slice(0, 10),
  });
}

export interface NewRequestRouting {
  readonly plan: RoutingPlan;
  /** What the library's catalogues were asked and said, when they were asked. */
  readonly holdings?: HoldingsRecord;
  /** What the library's own catalogue said, when it has one: `held` holds the request for staff (local_review). */
  readonly local?: LocalHoldingsRecord;
}

/**
 * The rota of a new borrowing request: among the candidates it names; naming none, among the
 * holders the library's catalogues name (holdings-routing.ts); else, or when no holder can
 * serve it, from the whole directory. The library's own catalogue, when it has one, says whether
 * the request can be filled from its own shelf. Call it outside any transaction: catalogues are
 * waited for.
 */
export async function routeNewRequest(
  db: Db,
  library: LibraryRow,
  query: RouteQuery & { readonly item?: ItemIdentifiers },
  defaults: RoutingSettings,
  now: Date,
  directory: Pick<DirectoryCache, 'partners' | 'libraries'>,
): Promise<NewRequestRouting> {
  const { item, ...route } = query;
  const catalogue = item ? catalogueOf(library, defaults.catalogue) : undefined;
  // Both catalogues are waited for together: the request's creation waits for the slower one only.
  const [found, local] = catalogue && item ? await Promise.all([route.candidates?.length ? undefined : routeFromHoldings(catalogue, item, route.serviceType), checkLocalHoldings(catalogue, item)]) : [];
  // No holder can serve it: the directory is asked, less the holders the catalogue ruled out.
  const fromHolders = found?.candidates
    ? { ...route, candidates: found.candidates, holdings: { notes: found.notes } }
    : found && found.skipped.length > 0
      ? { ...route, excluded: new Map(found.skipped.map((v) => [v.symbol, v.reason])) }
      : route;
  const plan = await routeRequest(db, library, fromHolders, defaults, now, directory);
  return {
    plan: found?.candidates ? { ...plan, explanation: [...plan.explanation, ...found.skipped] } : plan,
    ...(found ? { holdings: found.record } : {}),
    ...(local ? { local } : {}),
  };
}

/** A supplier named with a borrowing request (holdings): its symbol, and its local id and call number. */
export const candidateSupplierSchema = z
  .object({
    symbol: agencySymbolSchema,
    localId: z.string().trim().min(1).max(200).optional(),
    callNumber: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** What staff send to see a rota before making a request (POST /api/v1/routing/dry-run). */
export const routingQuerySchema = z
  .object({
    library: agencySymbolSchema.optional().meta({ description: 'The borrowing member library; defaults to the key’s library, or to the only library served here' }),
    serviceType: z.enum(['Loan', 'Copy', 'CopyOrLoan']).default('Loan'),
    format: z.string().trim().min(1).max(50).optional(),
    // The same candidates a new borrowing request takes, so the dry run is what creation would do.
    candidates: z
      .array(candidateSupplierSchema)
      .max(50)
      .optional()
      .meta({ description: 'Holdings to route among; without them the library’s catalogues are asked who holds the item (settings.catalogue), else every partner and every other member library served here that lends is considered' }),
    bibliographic: z
      .object({
        title: z.string().trim().min(1).max(1000).optional(),
        author: z.string().trim().min(1).max(500).optional(),
        isbn: z.string().trim().min(1).max(20).optional(),
        issn: z.string().trim().min(1).max(20).optional(),
        oclcNumber: z.string().trim().min(1).max(30).optional(),
        supplierUniqueRecordId: z.string().trim().min(1).max(200).optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'What identifies the item, to look its holders up in the library’s catalogues as a new request would' }),
  })
  .strict();

export type RoutingQuery = z.output<typeof routingQuerySchema>;

/** The rota a request would get now, with the reason for every supplier kept or dropped; nothing is stored. */
export function dryRunRouting(deps: { readonly db: Db; readonly directory: DirectoryCache }, library: LibraryRow, query: RoutingQuery, defaults: RoutingSettings, now: Date): Promise<NewRequestRouting> {
  return routeNewRequest(
    deps.db,
    library,
    {
      serviceType: query.serviceType,
      ...(query.format ? { format: query.format } : {}),
      ...(query.candidates ? { candidates: query.candidates.map((c) => ({ ...c, symbol: canonicalSymbol(c.symbol) })) } : {}),
      ...(query.bibliographic ? { item: query.bibliographic } : {}),
    },
    defaults,
    now,
    deps.directory,
  );
}
