/**
 * Label values kept to small, known sets: every distinct value is a time series Prometheus keeps,
 * so a label never carries a request id, patron data or free text, and a value from outside (a
 * peer's claimed symbol, a partner's errorType) is checked against what we know first.
 */
import { ERROR_TYPES } from '../../protocols/iso18626';

/** The partner label of a peer we do not know (or could not look up). */
export const UNKNOWN = 'unknown';
/** A value outside its label's set. */
export const OTHER = 'other';

/** `value` when it is one of `allowed`, otherwise `other`. */
export function oneOf(value: string | null | undefined, allowed: readonly string[]): string {
  return value !== null && value !== undefined && allowed.includes(value) ? value : OTHER;
}

/** An ISO 18626 errorType, as the schema lists them; anything else a partner writes is `other`. */
export function errorTypeLabel(errorType: string | undefined): string {
  return oneOf(errorType, ERROR_TYPES);
}

/** What partnerLabel asks the directory (the DirectoryCache answers it). */
export interface KnownSymbols {
  partner(symbol: string): Promise<unknown>;
  library(symbol: string): Promise<unknown>;
}

/**
 * A peer's symbol when the directory knows it (a partner, or a member library served here),
 * otherwise `unknown`: an unauthenticated sender cannot grow the label set by claiming symbols.
 * A directory that cannot be read (the database is away) gives `unknown` too: a metric never fails the work.
 */
export async function partnerLabel(directory: KnownSymbols, symbol: string | null | undefined): Promise<string> {
  if (!symbol) return UNKNOWN;
  try {
    if (await directory.partner(symbol)) return symbol;
    if (await directory.library(symbol)) return symbol;
  } catch {
    // fall through: counted, but not under a name we could not check
  }
  return UNKNOWN;
}
