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
import { routingDirectory } from './member-suppliers';
import { libraryStrategy } from './routing-settings';

export interface RoutingSettings {
  readonly strategy: RoutingStrategy;
  readonly loadWindowDays: number;
}

export interface RouteQuery {
  readonly serviceType: ServiceType;
  readonly format?: string;
  readonly candidates?: readonly RotaEntry[];
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * `db` may be a transaction; the directory is read from `directory` (the cache, through `db` on a
 * miss) when given, else from the store through `db`.
 */
export async function routeRequest(db: Db, library: LibraryRow, query: RouteQuery, defaults: RoutingSettings, now: Date, directory: Pick<DirectoryCache, 'partners' | 'libraries'>): Promise<RoutingPlan> {
  const strategy = libraryStrategy(library) ?? defaults.strategy;
  const startOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [partners, members, load] = await Promise.all([
    directory.partners(db),
    directory.libraries(db),
    supplierLoad(db, library.id, new Date(now.getTime() - defaults.loadWindowDays * DAY_MS), startOfToday),
  ]);
  return planRota({
    requester: library.symbol,
    serviceType: query.serviceType,
    ...(query.format ? { format: query.format } : {}),
    ...(query.candidates ? { candidates: query.candidates } : {}),
    directory: routingDirectory(partners, members, library),
    load,
    strategy,
    // Requests made today so far: each new one starts the round-robin one place further on.
    roundRobinSeed: Object.values(load).reduce((n, l) => n + l.today, 0),
    today: now.toISOString().slice(0, 10),
  });
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
      .meta({ description: 'Holdings to route among; without them every partner and every other member library served here that lends is considered' }),
  })
  .strict();

export type RoutingQuery = z.output<typeof routingQuerySchema>;

/** The rota a request would get now, with the reason for every supplier kept or dropped; nothing is stored. */
export function dryRunRouting(deps: { readonly db: Db; readonly directory: DirectoryCache }, library: LibraryRow, query: RoutingQuery, defaults: RoutingSettings, now: Date): Promise<RoutingPlan> {
  return routeRequest(
    deps.db,
    library,
    {
      serviceType: query.serviceType,
      ...(query.format ? { format: query.format } : {}),
      ...(query.candidates ? { candidates: query.candidates.map((c) => ({ ...c, symbol: canonicalSymbol(c.symbol) })) } : {}),
    },
    defaults,
    now,
    deps.directory,
  );
}
