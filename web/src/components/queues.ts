/** The work queues (GET /queues) and their names from the catalogue. */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { tOr } from '../i18n/t';

export { isAttentionQueue, queueGroups } from './queueGroups';

export type Queue = paths['/queues']['get']['responses'][200]['content']['application/json']['queues'][number];
export type QueueRole = Queue['role'];

export const QUEUES_KEY = ['queues'] as const;

export function useQueues() {
  return useQuery({ queryKey: QUEUES_KEY, queryFn: async () => unwrap(await api.GET('/queues')).queues });
}

export const queueName = (id: string): string => tOr(`queue.${id}`, id);
