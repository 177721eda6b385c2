/** The work queues (GET /queues) and their names from the catalogue. */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { tOr } from '../i18n/t';

export type Queue = paths['/queues']['get']['responses'][200]['content']['application/json']['queues'][number];
export type QueueRole = Queue['role'];

export const QUEUES_KEY = ['queues'] as const;

export function useQueues() {
  return useQuery({ queryKey: QUEUES_KEY, queryFn: async () => unwrap(await api.GET('/queues')).queues });
}

export const queueName = (id: string): string => tOr(`queue.${id}`, id);

export const isAttentionQueue = (queue: Pick<Queue, 'id'>): boolean => queue.id.endsWith('.attention');

/**
 * The groups the queue screen shows, in order: borrowing and lending when the library has
 * requests in them (both when it has none at all yet, so a new library sees where work will come),
 * broker only when it brokers.
 */
export function queueGroups(queues: readonly Queue[]): { readonly role: QueueRole; readonly queues: readonly Queue[] }[] {
  const roles: QueueRole[] = ['requester', 'supplier', 'broker'];
  const groups = roles.map((role) => ({ role, queues: queues.filter((q) => q.role === role) }));
  const total = (g: (typeof groups)[number]) => g.queues.reduce((sum, q) => sum + q.count, 0);
  const nothingYet = groups.every((g) => total(g) === 0);
  return groups.filter((g) => g.queues.length > 0 && (total(g) > 0 || (nothingYet && g.role !== 'broker')));
}
