/**
 * Alma's availability fields, added to marcxml by an institution zone's SRU.
 * AVA (physical): `$b` library code, `$a` institution, `$j`/`$c` location code/name, `$d` call
 * number, `$e` available|unavailable|check_holdings, `$f` items, `$g` unavailable items, `$8`
 * holdings id. AVE (electronic portfolio): `$l` library code, `$a` institution, `$m` collection,
 * `$t` interface, `$e` activation (`Available`), `$8` portfolio id. An AVE is electronic: it is
 * never sent as a physical loan, whatever its status (PennMARC's `PennMARC::Enriched::Api`).
 */
import { fieldsTagged, subfield, type MarcRecord } from '../marc';
import { compact } from '../compact';
import { count, type RawHolding } from './holding';

export function almaHoldings(records: readonly MarcRecord[]): RawHolding[] {
  return records.flatMap((record) => [
    ...fieldsTagged(record, 'AVA').flatMap((f): RawHolding[] => {
      const codes = [subfield(f, 'b'), subfield(f, 'a')].filter((c): c is string => c !== undefined);
      if (codes.length === 0) return [];
      const copies = count(subfield(f, 'f'));
      const unavailable = count(subfield(f, 'g'));
      const status = subfield(f, 'e')?.toLowerCase();
      return [
        compact({
          codes,
          location: subfield(f, 'c') ?? subfield(f, 'j'),
          callNumber: subfield(f, 'd'),
          localId: subfield(f, '8'),
          available: status === 'available' ? true : status === 'unavailable' ? false : undefined,
          copies,
          availableCopies: copies !== undefined && unavailable !== undefined ? Math.max(0, copies - unavailable) : undefined,
          note: subfield(f, 'v') ?? subfield(f, 't'),
          ill: 'unknown',
          electronic: false,
        }),
      ];
    }),
    ...fieldsTagged(record, 'AVE').flatMap((f): RawHolding[] => {
      const codes = [subfield(f, 'l'), subfield(f, 'a')].filter((c): c is string => c !== undefined);
      if (codes.length === 0) return [];
      const status = subfield(f, 'e')?.toLowerCase();
      return [
        compact({
          codes,
          localId: subfield(f, '8'),
          available: status === undefined ? undefined : status === 'available',
          note: [subfield(f, 'm'), subfield(f, 't')].filter(Boolean).join(', ') || undefined,
          ill: 'unknown',
          electronic: true,
        }),
      ];
    }),
  ]);
}
