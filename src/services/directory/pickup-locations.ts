/**
 * The library's pickup locations as patrons and their mail see them (settings.pickupLocations):
 * code, name and address, never the desk's staff e-mail address. One reading for the patron's
 * pages, the request form and every notice, so a location is named the same everywhere.
 *
 * The schema is this reader's, as every settings part's is (library-settings.ts uses it). The
 * list is checked when it is written (the settings API, the directory file); one stored by
 * hand that does not validate is read as absent, as every settings part is: no location is
 * guessed at, and a notice then prints what the request says.
 */
import { z } from 'zod';
import type { LibraryRow } from '../../store/libraries';

const text = (max: number) => z.string().trim().min(1).max(max);

export const pickupLocationSchema = z
  .object({
    code: text(50).meta({ description: 'What requests carry as pickupLocation', example: 'MAIN' }),
    name: text(200).meta({ example: 'Main library, lending desk' }),
    address: text(500).optional(),
    email: z.email('must be an e-mail address').optional(),
  })
  .strict();

export const pickupLocationsSchema = z
  .array(pickupLocationSchema)
  .max(500)
  .refine((list) => new Set(list.map((l) => l.code.toLowerCase())).size === list.length, 'codes must be unique');

export interface PickupPlace {
  readonly code: string;
  readonly name: string;
  readonly address?: string;
}

/** The configured locations, in the library's order; none when the stored list does not validate. Pure. */
export function pickupPlacesOf(settings: LibraryRow['settings'] | undefined): PickupPlace[] {
  const parsed = pickupLocationsSchema.safeParse(settings?.pickupLocations ?? []);
  if (!parsed.success) return [];
  return parsed.data.map(({ code, name, address }) => ({ code, name, ...(address !== undefined ? { address } : {}) }));
}

/** The configured location a code names (codes are unique without regard to case). Pure. */
export function pickupPlaceByCode(places: readonly PickupPlace[], given: string): PickupPlace | undefined {
  return places.find((p) => p.code.toLowerCase() === given.trim().toLowerCase());
}

/**
 * The location a request names, as patrons and their mail see it: the configured one its code
 * names, else the request's own text as both code and name (free text, or a location the
 * library no longer lists, stays as written). Pure.
 */
export function pickupPlaceAsNamed(places: readonly PickupPlace[], given: string): PickupPlace {
  return pickupPlaceByCode(places, given) ?? { code: given, name: given };
}
