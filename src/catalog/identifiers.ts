/**
 * The identifiers of an item as catalogues index them. Pure.
 *
 * ISBN: hyphens, spaces and trailing qualifiers (`0691072361 :`, `9780367196721 (innbundet)`) go;
 * a valid ISBN is also given in its other form (ISBN-10 ⇄ ISBN-13 with the 978 prefix), because
 * a record carries whichever form the cataloguer typed and not every index normalises. An ISBN
 * whose check digit is wrong is still asked as written: catalogues hold wrong ISBNs too.
 * ISSN: the hyphenated form `1234-567X`, the form 022 $a and the ISSN register use.
 * OCLC number: the digits, without `(OCoLC)`, `ocm`/`ocn`/`on` or leading zeros.
 */

/** What a request says about the item, in the names of the stored bibliographic data. */
export interface ItemIdentifiers {
  readonly isbn?: string;
  readonly issn?: string;
  readonly oclcNumber?: string;
  /** The request's supplierUniqueRecordId: the catalogue's own record id. */
  readonly supplierUniqueRecordId?: string;
  readonly title?: string;
  readonly author?: string;
}

/** The ISBN's digits (X upper-cased) and, when valid, its other form; [] when it is no ISBN. */
export function isbnForms(raw: string, bothForms = true): string[] {
  const compact = /^[\s]*([0-9][0-9\s-]*[0-9Xx])/.exec(raw)?.[1]?.replace(/[\s-]/g, '').toUpperCase();
  if (compact === undefined || !/^(\d{9}[\dX]|\d{13})$/.test(compact)) return [];
  if (!bothForms) return [compact];
  if (compact.length === 10 && isValidIsbn10(compact)) return [compact, isbn10To13(compact)];
  if (compact.length === 13 && isValidIsbn13(compact) && compact.startsWith('978')) return [compact, isbn13To10(compact)];
  return [compact];
}

export function isValidIsbn10(isbn: string): boolean {
  if (!/^\d{9}[\dX]$/.test(isbn)) return false;
  const sum = [...isbn].reduce((s, ch, i) => s + (ch === 'X' ? 10 : Number(ch)) * (10 - i), 0);
  return sum % 11 === 0;
}

export function isValidIsbn13(isbn: string): boolean {
  if (!/^\d{13}$/.test(isbn)) return false;
  const sum = [...isbn].reduce((s, ch, i) => s + Number(ch) * (i % 2 === 0 ? 1 : 3), 0);
  return sum % 10 === 0;
}

function isbn10To13(isbn10: string): string {
  const body = `978${isbn10.slice(0, 9)}`;
  const sum = [...body].reduce((s, ch, i) => s + Number(ch) * (i % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function isbn13To10(isbn13: string): string {
  const body = isbn13.slice(3, 12);
  const sum = [...body].reduce((s, ch, i) => s + Number(ch) * (10 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  return `${body}${check === 10 ? 'X' : String(check)}`;
}

/** `12345678`, `1234 5678`, `ISSN 1234-567x` → `1234-567X`; undefined when it is no ISSN. */
export function normaliseIssn(raw: string): string | undefined {
  const compact = /(\d{4})[\s-]?(\d{3}[\dXx])/.exec(raw);
  return compact ? `${compact[1]}-${compact[2]!.toUpperCase()}` : undefined;
}

/** `(OCoLC)ocm05886457`, `ocn123`, `on1234`, `0042` → `5886457`, `123`, `1234`, `42`. */
export function normaliseOclcNumber(raw: string): string | undefined {
  const digits = /^\s*(?:\(OCoLC\))?\s*(?:ocm|ocn|on)?\s*0*(\d+)\s*$/i.exec(raw)?.[1];
  return digits === undefined || digits === '' ? undefined : digits;
}
