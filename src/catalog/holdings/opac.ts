/**
 * Z39.50 OPAC records as XML (`<opacRecord>`: a `bibliographicRecord`, then `holdings/holding`):
 * `localLocation` the library, `nucCode` the institution (names, in FOLIO's gateway, not ISILs:
 * the symbol table maps them), `shelvingLocation`, `callNumber`, and one `circulations/circulation`
 * per item with `availableNow value="0|1"`, `itemId` and `restrictions`.
 */
import { attrNamed, childNamed, childrenNamed, type XmlElement } from '../../../protocols/xml';
import { compact } from '../compact';
import type { RawHolding } from './holding';

export function opacHoldings(data: XmlElement): RawHolding[] {
  if (data.name !== 'opacRecord') return [];
  return childrenNamed(childNamed(data, 'holdings') ?? data, 'holding').flatMap((holding): RawHolding[] => {
    const text = (name: string) => childNamed(holding, name)?.text || undefined;
    const codes = [text('localLocation'), text('nucCode')].filter((c): c is string => c !== undefined);
    if (codes.length === 0) return [];
    const circulations = childrenNamed(childNamed(holding, 'circulations') ?? holding, 'circulation');
    const availableNow = circulations.filter((c) => {
      const flag = childNamed(c, 'availableNow');
      return flag !== undefined && (attrNamed(flag, 'value')?.value ?? flag.text) === '1';
    }).length;
    const restrictions = circulations.map((c) => childNamed(c, 'restrictions')?.text).filter(Boolean);
    return [
      compact({
        codes,
        location: text('shelvingLocation'),
        callNumber: text('callNumber'),
        itemId: circulations.length === 1 ? childNamed(circulations[0]!, 'itemId')?.text || undefined : undefined,
        copies: circulations.length > 0 ? circulations.length : undefined,
        availableCopies: circulations.length > 0 ? availableNow : undefined,
        available: circulations.length > 0 ? availableNow > 0 : undefined,
        note: [...new Set(restrictions)].join('; ') || undefined,
        ill: 'unknown',
        electronic: false,
      }),
    ];
  });
}
