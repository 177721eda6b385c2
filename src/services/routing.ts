/**
 * Routing a borrowing request against the directory: the I/O around the pure planner in
 * src/domain/routing.ts (directory entries, our load on each supplier, the strategy in force).
 */
import { planRota, ROUTING_STRATEGIES, type RoutingPlan, type RoutingStrategy } from '../domain/routing';
import type { RotaEntry, ServiceType } from '../domain/types';
import type { Db } from '../store/db';
import type { LibraryRow } from '../store/libraries';
import { listPartners } from '../store/partners';
import { supplierLoad } from '../store/requests';

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

export async function routeRequest(db: Db, library: LibraryRow, query: RouteQuery, defaults: RoutingSettings, now: Date): Promise<RoutingPlan> {
  const strategy = libraryStrategy(library) ?? defaults.strategy;
  const startOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [partners, load] = await Promise.all([listPartners(db), supplierLoad(db, library.id, new Date(now.getTime() - defaults.loadWindowDays * DAY_MS), startOfToday)]);
  return planRota({
    requester: library.symbol,
    serviceType: query.serviceType,
    ...(query.format ? { format: query.format } : {}),
    ...(query.candidates ? { candidates: query.candidates } : {}),
    directory: partners.map((p) => ({ symbol: p.symbol, name: p.name, status: p.status, policies: p.policies })),
    load,
    strategy,
    // Requests made today so far: each new one starts the round-robin one place further on.
    roundRobinSeed: Object.values(load).reduce((n, l) => n + l.today, 0),
    today: now.toISOString().slice(0, 10),
  });
}

function libraryStrategy(library: LibraryRow): RoutingStrategy | undefined {
  const chosen = (library.settings as { routing?: { strategy?: unknown } }).routing?.strategy;
  return (ROUTING_STRATEGIES as readonly unknown[]).includes(chosen) ? (chosen as RoutingStrategy) : undefined;
}
