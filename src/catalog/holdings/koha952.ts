/**
 * Koha's items, one 952 per item (Koha wiki, "Holdings data fields (9xx)"): `$b` holding branch,
 * `$a` home branch, `$c` shelving location, `$o` call number, `$p` barcode, `$q` due date (on
 * loan), `$7` not for loan, `$0` withdrawn, `$1` lost. A non-zero `$7` keeps the volume in the
 * library (reference): no loan, a copy may still be asked. On loan, lost or withdrawn: unavailable.
 */
import { fieldsTagged, subfield, type MarcRecord } from '../marc';
import { compact } from '../compact';
import type { RawHolding } from './holding';

export function koha952Holdings(records: readonly MarcRecord[]): RawHolding[] {
  return records.flatMap((record) =>
    fieldsTagged(record, '952').flatMap((f): RawHolding[] => {
      const codes = [subfield(f, 'b'), subfield(f, 'a')].filter((c): c is string => c !== undefined);
      if (codes.length === 0) return [];
      const flag = (code: string) => (subfield(f, code) ?? '0') !== '0';
      const notForLoan = flag('7');
      const gone = flag('0') || flag('1');
      const onLoan = subfield(f, 'q') !== undefined;
      // Available: the volume is on the shelf; whether it may leave is the ILL terms' business.
      const available = !gone && !onLoan;
      return [
        compact({
          codes,
          location: subfield(f, 'c'),
          callNumber: subfield(f, 'o'),
          itemId: subfield(f, 'p'),
          available,
          copies: 1,
          availableCopies: available ? 1 : 0,
          note: notForLoan ? `not for loan (${subfield(f, '7')})` : onLoan ? `on loan, due ${subfield(f, 'q')}` : gone ? 'lost or withdrawn' : undefined,
          ill: notForLoan ? 'copy-only' : 'unknown',
          electronic: false,
        }),
      ];
    }),
  );
}
