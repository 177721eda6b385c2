/**
 * MARC 852 (Location). Two shapes:
 * - one 852 per holder in the bibliographic record: `$a` the institution (Alma network zone:
 *   `852 01 $a 47BIBSYS_UBO $6 <the member's MMS id> $9 P|E`), `$b` a sublocation;
 * - separate Holdings records (DNB/ZDB MARC21plus-xml): one holding per record, whose 852s are
 *   split — one with only `$a` (the ISIL), one `_1` with `$c` (the call number, as hbz reads it),
 *   others with only `$8` — and whose 866 `$a` is the summary of what is held.
 * Call number: `$h` `$i` (MARC's classification and item parts), else `$j`, else `$c` (where
 * DNB puts it; MARC's "shelving location"). No availability and no ILL terms in either shape.
 * `$9 E` (observed in Alma network-zone answers on e-book records) marks an electronic holding.
 */
import { fieldsTagged, subfield, subfields, withHoldingsRecords, type DataField, type MarcRecord } from '../marc';
import { compact } from '../compact';
import type { RawHolding } from './holding';

export function marc852Holdings(records: readonly MarcRecord[]): RawHolding[] {
  return withHoldingsRecords(records).flatMap(({ bibliographic, holdings }) => [
    ...fieldsTagged(bibliographic, '852').flatMap((f) => holdingOfField(f)),
    ...holdings.flatMap((h) => holdingOfRecord(h)),
  ]);
}

function holdingOfField(field: DataField): RawHolding[] {
  const codes = [subfield(field, 'a'), subfield(field, 'b')].filter((c): c is string => c !== undefined);
  if (codes.length === 0) return [];
  const electronic = subfield(field, '9') === 'E';
  return [
    compact({
      codes,
      callNumber: callNumber([field]),
      location: subfield(field, 'a') !== undefined ? subfield(field, 'b') : undefined,
      localId: subfield(field, '6'),
      note: subfields(field, 'z').join('; ') || undefined,
      ill: 'unknown',
      electronic,
    }),
  ];
}

function holdingOfRecord(record: MarcRecord): RawHolding[] {
  const fields = fieldsTagged(record, '852');
  const code = fields.map((f) => subfield(f, 'a') ?? subfield(f, 'b')).find((c) => c !== undefined);
  if (code === undefined) return [];
  const summary = fieldsTagged(record, '866').map((f) => subfield(f, 'a')).filter((s) => s !== undefined);
  return [
    compact({
      codes: [code],
      callNumber: callNumber(fields),
      localId: record.controlFields.get('001'),
      note: [...summary, ...fields.flatMap((f) => subfields(f, 'z'))].join('; ') || undefined,
      ill: 'unknown',
      electronic: false,
    }),
  ];
}

function callNumber(fields: readonly DataField[]): string | undefined {
  for (const f of fields) {
    const classed = [subfield(f, 'h'), subfield(f, 'i')].filter(Boolean).join(' ');
    const found = classed || subfield(f, 'j') || subfield(f, 'c');
    // PICA non-sort markers (U+0098, U+009C) are not part of the call number staff look for.
    if (found) return found.replace(/[\u0098\u009c]/g, '');
  }
  return undefined;
}
