/**
 * A holding as every mapping gives it: one library's copy (or copies) of one record, in the
 * catalogue's words, and what it says about lending it. Pure.
 */
import type { IllKind } from '../settings';

export interface Holding {
  /** The holder as the record names it (an ISIL, an Alma library code, a Koha branch, a name). */
  readonly code: string;
  /** The directory symbol the symbol mapping made of it; absent when it maps to none. */
  readonly symbol?: string;
  readonly callNumber?: string;
  readonly location?: string;
  /** The holder's own id for the holding or record (Alma holdings id, 924 $a, the member's MMS id). */
  readonly localId?: string;
  /** A barcode or item id, when the holding is one item. */
  readonly itemId?: string;
  /** Absent: the record does not say (union catalogues list holders, not availability). */
  readonly available?: boolean;
  readonly copies?: number;
  readonly availableCopies?: number;
  readonly ill: IllKind;
  /** An electronic resource (a portfolio, an e-book): never sent as a physical loan. */
  readonly electronic: boolean;
  readonly note?: string;
}

/** What a mapping reads: a holding before the symbol mapping, with its codes, most specific first. */
export interface RawHolding extends Omit<Holding, 'code' | 'symbol'> {
  /** E.g. an Alma library code, then its institution: the first the symbol mapping knows names the holder. */
  readonly codes: readonly string[];
}

/** A count as written, or undefined for none or anything not a whole number. */
export function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number.parseInt(value, 10);
}
