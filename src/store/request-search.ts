/**
 * Staff views of requests: the filtered, keyset-paginated list and the notifications of one
 * request. Queries on `requests.data` use only jsonb operators PostgreSQL 15 and PGlite share.
 */
import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';
import { decodeRequest, type RequestRow } from './requests';
import { notifications, requests } from './schema';

export type NotificationRow = typeof notifications.$inferSelect;

export type RequestSortField = 'createdAt' | 'updatedAt';

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
  /** Words that must each appear in the title, author or an identifier. */
  readonly words?: readonly string[];
}

export interface RequestPageQuery {
  readonly sort: RequestSortField;
  readonly direction: 'asc' | 'desc';
  readonly limit: number;
  /** The sort value (timestamptz text, exact to the microsecond) and id of the last row seen. */
  readonly after?: { readonly value: string; readonly id: string };
}

export interface RequestPage {
  readonly rows: RequestRow[];
  /** Position of the last row, when there may be more. */
  readonly last?: { readonly value: string; readonly id: string };
}

const bib = (field: string) => sql`(${requests.data}->'bibliographic'->>${field})`;
const digitsOf = (expr: SQL) => sql`regexp_replace(lower(${expr}), '[^0-9x]', '', 'g')`;

function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One word: a substring of a text field, or of an identifier compared without hyphens or spaces. */
function wordMatches(word: string): SQL {
  const pattern = likePattern(word);
  const text = ['title', 'author', 'titleOfComponent', 'authorOfComponent', 'doi', 'publisher'].map((f) => sql`${bib(f)} ilike ${pattern}`);
  const digits = word.toLowerCase().replace(/[^0-9x]/g, '');
  const ids = digits.length >= 4 ? ['isbn', 'issn', 'oclcNumber'].map((f) => sql`${digitsOf(bib(f))} like ${`%${digits}%`}`) : [];
  return or(...text, ...ids, eq(requests.requestingAgencyRequestId, word))!;
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
  for (const word of f.words ?? []) where.push(wordMatches(word));
  return where;
}

/**
 * Keyset pagination on (sort field, id): a row inserted or updated while a client pages never
 * shifts the pages already handed out by createdAt, and no offset grows with the page number.
 */
export async function searchRequests(db: Db, filters: RequestFilters, page: RequestPageQuery): Promise<RequestPage> {
  const column = page.sort === 'createdAt' ? requests.createdAt : requests.updatedAt;
  const where = conditions(filters);
  if (page.after) {
    const op = page.direction === 'desc' ? sql`<` : sql`>`;
    where.push(sql`(${column}, ${requests.id}) ${op} (${page.after.value}::timestamptz, ${page.after.id}::uuid)`);
  }
  const order = page.direction === 'desc' ? [desc(column), desc(requests.id)] : [asc(column), asc(requests.id)];
  const rows = await db
    .select({ row: requests, position: sql<string>`${column}::text` })
    .from(requests)
    .where(and(...where))
    .orderBy(...order)
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return { rows: shown.map((r) => decodeRequest(r.row)), ...(more && last ? { last: { value: last.position, id: last.row.id } } : {}) };
}

export async function listNotificationsForRequest(db: Db, requestId: string): Promise<NotificationRow[]> {
  return db.select().from(notifications).where(eq(notifications.requestId, requestId)).orderBy(asc(notifications.createdAt), asc(notifications.id));
}
