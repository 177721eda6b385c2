/**
 * ISO 20775 holdings (`recordSchema=isohold`; Alma serves it): one `holding` per holder with its
 * `institutionIdentifier/value` (an ISIL), `physicalLocation`, and `holdingSimple/copiesSummary`:
 * `copiesCount` and one `status` per `availableFor` code with its `availableCount`. Only
 * `availableFor` 1 counts as available for interlibrary loan, as the BIBSYS ILL service reads it
 * (BIBSYSDEV/alma-sru-proxy AvailabilityParser.java); a status without the code counts for nothing.
 */
import { childNamed, childrenNamed, type XmlElement } from '../../../protocols/xml';
import { compact } from '../compact';
import { count, type RawHolding } from './holding';

export function isoholdHoldings(data: XmlElement): RawHolding[] {
  const holdings = data.name === 'holdings' ? childrenNamed(data, 'holding') : data.name === 'holding' ? [data] : [];
  return holdings.flatMap((holding): RawHolding[] => {
    const code = path(holding, 'institutionIdentifier', 'value')?.text;
    if (!code) return [];
    const summary = path(holding, 'holdingSimple', 'copiesSummary');
    const statuses = summary ? childrenNamed(summary, 'status') : [];
    const forIll = statuses.filter((s) => childNamed(s, 'availableFor')?.text === '1');
    const availableCopies = statuses.length === 0 ? undefined : forIll.reduce((n, s) => n + (count(childNamed(s, 'availableCount')?.text) ?? 0), 0);
    const copies = count(summary && childNamed(summary, 'copiesCount')?.text);
    const dispatch = statuses.map((s) => childNamed(s, 'earliestDispatchDate')?.text).find(Boolean);
    return [
      compact({
        codes: [code],
        location: childNamed(holding, 'physicalLocation')?.text || undefined,
        copies,
        availableCopies,
        available: availableCopies === undefined ? undefined : availableCopies > 0,
        note: availableCopies === 0 && dispatch ? `earliest dispatch ${dispatch.slice(0, 10)}` : undefined,
        ill: 'unknown',
        electronic: false,
      }),
    ];
  });
}

function path(el: XmlElement, ...names: string[]): XmlElement | undefined {
  let at: XmlElement | undefined = el;
  for (const name of names) at = at && childNamed(at, name);
  return at;
}
