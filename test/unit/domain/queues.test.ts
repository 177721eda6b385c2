/**
 * The staff work queues against the machines: every state that has not ended is in a queue of
 * its role, no queue holds an ended state, and the action a queue offers on its rows is one its
 * states offer.
 */
import { inQueue, isOverdue, queueCounts, QUEUE_IDS, QUEUES, type QueueFacts } from '../../../src/domain/queues';
import { acceptedEvents, MACHINES, type MachineName } from '../../../src/domain/state-models';

const ROLES: readonly MachineName[] = ['requester', 'supplier', 'broker'];
const statesOf = (machine: MachineName) => Object.entries(MACHINES[machine].states as Record<string, { terminal: boolean }>);

describe('the work queues', () => {
  it('are the ones the staff interface names, in its order', () => {
    expect(QUEUE_IDS).toEqual([
      'borrowing.attention', 'borrowing.new', 'borrowing.local', 'borrowing.waiting', 'borrowing.conditions', 'borrowing.will-supply', 'borrowing.in-transit',
      'borrowing.to-patron', 'borrowing.on-loan', 'borrowing.overdue', 'borrowing.returned', 'borrowing.renewal',
      'lending.attention', 'lending.new', 'lending.to-pull', 'lending.to-ship', 'lending.conditions', 'lending.cancel-requested',
      'lending.renewal', 'lending.on-loan', 'lending.overdue', 'lending.returned',
      'broker.active', 'broker.attention',
    ]);
  });

  it.each(ROLES)('hold every %s state that has not ended, by its state', (machine) => {
    const open = statesOf(machine).filter(([, s]) => !s.terminal).map(([name]) => name);
    const queued = new Set(QUEUES.filter((q) => q.role === machine).flatMap((q) => q.states as readonly string[]));
    expect(open.filter((state) => !queued.has(state))).toEqual([]);
  });

  it.each(ROLES)('hold no %s state that has ended, and only states the machine knows', (machine) => {
    const states = new Map(statesOf(machine));
    for (const queue of QUEUES.filter((q) => q.role === machine)) {
      for (const state of [...queue.states, ...(queue.overdueIn ?? [])] as string[]) {
        expect({ queue: queue.id, state, known: states.has(state), terminal: states.get(state)?.terminal }).toEqual({ queue: queue.id, state, known: true, terminal: false });
      }
    }
  });

  it.each(QUEUES.filter((q) => q.rowAction !== null).map((q) => [q.id, q] as const))('%s offers on its rows an action one of its states offers', (_id, queue) => {
    const offering = (queue.states as readonly string[]).filter((state) => (acceptedEvents(queue.role, state as never) as string[]).includes(`staff:${queue.rowAction}`));
    expect(offering.length).toBeGreaterThan(0);
  });

  it('puts a request flagged for attention in its role’s attention queue, whatever its state', () => {
    const flagged: QueueFacts = { role: 'supplier', state: 'shipped', needsAttention: true, overdue: false };
    expect(QUEUES.filter((q) => inQueue(q, flagged)).map((q) => q.id)).toEqual(['lending.attention', 'lending.on-loan']);
    expect(QUEUES.filter((q) => inQueue(q, { ...flagged, needsAttention: false })).map((q) => q.id)).toEqual(['lending.on-loan']);
  });

  it('counts a loan past its due date as on loan and overdue', () => {
    const late: QueueFacts = { role: 'requester', state: 'checked_out', needsAttention: false, overdue: true };
    expect(QUEUES.filter((q) => inQueue(q, late)).map((q) => q.id)).toEqual(['borrowing.on-loan', 'borrowing.overdue']);
    // Not yet arrived: an overdue in-transit item is the lender's business, not the patron's.
    expect(QUEUES.filter((q) => inQueue(q, { ...late, state: 'shipped' })).map((q) => q.id)).toEqual(['borrowing.in-transit']);
  });

  it('reads overdue from the due date and the lender’s last status', () => {
    const at = new Date('2026-12-01T12:00:00Z');
    expect(isOverdue({ dueDate: '2026-12-01T11:59:59Z' }, at)).toBe(true);
    expect(isOverdue({ dueDate: '2026-12-01T13:00:00+02:00' }, at)).toBe(true);
    expect(isOverdue({ dueDate: '2026-12-01T23:59:59+01:00' }, at)).toBe(false);
    expect(isOverdue({}, at)).toBe(false);
    expect(isOverdue({ dueDate: '2027-01-01T00:00:00Z', lastStatus: 'Recalled' }, at)).toBe(true);
    expect(isOverdue({ dueDate: '2027-01-01T00:00:00Z', lastStatus: 'Loaned' }, at)).toBe(false);
  });

  it('sums the groups of requests into each queue', () => {
    const counts = queueCounts([
      { role: 'requester', state: 'error', needsAttention: true, overdue: false, count: 2 },
      { role: 'requester', state: 'checked_out', needsAttention: false, overdue: true, count: 3 },
      { role: 'requester', state: 'checked_out', needsAttention: true, overdue: false, count: 1 },
      { role: 'broker', state: 'searching', needsAttention: false, overdue: false, count: 4 },
    ]);
    const byId = Object.fromEntries(counts.map((c) => [c.queue.id, c.count]));
    expect(byId).toMatchObject({ 'borrowing.attention': 3, 'borrowing.on-loan': 4, 'borrowing.overdue': 3, 'broker.active': 4, 'broker.attention': 0, 'lending.new': 0 });
    expect(counts).toHaveLength(QUEUES.length);
  });
});
