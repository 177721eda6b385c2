/**
 * A small read-only MARC model over parsed MARCXML. Pure.
 *
 * Elements are matched by local name, so records with and without the MARC namespace
 * (`http://www.loc.gov/MARC21/slim`; GVI's records carry none) read alike. A `<collection>`
 * gives all its records: DNB/ZDB MARC21plus-xml puts one `type="Bibliographic"` record and its
 * `type="Holdings"` records (leader/06 `y`) in one collection per SRU record. Values are as the
 * XML reader gives them: trimmed, which is harmless for data fields and the leader, but means
 * positions in a control field ending in blanks (008) past its last character read as absent.
 */
import { attrNamed, childNamed, childrenNamed, type XmlElement } from '../../protocols/xml';

export interface Subfield {
  readonly code: string;
  readonly value: string;
}

export interface DataField {
  readonly tag: string;
  readonly ind1: string;
  readonly ind2: string;
  readonly subfields: readonly Subfield[];
}

export type MarcRecordType = 'bibliographic' | 'holdings' | 'authority' | 'other';

export interface MarcRecord {
  readonly leader: string;
  readonly type: MarcRecordType;
  readonly controlFields: ReadonlyMap<string, string>;
  readonly fields: readonly DataField[];
}

/** The MARC records in an element: a `<record>`, or every `<record>` of a `<collection>`; [] for anything else. */
export function readMarcRecords(el: XmlElement): MarcRecord[] {
  if (el.name === 'record') return [readMarcRecord(el)];
  if (el.name === 'collection') return childrenNamed(el, 'record').map(readMarcRecord);
  return [];
}

export function readMarcRecord(el: XmlElement): MarcRecord {
  const leader = childNamed(el, 'leader')?.text ?? '';
  const controlFields = new Map<string, string>();
  for (const cf of childrenNamed(el, 'controlfield')) {
    const tag = attrNamed(cf, 'tag')?.value;
    if (tag !== undefined && !controlFields.has(tag)) controlFields.set(tag, cf.text);
  }
  const fields = childrenNamed(el, 'datafield').map((df) => ({
    tag: attrNamed(df, 'tag')?.value ?? '',
    ind1: attrNamed(df, 'ind1')?.value ?? ' ',
    ind2: attrNamed(df, 'ind2')?.value ?? ' ',
    subfields: childrenNamed(df, 'subfield').map((sf) => ({ code: attrNamed(sf, 'code')?.value ?? '', value: sf.text })),
  }));
  return { leader, type: recordType(leader, attrNamed(el, 'type')?.value), controlFields, fields };
}

/** The `type` attribute if given (MARCXML allows it), else leader/06: u v x y are holdings, z authority. */
function recordType(leader: string, typeAttr: string | undefined): MarcRecordType {
  const attr = typeAttr?.toLowerCase();
  if (attr === 'bibliographic' || attr === 'holdings' || attr === 'authority') return attr;
  const code = leader[6];
  if (code === undefined) return 'other';
  if ('uvxy'.includes(code)) return 'holdings';
  if (code === 'z') return 'authority';
  return 'acdefgijkmoprt'.includes(code) ? 'bibliographic' : 'other';
}

export function fieldsTagged(record: MarcRecord, tag: string): DataField[] {
  return record.fields.filter((f) => f.tag === tag);
}

/** The first value of a subfield, undefined when absent or blank. */
export function subfield(field: DataField, code: string): string | undefined {
  const value = field.subfields.find((s) => s.code === code)?.value;
  return value === undefined || value === '' ? undefined : value;
}

export function subfields(field: DataField, code: string): string[] {
  return field.subfields.filter((s) => s.code === code && s.value !== '').map((s) => s.value);
}

/** The records of an answer paired: each bibliographic record with the holdings records that follow it. */
export function withHoldingsRecords(records: readonly MarcRecord[]): { bibliographic: MarcRecord; holdings: MarcRecord[] }[] {
  const out: { bibliographic: MarcRecord; holdings: MarcRecord[] }[] = [];
  for (const record of records) {
    if (record.type === 'holdings' && out.length > 0) out[out.length - 1]!.holdings.push(record);
    else if (record.type !== 'holdings') out.push({ bibliographic: record, holdings: [] });
  }
  return out;
}
