/**
 * Holdings → the candidate lenders of a request, with a reason for every holder kept or skipped.
 * Pure. This is the step between a catalogue lookup and routing (src/domain/routing.ts), which
 * then keeps the candidates that are in the directory and pass their policies, and orders them
 * by the library's strategy (`as_given` keeps the order given here).
 *
 * A holder is every holding with the same directory symbol; it is kept when one of its holdings
 * can serve the request:
 *   Loan        a physical holding whose ILL terms are loan, loan-or-copy or unknown
 *   Copy        copy-only, loan-or-copy, electronic-only or unknown (electronic holdings too)
 *   CopyOrLoan  anything but no ILL (a physical holding for a loan, any for a copy)
 * A holder whose usable holdings all say unavailable goes after the others (`unavailable: 'last'`)
 * or is skipped (`'drop'`); availability not stated counts as available (union catalogues list
 * holders, not shelves). Holdings whose code maps to no symbol are skipped, once per code.
 */
import type { RotaEntry, ServiceType } from '../domain/types';
import type { Holding } from './holdings/holding';
import type { IllKind } from './settings';

export type HolderSkip = 'no-symbol' | 'no-ill' | 'copies-only' | 'loans-only' | 'electronic-only' | 'unavailable';

export interface HolderVerdict {
  /** The directory symbol; absent for a code the symbol mapping does not know. */
  readonly symbol?: string;
  readonly codes: readonly string[];
  readonly kept: boolean;
  /** Why it is skipped; absent when kept. */
  readonly skip?: HolderSkip;
  /** In the words staff read in the routing explanation. */
  readonly reason: string;
  readonly copies?: number;
  readonly availableCopies?: number;
  readonly available?: boolean;
  /** The ILL terms of the holdings, as the catalogue gave them. */
  readonly ill: readonly IllKind[];
  readonly electronic: boolean;
}

export interface HoldersPlan {
  /** The kept holders, available first, each with the call number and local id of its best holding. */
  readonly candidates: readonly RotaEntry[];
  /** Every holder, in the order of the holdings. */
  readonly holders: readonly HolderVerdict[];
}

export interface HoldersOptions {
  readonly serviceType: ServiceType;
  readonly unavailable: 'last' | 'drop';
}

type TermsSkip = Exclude<HolderSkip, 'no-symbol' | 'unavailable'>;
type Fit = { readonly ok: true } | { readonly ok: false; readonly skip: TermsSkip };

/** Whether one holding's ILL terms allow the service asked for. */
export function holdingFits(holding: Pick<Holding, 'ill' | 'electronic'>, serviceType: ServiceType): Fit {
  const { ill, electronic } = holding;
  if (ill === 'none') return { ok: false, skip: 'no-ill' };
  const loan = !electronic && (ill === 'loan' || ill === 'loan-or-copy' || ill === 'unknown');
  const copy = ill === 'copy-only' || ill === 'loan-or-copy' || ill === 'electronic-only' || ill === 'unknown';
  if (serviceType === 'Loan' && !loan) return { ok: false, skip: electronic || ill === 'electronic-only' ? 'electronic-only' : 'copies-only' };
  if (serviceType === 'Copy' && !copy) return { ok: false, skip: 'loans-only' };
  if (serviceType === 'CopyOrLoan' && !loan && !copy) return { ok: false, skip: 'electronic-only' };
  return { ok: true };
}

const SKIP_WORDS: Readonly<Record<Exclude<HolderSkip, 'no-symbol'>, string>> = {
  'no-ill': 'holds it, but its catalogue says no interlibrary loan',
  'copies-only': 'holds it, but lends no volumes (copies only)',
  'loans-only': 'holds it, but makes no copies (loans only)',
  'electronic-only': 'holds only an electronic copy, which is not lent as a physical loan',
  unavailable: 'holds it, but no copy is available now',
};

/** The order in which a holder's skip is told when its holdings are skipped for different reasons. */
const SKIP_ORDER: readonly TermsSkip[] = ['copies-only', 'loans-only', 'electronic-only', 'no-ill'];

export function holdersFromHoldings(holdings: readonly Holding[], options: HoldersOptions): HoldersPlan {
  const groups = new Map<string, Holding[]>();
  for (const h of holdings) {
    const key = h.symbol !== undefined ? `symbol ${h.symbol}` : `code ${h.code.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  const holders: HolderVerdict[] = [];
  const availableFirst: RotaEntry[] = [];
  const unavailableLast: RotaEntry[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const base = summary(group);
    if (first.symbol === undefined) {
      holders.push({ ...base, kept: false, skip: 'no-symbol', reason: `${first.code}: no directory symbol for this code (add it to the catalogue’s symbol table)` });
      continue;
    }
    const fitting = group.filter((h) => holdingFits(h, options.serviceType).ok);
    if (fitting.length === 0) {
      const skips = group.map((h) => holdingFits(h, options.serviceType)).flatMap((f) => (f.ok ? [] : [f.skip]));
      const skip = SKIP_ORDER.find((s) => skips.includes(s)) ?? 'no-ill';
      holders.push({ ...base, symbol: first.symbol, kept: false, skip, reason: SKIP_WORDS[skip] });
      continue;
    }
    const onShelf = fitting.filter((h) => h.available !== false);
    const best = onShelf[0] ?? fitting[0]!;
    const entry: RotaEntry = { symbol: first.symbol, ...(best.localId ? { localId: best.localId } : {}), ...(best.callNumber ? { callNumber: best.callNumber } : {}) };
    if (onShelf.length === 0) {
      if (options.unavailable === 'drop') {
        holders.push({ ...base, symbol: first.symbol, kept: false, skip: 'unavailable', reason: SKIP_WORDS.unavailable });
        continue;
      }
      unavailableLast.push(entry);
      holders.push({ ...base, symbol: first.symbol, kept: true, reason: `${describe(base)}; none available now, so asked last` });
      continue;
    }
    availableFirst.push(entry);
    holders.push({ ...base, symbol: first.symbol, kept: true, reason: describe(base) });
  }
  return { candidates: [...availableFirst, ...unavailableLast], holders };
}

function summary(group: readonly Holding[]): Omit<HolderVerdict, 'kept' | 'reason' | 'symbol' | 'skip'> {
  const sum = (pick: (h: Holding) => number | undefined) => {
    const values = group.map(pick).filter((n): n is number => n !== undefined);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
  };
  const stated = group.map((h) => h.available).filter((a): a is boolean => a !== undefined);
  const copies = sum((h) => h.copies);
  const availableCopies = sum((h) => h.availableCopies);
  return {
    codes: [...new Set(group.map((h) => h.code))],
    ...(copies !== undefined ? { copies } : {}),
    ...(availableCopies !== undefined ? { availableCopies } : {}),
    ...(stated.length > 0 ? { available: stated.includes(true) } : {}),
    ill: [...new Set(group.map((h) => h.ill))],
    electronic: group.every((h) => h.electronic),
  };
}

function describe(v: Omit<HolderVerdict, 'kept' | 'reason' | 'symbol' | 'skip'>): string {
  const copies = v.copies !== undefined ? (v.availableCopies !== undefined ? `, ${v.availableCopies} of ${v.copies} copies available` : `, ${v.copies} copies`) : '';
  const terms = v.ill.filter((k) => k !== 'unknown');
  return `holds it${copies}${terms.length > 0 ? ` (ILL: ${terms.join(', ')})` : ''}`;
}
