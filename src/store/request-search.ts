/**
 * Staff views of requests: the filtered, keyset-paginated list and the notifications of one
 * request. Queries on `requests.data` use only jsonb operators PostgreSQL 15 and PGlite share.
 */
import { and, asc, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { QueueDefinition } from '../domain/queues';
import { requestCountOf, requestNumberRange } from '../domain/request-number';
import type { Db } from './db';
import { inQueueSql } from './request-queues';
import { decodeRequest, type RequestRow } from './requests';
import { notifications, requests } from './schema';
import { foldSql, foldText } from './search-fold';

export type NotificationRow = typeof notifications.$inferSelect;

export type RequestSortField = 'createdAt' | 'updatedAt' | 'needBefore';

export interface RequestFilters {
  /** Only this member library's requests (a library-scoped API key). */
  readonly libraryId?: string;
  readonly roles?: readonly RequestRow['role'][];
  readonly states?: readonly string[];
  /** Canonical agency symbol of the other side: the requester of a supply request, a supplier in a borrowing request's rota. */
  readonly partner?: string;
  readonly patronId?: string;
  readonly createdFrom?: Date;
  readonly createdBefore?: Date;
  readonly needsAttention?: boolean;
  /** Words that must each appear, accents and case aside, in a searched field (`searchText`). */
  readonly words?: readonly string[];
  /** Exactly what was scanned: an item barcode or a request id (`scanned`). */
  readonly barcode?: string;
  readonly serviceTypes?: readonly RequestRow['serviceType'][];
  /** The patron's need-before date (`data.neededBy`, YYYY-MM-DD), both ends inclusive. */
  readonly needBeforeFrom?: string;
  readonly needBeforeTo?: string;
  /** The requests a work queue holds at `at` (its overdue flag reads the clock). */
  readonly queue?: { readonly definition: QueueDefinition; readonly at: Date };
}

export interface RequestPageQuery {
  readonly sort: RequestSortField;
  readonly direction: 'asc' | 'desc';
  readonly limit: number;
  /** The sort value (timestamptz text, exact to the microsecond, or the need-before key) and id of the last row seen. */
  readonly after?: { readonly value: string; readonly id: string };
}

export interface RequestPage {
  readonly rows: RequestRow[];
  /** Position of the last row, when there may be more. */
  readonly last?: { readonly value: string; readonly id: string };
}

/** The patron's need-before date, compared as text: YYYY-MM-DD sorts as the date does in the "C" collation. */
const NEEDED_BY = sql`((${requests.data}->>'neededBy') collate "C")`;
/**
 * The need-before sort key. A request without a date has no deadline: it sorts as the latest of
 * all, so the most urgent come first in ascending order. A key that is never null keeps the
 * keyset comparison a plain row comparison.
 */
const NEED_BEFORE_KEY = sql`(coalesce(${requests.data}->>'neededBy', '9999-12-31') collate "C")`;

// Field names are literals, not parameters: an expression index must match the query's text.
const bib = (field: string) => sql`(${requests.data}->'bibliographic'->>${sql.raw(`'${field}'`)})`;

/** The item barcodes a request carries: the lender's item (given at ship), the ILS's temporary item and checkout. */
export const BARCODES: readonly SQL[] = [
  sql`(${requests.data}->'lifecycle'->>'itemId')`,
  sql`(${requests.data}->'ncip'->>'itemId')`,
  sql`(${requests.data}->'ncip'->'checkOut'->>'itemId')`,
];

/**
 * The partner's ids for the request: the requester's on a supply (or brokered) request, the
 * supplier's on a borrowing (or brokered) one. Ours are uuids, left out: a word like `cafe`
 * would otherwise turn up as a substring of thousands of them.
 */
const PARTNER_REQUEST_IDS: readonly SQL[] = [
  sql`(case when ${requests.role} <> 'requester' then ${requests.requestingAgencyRequestId} end)`,
  sql`(case when ${requests.role} <> 'supplier' then ${requests.supplyingAgencyRequestId} end)`,
];

/**
 * Every field `q` searches, folded (search-fold.ts) into one text: the item (title, author,
 * publisher, DOI, ISBN, ISSN, OCLC number), the patron (name, the ILS's given name and surname, id), the partner's request id and
 * the barcodes. A word never holds a space, so it cannot match across two fields. One expression
 * on purpose: the pg_trgm GIN index requests_search_trgm_idx (migration 0008, lookup-indexes.ts)
 * is built on exactly this text, so `q` is an index scan and a recheck of the rows it finds.
 */
const SEARCHED: readonly SQL[] = [
  ...['title', 'author', 'titleOfComponent', 'authorOfComponent', 'publisher', 'doi', 'isbn', 'issn', 'oclcNumber'].map(bib),
  ...['name', 'givenName', 'surname', 'id'].map((field) => sql`(${requests.data}->'patron'->>${sql.raw(`'${field}'`)})`),
  ...PARTNER_REQUEST_IDS,
  ...BARCODES,
];
const joined = (fields: readonly SQL[]) => sql.join(fields.map((f) => sql`coalesce(${f}, '')`), sql` || ' ' || `);
/** The searched fields, each folded by `fold`, as one text. */
function searchTextWith(fold: (field: SQL) => SQL): SQL {
  return sql.join(SEARCHED.map(fold), sql` || ' ' || `);
}
// Folded field by field: only the fields that are not plain ASCII pay for the full folding.
export const searchText = searchTextWith((f) => foldSql(sql`coalesce(${f}, '')`));
/** ISBN, ISSN and OCLC number as digits only, so `0441569595` finds `0-441-56959-5`. */
export const identifierDigits = sql`regexp_replace(lower(${joined(['isbn', 'issn', 'oclcNumber'].map(bib))}), '[^0-9x ]', '', 'g')`;

function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One word: a substring of the folded text, or, with four digits or more, of the identifiers' digits. */
function wordMatches(word: string): SQL {
  const digits = word.toLowerCase().replace(/[^0-9x]/g, '');
  const asDigits = digits.replace(/x/g, '').length >= 4 ? [sql`${identifierDigits} like ${likePattern(digits)}`] : [];
  return or(sql`${searchText} like ${likePattern(foldText(word))}`, ...asDigits, ...byRequestNumber(word))!;
}

/**
 * A request number: the library's count (1042, on index requests_number_key), or the earlier
 * form older mail quotes (3F2A-91C4), the id's first digits, a range of the primary key.
 */
function byRequestNumber(text: string): SQL[] {
  const count = requestCountOf(text);
  const range = requestNumberRange(text);
  return [...(count !== undefined ? [eq(requests.number, count)] : []), ...(range ? [and(gte(requests.id, range.from), lte(requests.id, range.to))!] : [])];
}

/**
 * What was scanned, exactly: an item barcode (the lender's item, the ILS's temporary item), our
 * request id, or either agency's request id for it.
 */
function scanned(code: string): SQL {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(code);
  return or(
    ...(isUuid ? [eq(requests.id, code)] : []),
    ...byRequestNumber(code),
    eq(requests.requestingAgencyRequestId, code),
    eq(requests.supplyingAgencyRequestId, code),
    ...BARCODES.map((b) => sql`${b} = ${code}`),
  )!;
}

function conditions(f: RequestFilters): SQL[] {
  const where: SQL[] = [];
  if (f.libraryId) where.push(eq(requests.libraryId, f.libraryId));
  if (f.roles?.length) where.push(inArray(requests.role, [...f.roles]));
  if (f.states?.length) where.push(inArray(requests.state, [...f.states]));
  if (f.partner) {
    const rota = JSON.stringify([{ symbol: f.partner }]);
    where.push(
      or(
        and(sql`${requests.role} <> 'requester'`, eq(requests.requestingAgencyId, f.partner)),
        and(sql`${requests.role} <> 'supplier'`, eq(requests.supplyingAgencyId, f.partner)),
        sql`${requests.data}->'lifecycle'->'rota' @> ${rota}::jsonb`,
      )!,
    );
  }
  if (f.patronId) where.push(sql`${requests.data}->'patron'->>'id' = ${f.patronId}`);
  if (f.createdFrom) where.push(gte(requests.createdAt, f.createdFrom));
  if (f.createdBefore) where.push(lt(requests.createdAt, f.createdBefore));
  if (f.needsAttention !== undefined) where.push(eq(requests.needsAttention, f.needsAttention));
  if (f.barcode) where.push(scanned(f.barcode));
  if (f.serviceTypes?.length) where.push(inArray(requests.serviceType, [...f.serviceTypes]));
  if (f.needBeforeFrom) where.push(sql`${NEEDED_BY} >= ${f.needBeforeFrom}`);
  if (f.needBeforeTo) where.push(sql`${NEEDED_BY} <= ${f.needBeforeTo}`);
  if (f.queue) where.push(inQueueSql(f.queue.definition, f.queue.at));
  for (const word of f.words ?? []) where.push(wordMatches(word));
  return where;
}

/**
 * Keyset pagination on (sort field, id): a row inserted or updated while a client pages never
 * shifts the pages already handed out by createdAt, and no offset grows with the page number.
 */
export async function searchRequests(db: Db, filters: RequestFilters, page: RequestPageQuery): Promise<RequestPage> {
  const rows = await requestPageSelect(db, filters, page);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return { rows: shown.map((r) => decodeRequest(r.row)), ...(more && last ? { last: { value: last.position, id: last.row.id } } : {}) };
}

/** The statement behind one page (also what a test EXPLAINs to see the indexes used). */
export function requestPageSelect(db: Db, filters: RequestFilters, page: RequestPageQuery) {
  const column = page.sort === 'needBefore' ? NEED_BEFORE_KEY : page.sort === 'createdAt' ? requests.createdAt : requests.updatedAt;
  const where = conditions(filters);
  if (page.after) {
    const op = page.direction === 'desc' ? sql`<` : sql`>`;
    const value = page.sort === 'needBefore' ? sql`(${page.after.value} collate "C")` : sql`${page.after.value}::timestamptz`;
    where.push(sql`(${column}, ${requests.id}) ${op} (${value}, ${page.after.id}::uuid)`);
  }
  const order = page.direction === 'desc' ? [desc(column), desc(requests.id)] : [asc(column), asc(requests.id)];
  return db
    .select({ row: requests, position: sql<string>`${column}::text` })
    .from(requests)
    .where(and(...where))
    .orderBy(...order)
    .limit(page.limit + 1);
}

export async function listNotificationsForRequest(db: Db, requestId: string): Promise<NotificationRow[]> {
  return db.select().from(notifications).where(eq(notifications.requestId, requestId)).orderBy(asc(notifications.createdAt), asc(notifications.id));
}
