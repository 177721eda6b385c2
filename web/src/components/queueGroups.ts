/** How the queue screen groups the queues (pure). */
export type QueueRole = 'requester' | 'supplier' | 'broker';

export interface QueueCount {
  readonly id: string;
  readonly role: QueueRole;
  readonly count: number;
}

export const isAttentionQueue = (queue: Pick<QueueCount, 'id'>): boolean => queue.id.endsWith('.attention');

/**
 * The groups the queue screen shows, in order: borrowing and lending when the library has
 * requests in them (both when it has none at all yet, so a new library sees where work will come),
 * broker only when it brokers.
 */
export function queueGroups<Q extends QueueCount>(queues: readonly Q[]): { readonly role: QueueRole; readonly queues: readonly Q[] }[] {
  const roles: QueueRole[] = ['requester', 'supplier', 'broker'];
  const groups = roles.map((role) => ({ role, queues: queues.filter((q) => q.role === role) }));
  const total = (g: (typeof groups)[number]) => g.queues.reduce((sum, q) => sum + q.count, 0);
  const nothingYet = groups.every((g) => total(g) === 0);
  return groups.filter((g) => g.queues.length > 0 && (total(g) > 0 || (nothingYet && g.role !== 'broker')));
}
