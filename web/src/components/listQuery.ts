/**
 * A request list's query as the URL holds it (shareable, the back button works) and as
 * GET /requests takes it. Pure: URLSearchParams in, values out.
 *
 * Keyset pages: the server gives only the next page's cursor, so the URL keeps every cursor that
 * led to the current page (`after`, repeated); "Previous page" drops the last one.
 */

/** GET /requests's filters, by their API names (CONTRACTS.md section 2 adds queue, serviceType, needBefore*). */
export const FILTER_NAMES = [
  'q',
  'role',
  'state',
  'partner',
  'patron',
  'barcode',
  'createdFrom',
  'createdBefore',
  'needsAttention',
  'serviceType',
  'needBeforeFrom',
  'needBeforeTo',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export const SORTS = ['-createdAt', 'createdAt', '-updatedAt', 'updatedAt', 'needBefore', '-needBefore'] as const;
export type Sort = (typeof SORTS)[number];
export const SORT_FIELDS = ['createdAt', 'updatedAt', 'needBefore'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const SERVICE_TYPES = ['Loan', 'Copy', 'CopyOrLoan'] as const;
export const ROLES = ['requester', 'supplier', 'broker'] as const;

export type Filters = Partial<Record<FilterName, string>>;

export interface ListQuery {
  readonly filters: Filters;
  readonly sort: Sort | undefined;
  /** The cursors that led here, oldest first; empty on the first page. */
  readonly after: readonly string[];
}

/** The query string of GET /requests for one page of a list. */
export type RequestsQuery = Partial<Record<FilterName | 'queue' | 'sort' | 'cursor', string>> & { limit?: number };

const isSort = (value: string | null): value is Sort => (SORTS as readonly string[]).includes(value ?? '');

export function readListQuery(params: URLSearchParams): ListQuery {
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const sort = params.get('sort');
  return { filters, sort: isSort(sort) ? sort : undefined, after: params.getAll('after').filter((c) => c !== '') };
}

export function writeListQuery(query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = query.filters[name];
    if (value) params.set(name, value);
  }
  if (query.sort) params.set('sort', query.sort);
  for (const cursor of query.after) params.append('after', cursor);
  return params;
}

/** The address of a list screen showing `query`. */
export function listHref(pathname: string, query: ListQuery): string {
  const search = writeListQuery(query).toString();
  return search ? `${pathname}?${search}` : pathname;
}

export function requestsQuery(query: ListQuery, extra: { readonly queue?: string; readonly limit?: number } = {}): RequestsQuery {
  const cursor = query.after.at(-1);
  return {
    ...query.filters,
    ...(extra.queue ? { queue: extra.queue } : {}),
    ...(query.sort ? { sort: query.sort } : {}),
    ...(cursor ? { cursor } : {}),
    ...(extra.limit ? { limit: extra.limit } : {}),
  };
}

/** New filters or a new sort start again at the first page (a cursor belongs to one query). */
export const withFilters = (query: ListQuery, filters: Filters): ListQuery => ({ ...query, filters, after: [] });
export const withSort = (query: ListQuery, sort: Sort): ListQuery => ({ ...query, sort, after: [] });
export const nextPage = (query: ListQuery, cursor: string): ListQuery => ({ ...query, after: [...query.after, cursor] });
export const previousPage = (query: ListQuery): ListQuery => ({ ...query, after: query.after.slice(0, -1) });

/**
 * Clicking a column's header: the first click sorts the way staff usually want (soonest need-before,
 * oldest first for age, most recently updated first), the next click reverses.
 */
export function toggleSort(current: Sort | undefined, field: SortField, fallback: Sort): Sort {
  const now = current ?? fallback;
  const preferred: Sort = field === 'updatedAt' ? '-updatedAt' : field;
  if (now.replace('-', '') !== field) return preferred;
  return (now.startsWith('-') ? field : `-${field}`) as Sort;
}

export function sortDirection(current: Sort | undefined, field: SortField, fallback: Sort): 'ascending' | 'descending' | undefined {
  const now = current ?? fallback;
  if (now.replace('-', '') !== field) return undefined;
  return now.startsWith('-') ? 'descending' : 'ascending';
}
