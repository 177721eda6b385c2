/**
 * The staff's work queues with their counts (GET /queues), in the caller's library scope: one
 * query groups the open and flagged requests, and the definitions (src/domain/queues.ts) sum
 * the groups into each queue.
 */
import { queueCounts, type QueueRole } from '../../domain/queues';
import { queueGroups } from '../../store/request-queues';
import type { Principal } from '../access/api-keys';
import type { ServiceDeps } from '../deps';

export interface QueueView {
  readonly id: string;
  readonly role: QueueRole;
  readonly count: number;
  /** The staff action most often taken on a row of the queue; null where staff mostly wait. */
  readonly rowAction: string | null;
}

export async function listQueues(deps: ServiceDeps, principal: Principal): Promise<{ queues: QueueView[] }> {
  const groups = await queueGroups(deps.db, { ...(principal.libraryId ? { libraryId: principal.libraryId } : {}), at: deps.now() });
  return { queues: queueCounts(groups).map(({ queue, count }) => ({ id: queue.id, role: queue.role, count, rowAction: queue.rowAction })) };
}
