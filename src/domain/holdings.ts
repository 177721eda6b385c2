/**
 * From a catalogue's holdings to routing candidates (pure): which holders may be asked for this
 * request, in which order, and why each of the others may not. The catalogue module reads the
 * holdings out of SRU records (src/catalog/); routing (src/domain/routing.ts) then applies the
 * directory's own rules and the library's strategy to the candidates this returns.
 *
 * A holder is asked only when its holding allows the service: the interlibrary-loan indicator
 * (MARC 924 $d and the like) says whether it lends volumes, paper copies, electronic copies or
 * nothing; a holding of an electronic copy only is no physical loan; an unavailable copy goes
 * last (or is dropped, as the library chose). A library that holds several copies or has several
 * holdings records is one candidate: available when any copy is, its copies counted together.
 */
import { sameSymbol } from './symbols';
import type { RotaEntry, ServiceType } from './types';
import type { RoutingVerdict } from './routing';

/** What a holding says of interlibrary loan: MARC 924 $d a (loan), b (copy only), c (both), d (none), e (electronic only). */
export type IllIndicator = 'loan' | 'copy-only' | 'loan-or-copy' | 'electronic-only' | 'none' | 'unknown';

/** One holding as routing needs it: the holder's directory symbol (when its code maps to one) and what it says. */
export interface Holding {
  /** The holder's code as the record gives it (an ISIL, an Alma institution code, a branch code). */
  readonly code: string;
  /** The directory symbol the code maps to; absent when it maps to none. */
  readonly symbol?: string;
  readonly callNumber?: string;
  /** The holder's own record id (sent to it as supplierUniqueRecordId). */
  readonly localId?: string;
  readonly copies?: number;
  readonly availableCopies?: number;
  /** Whether a copy is on the shelf now; absent: the record does not say. */
  readonly available?: boolean;
  readonly ill: IllIndicator;
  /** An electronic holding (portfolio, e-book), not a volume on a shelf. */
  readonly electronic: boolean;
}

/** What to do with holders whose copies are all out: ask them after the others, or not at all. */
export type UnavailableHolders = 'last' | 'drop';

export interface HoldingCandidates {
  /** The holders to route among, in the order to ask them before the strategy applies. */
  readonly candidates: readonly RotaEntry[];
  /** Per candidate symbol, what its holding says ("2 copies, 1 available, QA76.9 .D3"). */
  readonly notes: ReadonlyMap<string, string>;
  /** The holders that may not be asked, each with why. */
  readonly skipped: readonly RoutingVerdict[];
}

interface Holder {
  readonly symbol: string;
  readonly holdings: Holding[];
}

/** Holders merged by symbol, in the order of their first holding. */
function holders(holdings: readonly Holding[]): { mapped: Holder[]; unmapped: Holding[] } {
  const mapped: Holder[] = [];
  const unmapped: Holding[] = [];
  for (const holding of holdings) {
    if (holding.symbol === undefined) {
      if (!unmapped.some((h) => h.code === holding.code)) unmapped.push(holding);
      continue;
    }
    const known = mapped.find((h) => sameSymbol(h.symbol, holding.symbol!));
    if (known) known.holdings.push(holding);
    else mapped.push({ symbol: holding.symbol, holdings: [holding] });
  }
  return { mapped, unmapped };
}

const WANTS_LOAN: Record<ServiceType, boolean> = { Loan: true, Copy: false, CopyOrLoan: true };
const WANTS_COPY: Record<ServiceType, boolean> = { Loan: false, Copy: true, CopyOrLoan: true };

/** Why this holding cannot serve the request, or undefined when it can. */
function holdingRefusal(holding: Holding, serviceType: ServiceType): string | undefined {
  const loan = WANTS_LOAN[serviceType] && (holding.ill === 'loan' || holding.ill === 'loan-or-copy' || holding.ill === 'unknown') && !holding.electronic;
  const copy = WANTS_COPY[serviceType] && holding.ill !== 'none' && holding.ill !== 'loan';
  if (loan || copy) return undefined;
  if (holding.ill === 'none') return 'holds it, but its holding says no interlibrary loan';
  if (serviceType === 'Loan') {
    if (holding.electronic || holding.ill === 'electronic-only') return 'holds only an electronic copy, which is no loan';
    if (holding.ill === 'copy-only') return 'holds it, but supplies copies only, no loans';
  }
  if (serviceType === 'Copy' && holding.ill === 'loan') return 'holds it, but lends volumes only, no copies';
  return 'holds it, but not for this service';
}

function note(holdings: readonly Holding[]): string {
  const copies = holdings.reduce((n, h) => n + (h.copies ?? 0), 0);
  const available = holdings.reduce((n, h) => n + (h.availableCopies ?? 0), 0);
  const parts: string[] = [];
  if (copies > 0) parts.push(`${copies} cop${copies === 1 ? 'y' : 'ies'}${holdings.some((h) => h.availableCopies !== undefined) ? `, ${available} available` : ''}`);
  else if (holdings.some((h) => h.available === true)) parts.push('available');
  if (holdings.some((h) => h.available === false) && !holdings.some((h) => h.available === true)) parts.push('no copy available now');
  const callNumber = holdings.find((h) => h.callNumber)?.callNumber;
  if (callNumber) parts.push(callNumber);
  return parts.length > 0 ? `holds it (${parts.join(', ')})` : 'holds it';
}

export function candidatesFromHoldings(holdings: readonly Holding[], serviceType: ServiceType, unavailable: UnavailableHolders): HoldingCandidates {
  const { mapped, unmapped } = holders(holdings);
  const skipped: RoutingVerdict[] = unmapped.map((h) => ({ symbol: h.code, kept: false, reason: `holds it, but its code ${h.code} is no library in the directory` }));
  const onShelf: RotaEntry[] = [];
  const out: RotaEntry[] = [];
  const notes = new Map<string, string>();
  for (const holder of mapped) {
    const usable = holder.holdings.filter((h) => holdingRefusal(h, serviceType) === undefined);
    if (usable.length === 0) {
      skipped.push({ symbol: holder.symbol, kept: false, reason: holdingRefusal(holder.holdings[0]!, serviceType)! });
      continue;
    }
    const allOut = usable.every((h) => h.available === false);
    if (allOut && unavailable === 'drop') {
      skipped.push({ symbol: holder.symbol, kept: false, reason: 'holds it, but no copy is available now' });
      continue;
    }
    const first = usable.find((h) => h.available !== false) ?? usable[0]!;
    const entry: RotaEntry = { symbol: holder.symbol, ...(first.localId ? { localId: first.localId } : {}), ...(first.callNumber ? { callNumber: first.callNumber } : {}) };
    (allOut ? out : onShelf).push(entry);
    notes.set(holder.symbol, note(usable) + (allOut ? '; asked after the holders with a copy available' : ''));
  }
  return { candidates: [...onShelf, ...out], notes, skipped };
}
