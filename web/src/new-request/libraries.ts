/** The member libraries the person may borrow for, with their pickup locations (GET /libraries, scoped by the server). */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export interface PickupLocation {
  readonly code: string;
  readonly name: string;
}

export interface BorrowingLibrary {
  readonly symbol: string;
  readonly name: string;
  readonly pickupLocations: readonly PickupLocation[];
}

/** settings.pickupLocations as stored; anything that is not a list of { code, name } is no list. */
function pickupLocationsOf(settings: Record<string, unknown>): PickupLocation[] {
  const list = settings.pickupLocations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((l: unknown) => {
    if (typeof l !== 'object' || l === null) return [];
    const { code, name } = l as Record<string, unknown>;
    return typeof code === 'string' ? [{ code, name: typeof name === 'string' ? name : code }] : [];
  });
}

export function useLibraries() {
  return useQuery({
    queryKey: ['libraries'],
    queryFn: async (): Promise<BorrowingLibrary[]> =>
      unwrap(await api.GET('/libraries')).map((l) => ({ symbol: l.symbol, name: l.name, pickupLocations: pickupLocationsOf(l.settings) })),
    staleTime: 5 * 60_000,
  });
}
