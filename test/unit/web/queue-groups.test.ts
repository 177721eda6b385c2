/** The queue screen shows the groups a library works in: borrowing, lending, and broker only when it brokers. */
import { isAttentionQueue, queueGroups, type QueueCount } from '../../../web/src/components/queueGroups';

const q = (id: string, count: number): QueueCount => ({ id, role: id.startsWith('borrowing') ? 'requester' : id.startsWith('lending') ? 'supplier' : 'broker', count });
const roles = (queues: QueueCount[]) => queueGroups(queues).map((g) => g.role);

describe('queue groups', () => {
  it('shows the groups that hold requests, in the server’s order within each', () => {
    const groups = queueGroups([q('borrowing.attention', 0), q('borrowing.new', 2), q('lending.new', 0), q('broker.active', 1)]);
    expect(groups.map((g) => g.role)).toEqual(['requester', 'broker']);
    expect(groups[0]!.queues.map((x) => x.id)).toEqual(['borrowing.attention', 'borrowing.new']);
  });

  it('shows borrowing and lending to a library with no requests yet, never an empty broker group', () => {
    expect(roles([q('borrowing.new', 0), q('lending.new', 0), q('broker.active', 0)])).toEqual(['requester', 'supplier']);
  });

  it('marks the needs-attention queues', () => {
    expect(isAttentionQueue(q('lending.attention', 3))).toBe(true);
    expect(isAttentionQueue(q('lending.to-ship', 3))).toBe(false);
  });
});
