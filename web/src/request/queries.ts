/**
 * The request's server state: one query under ['request', id] (the live events invalidate
 * exactly that key), and the writes that change it, each followed by a fresh read.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { RequestDetail } from './types';

export const requestKey = (id: string) => ['request', id] as const;

export function fetchRequest(id: string): Promise<RequestDetail> {
  return api.GET('/requests/{id}', { params: { path: { id } } }).then(unwrap) as Promise<RequestDetail>;
}

export function useRequest(id: string) {
  return useQuery({ queryKey: requestKey(id), queryFn: () => fetchRequest(id) });
}

/** The request as it is now, read again (after a write or a 409). */
export function refreshRequest(client: QueryClient, id: string): Promise<RequestDetail> {
  return client.fetchQuery({ queryKey: requestKey(id), queryFn: () => fetchRequest(id), staleTime: 0 });
}

export interface ActionPost {
  readonly action: string;
  readonly version: number;
  readonly params: Record<string, unknown>;
}

export async function postAction(id: string, post: ActionPost) {
  return unwrap(await api.POST('/requests/{id}/actions', { params: { path: { id } }, body: post }));
}

export async function postNote(id: string, note: string) {
  return unwrap(await api.POST('/requests/{id}/notes', { params: { path: { id } }, body: { note } }));
}

export async function retryEffect(id: string, outboxId: string) {
  return unwrap(await api.POST('/requests/{id}/effects/{outboxId}/retry', { params: { path: { id, outboxId } } }));
}

export async function skipEffect(id: string, outboxId: string, note: string) {
  return unwrap(await api.POST('/requests/{id}/effects/{outboxId}/skip', { params: { path: { id, outboxId } }, body: { note } }));
}
