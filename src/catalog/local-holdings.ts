/**
 * Whether the borrowing library holds the item itself, from its own catalogue (`local`): a
 * physical copy said to be available. Only "available" counts: a local catalogue that states no
 * availability, or an electronic copy, flags nothing, because staff act on the flag by filling
 * the request from their own shelf.
 */
import type { Holding } from './holdings';
import type { HoldingsLookup } from './lookup';

export function availableLocalCopies(lookup: HoldingsLookup): Holding[] {
  return lookup.ok ? lookup.holdings.filter((h) => !h.electronic && h.available === true) : [];
}
