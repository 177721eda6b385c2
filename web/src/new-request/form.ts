/**
 * The new borrowing request form as data: its fields in screen order, the body POST /requests
 * takes (staffBorrowingRequestSchema), and the dry-run query the routing preview sends.
 * Field names are the body's paths, so a 400's `errors[].path` lands on its field.
 */
import { splitList } from '../request/action-forms';

export type Kind = 'book' | 'copy';
export type ServiceType = 'Loan' | 'Copy' | 'CopyOrLoan';

export interface NewRequestValues {
  readonly kind: Kind;
  readonly library: string;
  readonly serviceType: ServiceType;
  readonly fields: Readonly<Record<string, string>>;
}

export interface FieldDef {
  readonly name: string;
  readonly kind: 'text' | 'date' | 'email' | 'textarea';
  /** Only for a copy (article or chapter). */
  readonly copyOnly?: boolean;
}

export const BIB_FIELDS: readonly FieldDef[] = [
  { name: 'bibliographic.titleOfComponent', kind: 'text', copyOnly: true },
  { name: 'bibliographic.authorOfComponent', kind: 'text', copyOnly: true },
  { name: 'bibliographic.title', kind: 'text' },
  { name: 'bibliographic.author', kind: 'text' },
  { name: 'bibliographic.volume', kind: 'text', copyOnly: true },
  { name: 'bibliographic.issue', kind: 'text', copyOnly: true },
  { name: 'bibliographic.pagesRequested', kind: 'text', copyOnly: true },
  { name: 'bibliographic.publisher', kind: 'text' },
  { name: 'bibliographic.publicationDate', kind: 'text' },
  { name: 'bibliographic.edition', kind: 'text' },
  { name: 'bibliographic.isbn', kind: 'text' },
  { name: 'bibliographic.issn', kind: 'text' },
  { name: 'bibliographic.oclcNumber', kind: 'text' },
  { name: 'bibliographic.doi', kind: 'text' },
];

export const PATRON_FIELDS: readonly FieldDef[] = [
  { name: 'patron.id', kind: 'text' },
  { name: 'patron.name', kind: 'text' },
  { name: 'patron.email', kind: 'email' },
];

export const REQUEST_FIELDS: readonly FieldDef[] = [
  { name: 'neededBy', kind: 'date' },
  { name: 'maxCost.monetaryValue', kind: 'text' },
  { name: 'maxCost.currencyCode', kind: 'text' },
  { name: 'candidates', kind: 'text' },
  { name: 'note', kind: 'textarea' },
];

/** Every field in screen order (pickupLocation sits after the patron), for "focus the first error". */
export function fieldOrder(kind: Kind): string[] {
  return ['library', ...BIB_FIELDS.filter((f) => kind === 'copy' || !f.copyOnly).map((f) => f.name), ...PATRON_FIELDS.map((f) => f.name), 'pickupLocation', 'serviceType', ...REQUEST_FIELDS.map((f) => f.name)];
}

const IDENTIFYING = ['bibliographic.title', 'bibliographic.isbn', 'bibliographic.issn', 'bibliographic.oclcNumber', 'bibliographic.doi'];
const SYMBOL = /^[A-Za-z0-9]+:.+$/;

const value = (v: NewRequestValues, name: string) => (v.fields[name] ?? '').trim();

export function lenders(v: NewRequestValues): string[] {
  return splitList(v.fields.candidates ?? '');
}

/** Complete enough to preview: it names the item, and every lender typed so far is a whole symbol. */
export function previewable(v: NewRequestValues): boolean {
  return IDENTIFYING.some((name) => value(v, name) !== '') && lenders(v).every((s) => SYMBOL.test(s));
}

/** What identifies the item to the library's catalogues, when no lenders are typed. */
const LOOKUP_FIELDS = ['title', 'author', 'isbn', 'issn', 'oclcNumber'] as const;

export interface DryRunQuery {
  readonly library?: string;
  readonly serviceType: ServiceType;
  readonly candidates?: { symbol: string }[];
  readonly bibliographic?: Partial<Record<(typeof LOOKUP_FIELDS)[number], string>>;
}

export function dryRunQuery(v: NewRequestValues): DryRunQuery {
  const symbols = lenders(v);
  const bibliographic = Object.fromEntries(LOOKUP_FIELDS.map((f) => [f, value(v, `bibliographic.${f}`)]).filter(([, text]) => text !== ''));
  return {
    ...(v.library ? { library: v.library } : {}),
    serviceType: v.serviceType,
    ...(symbols.length > 0 ? { candidates: symbols.map((symbol) => ({ symbol })) } : { bibliographic }),
  };
}

/** The body of POST /requests: empty fields left out, copy-only fields only for a copy. */
export function requestBody(v: NewRequestValues) {
  const bibliographic: Record<string, string> = {};
  for (const f of BIB_FIELDS) {
    if (f.copyOnly && v.kind !== 'copy') continue;
    const text = value(v, f.name);
    if (text !== '') bibliographic[f.name.slice('bibliographic.'.length)] = text;
  }
  const patron: { id: string; name?: string; email?: string } = { id: value(v, 'patron.id') };
  if (value(v, 'patron.name') !== '') patron.name = value(v, 'patron.name');
  if (value(v, 'patron.email') !== '') patron.email = value(v, 'patron.email');
  const optional = (name: string) => (value(v, name) !== '' ? { [name]: value(v, name) } : {});
  // A maximum cost is an amount with its currency; the server names whichever half is wrong.
  const maxCost = value(v, 'maxCost.monetaryValue') !== '' ? { maxCost: { monetaryValue: value(v, 'maxCost.monetaryValue'), currencyCode: value(v, 'maxCost.currencyCode').toUpperCase() } } : {};
  return {
    ...(v.library ? { library: v.library } : {}),
    serviceType: v.serviceType,
    bibliographic,
    patron,
    ...optional('pickupLocation'),
    ...optional('neededBy'),
    ...optional('note'),
    ...maxCost,
    candidates: lenders(v).map((symbol) => ({ symbol })),
  };
}

/**
 * A 400's path as a field: `bibliographic.title` is itself; `bibliographic` (the "title or an
 * identifier" rule) belongs to the title; `candidates.1.symbol` to the lenders.
 */
export function fieldOfError(path: string, kind: Kind): string {
  const order = fieldOrder(kind);
  if (order.includes(path)) return path;
  if (path === 'bibliographic' || path === '') return path === '' ? '' : 'bibliographic.title';
  return order.find((name) => path.startsWith(`${name}.`)) ?? '';
}

/** What a catalogue record says of the item (POST /catalogue/lookup), as the form's fields name it. */
export interface CatalogueRecord {
  readonly title?: string;
  readonly author?: string;
  readonly edition?: string;
  readonly publisher?: string;
  readonly publicationDate?: string;
  readonly isbns: readonly string[];
  readonly issns: readonly string[];
  readonly oclcNumbers: readonly string[];
}

/** The identifiers a catalogue lookup can use, from the form; undefined when there is none. */
export function lookupIdentifiers(v: NewRequestValues): { isbn?: string; issn?: string; oclcNumber?: string } | undefined {
  const ids = Object.fromEntries((['isbn', 'issn', 'oclcNumber'] as const).map((f) => [f, value(v, `bibliographic.${f}`)]).filter(([, text]) => text !== ''));
  return Object.keys(ids).length > 0 ? ids : undefined;
}

/** The form's fields with the record's data in those still empty: what staff typed is kept. */
export function filledFrom(fields: Readonly<Record<string, string>>, record: CatalogueRecord): Record<string, string> {
  const found: Record<string, string | undefined> = {
    'bibliographic.title': record.title,
    'bibliographic.author': record.author,
    'bibliographic.edition': record.edition,
    'bibliographic.publisher': record.publisher,
    'bibliographic.publicationDate': record.publicationDate,
    'bibliographic.isbn': record.isbns[0],
    'bibliographic.issn': record.issns[0],
    'bibliographic.oclcNumber': record.oclcNumbers[0],
  };
  const next = { ...fields };
  for (const [name, text] of Object.entries(found)) if (text && !(fields[name] ?? '').trim()) next[name] = text;
  return next;
}
