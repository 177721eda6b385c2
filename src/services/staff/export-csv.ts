/**
 * Every request of a list or a search as CSV (RFC 4180, UTF-8): the same filters and scope as
 * GET /requests, read from the store one keyset page at a time and handed out page by page, so
 * an export of any size holds one page in memory. The columns are the ones staff keep in their
 * spreadsheets; `turnaroundDays` is defined in `turnaroundDays` below.
 */
import type { z } from 'zod';
import { hasEnded } from '../../domain/state-models';
import { searchRequests } from '../../store/request-search';
import type { RequestRow } from '../../store/requests';
import type { Principal } from '../access/api-keys';
import type { ServiceDeps } from '../deps';
import { librarySymbols, requestFilters, requestListQuerySchema, sortOf } from './requests-query';

/** GET /requests's query without the page: the export is every row. */
export const requestExportQuerySchema = requestListQuerySchema.omit({ cursor: true, limit: true });
export type RequestExportQuery = z.output<typeof requestExportQuerySchema>;

/** Rows read from the store per query. */
export const EXPORT_PAGE_SIZE = 500;

const DAY_MS = 86_400_000;

export const CSV_COLUMNS = [
  'Request id',
  'Library',
  'Role',
  'State',
  'Service type',
  'Created',
  'Updated',
  'Need before',
  'Partner',
  'Requesting agency',
  'Requesting agency request id',
  'Supplying agency',
  'Supplying agency request id',
  'Patron id',
  'Patron name',
  'Title',
  'Author',
  'ISBN',
  'ISSN',
  'Due date',
  'Turnaround (days)',
] as const;

/** Excel opens a file with a byte order mark as UTF-8 (without it: the system's code page). */
export const BOM = '\uFEFF';

/**
 * Days from the request's creation to its end (its last update, for a request in a final state:
 * complete, unfilled, cancelled, closed) or, while it goes on, to `now`; one decimal.
 */
export function turnaroundDays(row: RequestRow, now: Date): string {
  const end = hasEnded(row.role, row.state) ? row.updatedAt : now;
  return (Math.max(0, end.getTime() - row.createdAt.getTime()) / DAY_MS).toFixed(1);
}

/**
 * One field: quoted when it holds a comma, a quote or a line break (a quote doubled). A text a
 * spreadsheet would run as a formula (=, +, -, @ first: a title from a partner is untrusted)
 * gets a leading apostrophe, which spreadsheets show as text.
 */
export function csvField(value: string | null | undefined): string {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180: fields joined by commas, each record ended by CRLF. */
export function csvLine(fields: readonly (string | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function csvRecord(row: RequestRow, symbols: ReadonlyMap<string, string>, now: Date): string[] {
  const bib = row.data.bibliographic;
  // The patron is the borrowing side's; a lending request carries none of ours.
  const patron = row.role === 'supplier' ? undefined : row.data.patron;
  const patronName = patron ? (patron.name ?? ([patron.givenName, patron.surname].filter(Boolean).join(' ') || undefined)) : undefined;
  return [
    row.id,
    row.libraryId ? (symbols.get(row.libraryId) ?? '') : '',
    row.role,
    row.state,
    row.serviceType,
    row.createdAt.toISOString(),
    row.updatedAt.toISOString(),
    row.data.neededBy ?? '',
    currentPartner(row) ?? '',
    row.requestingAgencyId,
    row.requestingAgencyRequestId,
    row.supplyingAgencyId ?? '',
    row.supplyingAgencyRequestId ?? '',
    patron?.id ?? '',
    patronName ?? '',
    bib?.titleOfComponent ? `${bib.titleOfComponent} (${bib.title ?? ''})`.replace(' ()', '') : (bib?.title ?? ''),
    bib?.authorOfComponent ?? bib?.author ?? '',
    bib?.isbn ?? '',
    bib?.issn ?? '',
    row.data.lifecycle.dueDate ?? row.data.ncip?.checkOut?.dueDate ?? '',
    turnaroundDays(row, now),
  ];
}

/** The other side now: the requester of a supply request, the current lender of a borrowing one. */
function currentPartner(row: RequestRow): string | null {
  if (row.role === 'supplier') return row.requestingAgencyId;
  const lifecycle = row.data.lifecycle;
  return lifecycle.rota?.[lifecycle.rotaIndex ?? 0]?.symbol ?? row.supplyingAgencyId ?? null;
}

/**
 * The file as chunks: the BOM and the header first, then one chunk per page of the store. Lazy:
 * the next page is read only when the consumer asks for the next chunk, so a slow download
 * holds the reading back instead of filling memory.
 */
export async function* requestsCsv(deps: ServiceDeps, query: RequestExportQuery, principal: Principal, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<string> {
  const filters = requestFilters(deps, query, principal);
  const order = sortOf(query.sort);
  const symbols = await librarySymbols(deps);
  const now = deps.now();
  const read = (after?: { value: string; id: string }) => searchRequests(deps.db, filters, { ...order, limit: pageSize, ...(after ? { after } : {}) });
  // The first page is read before the header goes out: a failing query is still an error answer, not a cut file.
  let page = await read();
  yield BOM + csvLine(CSV_COLUMNS);
  for (;;) {
    if (page.rows.length > 0) yield page.rows.map((row) => csvLine(csvRecord(row, symbols, now))).join('');
    if (!page.last) return;
    page = await read(page.last);
  }
}

/** requests-2026-12-01.csv (the day in UTC). */
export function exportFileName(now: Date): string {
  return `requests-${now.toISOString().slice(0, 10)}.csv`;
}
