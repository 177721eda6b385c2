/**
 * The requests a print job covers: a whole queue (every page of GET /requests, following
 * nextCursor), or the ids staff chose (GET /requests/{id} each).
 */
import { api, unwrap, type Schemas } from '../api/client';
import { fetchRequests } from '../components/requests';
import type { RequestsQuery } from '../components/listQuery';

type Request = Schemas['Request'];

/** The list's largest page: fewer round trips for a day's slips. */
const PAGE = 100;

export async function fetchQueue(queue: string, signal?: AbortSignal): Promise<Request[]> {
  const rows: Request[] = [];
  let cursor: string | undefined;
  do {
    const query: RequestsQuery = { queue, limit: PAGE, ...(cursor ? { cursor } : {}) };
    const page = await fetchRequests(query, signal);
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

export async function fetchByIds(ids: readonly string[], signal?: AbortSignal): Promise<Request[]> {
  return Promise.all(ids.map(async (id) => unwrap(await api.GET('/requests/{id}', { params: { path: { id } }, ...(signal ? { signal } : {}) }))));
}
