/**
 * The CQL query that asks a catalogue for an item. Pure.
 *
 * Every identifier the request has and the source has an index for is asked, ORed (a record
 * found by any of them is the item); title and author are asked, ANDed, only when no identifier
 * could be, with `all` (every word, any order). Terms are always quoted, so that a space, a `=`
 * or a keyword (`and`, `or`) inside a value is data; `"` and `\` are escaped with a backslash,
 * and `*`, `?` and `^` too, because unescaped they are CQL masking characters and an ISBN never
 * means a wildcard.
 */
import type { CatalogueSource } from './settings';
import { isbnForms, normaliseIssn, normaliseOclcNumber, type ItemIdentifiers } from './identifiers';

export type QueryBasis = 'identifiers' | 'title-author';

export interface CatalogueQuery {
  readonly cql: string;
  readonly basis: QueryBasis;
}

/** The query, or undefined when the request gives nothing this source can be asked for. */
export function buildCql(item: ItemIdentifiers, source: Pick<CatalogueSource, 'indexes' | 'isbnBothForms'>): CatalogueQuery | undefined {
  const { indexes } = source;
  const terms: string[] = [];
  const ask = (names: IndexNames, values: readonly string[]) => {
    for (const value of values) for (const index of list(names)) terms.push(clause(index, value));
  };
  if (item.isbn) ask(indexes.isbn, isbnForms(item.isbn, source.isbnBothForms));
  const issn = item.issn ? normaliseIssn(item.issn) : undefined;
  if (issn) ask(indexes.issn, [issn]);
  const oclc = item.oclcNumber ? normaliseOclcNumber(item.oclcNumber) : undefined;
  if (oclc) ask(indexes.oclc, [oclc]);
  const recordId = item.supplierUniqueRecordId?.trim();
  if (recordId) ask(indexes.recordId, [recordId]);
  const unique = [...new Set(terms)];
  if (unique.length > 0) return { cql: unique.join(' or '), basis: 'identifiers' };

  const title = item.title?.trim() ? anyOf(indexes.title, item.title.trim()) : undefined;
  const author = item.author?.trim() ? anyOf(indexes.author, item.author.trim()) : undefined;
  // An author alone matches far too much to name holders of one item.
  if (title === undefined) return undefined;
  return { cql: author === undefined ? title : `${title} and ${author}`, basis: 'title-author' };
}

/** `all`: every word, in any order; a request's title is rarely the record's title to the letter. */
function anyOf(names: IndexNames, value: string): string | undefined {
  if (list(names).length === 0) return undefined;
  const clauses = list(names).map((index) => `${index} all ${quoteTerm(value)}`);
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' or ')})`;
}

type IndexNames = string | readonly string[] | undefined;

/** A source names one index or several (ORed) per kind. */
function list(names: IndexNames): readonly string[] {
  return names === undefined ? [] : typeof names === 'string' ? [names] : names;
}

function clause(index: string, value: string): string {
  return `${index}=${quoteTerm(value)}`;
}

/** A CQL search term, quoted and escaped: matched as the characters given, never as a pattern. */
export function quoteTerm(value: string): string {
  return `"${value.replace(/[\\"*?^]/g, (ch) => `\\${ch}`)}"`;
}
