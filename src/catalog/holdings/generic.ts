/** The configured field/subfield mapping: one holding per field with the configured tag. */
import { fieldsTagged, subfield, type MarcRecord } from '../marc';
import type { GenericHoldingsMapping } from '../settings';
import { compact } from '../compact';
import type { RawHolding } from './holding';

export function genericHoldings(records: readonly MarcRecord[], mapping: GenericHoldingsMapping): RawHolding[] {
  const sub = (f: Parameters<typeof subfield>[0], code: string | undefined) => (code === undefined ? undefined : subfield(f, code));
  const illValues = new Map(Object.entries(mapping.ill?.values ?? {}).map(([value, kind]) => [value.toLowerCase(), kind]));
  const availableValues = new Set(mapping.availability?.available.map((v) => v.toLowerCase()) ?? []);
  return records.flatMap((record) =>
    fieldsTagged(record, mapping.tag).flatMap((f): RawHolding[] => {
      const code = subfield(f, mapping.code);
      if (code === undefined) return [];
      const status = sub(f, mapping.availability?.subfield)?.toLowerCase();
      const ill = sub(f, mapping.ill?.subfield)?.toLowerCase();
      return [
        compact({
          codes: [code],
          callNumber: sub(f, mapping.callNumber),
          location: sub(f, mapping.location),
          note: sub(f, mapping.note),
          available: mapping.availability === undefined ? undefined : status !== undefined && availableValues.has(status),
          ill: (ill !== undefined ? illValues.get(ill) : undefined) ?? 'unknown',
          electronic: false,
        }),
      ];
    }),
  );
}
