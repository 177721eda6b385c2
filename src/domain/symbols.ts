/**
 * Agency symbols as this server keys them: `TYPE:VALUE`, upper-cased (CrossLink keys on the
 * same form and lower-cases its indexes; ISIL and OCLC symbols are case-insensitive).
 * A symbol without a type is an ISIL (CrossLink defaults the same way, NOTES §7.10).
 */
import { z } from 'zod';

/** An agency symbol as partners and staff write it: `TYPE:VALUE` (canonicalised on use). */
export const agencySymbolSchema = z.string().trim().regex(/^[A-Za-z0-9]+:.+$/, 'must be an agency symbol such as ISIL:DK-123');

export function canonicalSymbol(symbol: string): string {
  const trimmed = symbol.trim();
  const colon = trimmed.indexOf(':');
  return colon < 0 ? `ISIL:${trimmed.toUpperCase()}` : `${trimmed.slice(0, colon).trim().toUpperCase()}:${trimmed.slice(colon + 1).trim().toUpperCase()}`;
}

export function symbolParts(symbol: string): { type: string; value: string } {
  const canonical = canonicalSymbol(symbol);
  const colon = canonical.indexOf(':');
  return { type: canonical.slice(0, colon), value: canonical.slice(colon + 1) };
}

export function sameSymbol(a: string, b: string): boolean {
  return canonicalSymbol(a) === canonicalSymbol(b);
}
