/**
 * MARC 924 as the German union catalogues (GVI, K10plus) write one holding per field: `$b` the
 * holder's ISIL, `$a` the local id of its holding record, `$c` the ILL region, `$d` the ILL
 * indicator, `$g` the call number (as K10plus writes it; not in the sources below), first
 * indicator `1` an electronic holding. The ILL indicator (DNB, https://d-nb.info/1282570226/34,
 * as cited by crosslink's marc21_plus_holdings_parser.go): a volumes lent, no copies · b copies
 * only, no loan · c unrestricted · d no ILL · e electronic delivery only. There is no item
 * availability.
 */
import { fieldsTagged, subfield, type MarcRecord } from '../marc';
import type { IllKind } from '../settings';
import { compact } from '../compact';
import type { RawHolding } from './holding';

const ILL_INDICATOR: Readonly<Record<string, IllKind>> = { a: 'loan', b: 'copy-only', c: 'loan-or-copy', d: 'none', e: 'electronic-only' };

export function marc924Holdings(records: readonly MarcRecord[]): RawHolding[] {
  return records.flatMap((record) =>
    fieldsTagged(record, '924').flatMap((field): RawHolding[] => {
      const isil = subfield(field, 'b');
      if (isil === undefined) return [];
      const indicator = subfield(field, 'd')?.toLowerCase();
      const region = subfield(field, 'c');
      return [
        compact({
          codes: [isil],
          localId: subfield(field, 'a'),
          callNumber: subfield(field, 'g'),
          ill: (indicator !== undefined ? ILL_INDICATOR[indicator] : undefined) ?? 'unknown',
          electronic: field.ind1 === '1',
          note: region ? `ILL region ${region}` : undefined,
        }),
      ];
    }),
  );
}
