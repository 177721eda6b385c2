/**
 * Lists of requests from GET /requests, shared by the queue lists, search and the scan box, and
 * the cache keys the live events invalidate: ['requests', ...] for lists, ['request', id] for one.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';
import type { operations } from '../api/schema';
import type { RequestsQuery } from './listQuery';

export type RequestRow = Schemas['Request'];
export type RequestPage = Schemas['RequestList'];

export const PAGE_SIZE = 25;

export async function fetchRequests(query: RequestsQuery, signal?: AbortSignal): Promise<RequestPage> {
  // queue, serviceType, needBefore* and the needBefore sorts are CONTRACTS.md section 2's; they
  // reach the generated schema at merge, until then the typed query does not know them.
  const typed = query as operations['listRequests']['parameters']['query'];
  return unwrap(await api.GET('/requests', { params: { query: typed }, ...(signal ? { signal } : {}) }));
}

export function useRequestList(query: RequestsQuery) {
  return useQuery({
    queryKey: ['requests', query],
    queryFn: ({ signal }) => fetchRequests(query, signal),
    // The rows of the page before stay on screen while the next loads: no jump, focus stays put.
    placeholderData: keepPreviousData,
  });
}
