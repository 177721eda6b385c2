/**
 * What a patron is told about a borrowing request: every state of the requester machine has a
 * phase in plain words, ended states read as ended, and the patron's own actions (cancel, renew)
 * appear exactly where the lifecycle allows them.
 */
import { PATRON_PHASES, patronStatus } from '../../../src/domain/patron-status';
import { REQUESTER_STATE_NAMES, REQUESTER_STATES, type RequesterState } from '../../../src/domain/requester-states';
import type { Lifecycle } from '../../../src/domain/types';

const AT = new Date('2027-03-01T10:00:00Z');
const loan: Lifecycle = { serviceType: 'Loan', rota: [{ symbol: 'ISIL:DK-2' }], rotaIndex: 0 };
const onLoan: Lifecycle = { ...loan, lastStatus: 'Loaned', dueDate: '2027-03-20T00:00:00Z' };
const status = (state: string, lifecycle: Lifecycle = loan) => patronStatus({ state, lifecycle }, AT);

describe('a request in the patron’s words', () => {
  it.each(REQUESTER_STATE_NAMES)('gives the requester state %s a phase of the closed list', (state) => {
    expect(PATRON_PHASES).toContain(status(state).phase);
  });

  it.each(REQUESTER_STATE_NAMES)('reads %s as ended exactly when the machine says it is terminal', (state) => {
    const ended = ['completed', 'delivered', 'cancelled', 'unfilled', 'held_locally'];
    expect(status(state).ended).toBe(REQUESTER_STATES[state].terminal);
    expect(ended.includes(status(state).phase)).toBe(REQUESTER_STATES[state].terminal);
  });

  it.each<[RequesterState, string, Lifecycle]>([
    ['new', 'submitted', loan],
    ['validated', 'submitted', loan],
    ['local_review', 'submitted', { ...loan, heldLocally: true }],
    ['error', 'submitted', loan],
    ['sent_to_supplier', 'searching', loan],
    ['conditional', 'searching', { ...loan, loanConditions: ['LibraryUseOnly'] }],
    ['retry_offered', 'searching', loan],
    ['shipped', 'on_the_way', onLoan],
    ['received', 'ready_for_pickup', onLoan],
    ['checked_out', 'on_loan', onLoan],
    ['returned_by_patron', 'returned', onLoan],
    ['shipped_return', 'returned', onLoan],
    ['overdue', 'on_loan', { ...onLoan, resumeState: 'checked_out' }],
    ['recalled', 'ready_for_pickup', { ...onLoan, resumeState: 'received' }],
    ['renew_pending', 'on_loan', { ...onLoan, resumeState: 'checked_out' }],
    ['overdue', 'returned', { ...onLoan, resumeState: 'returned_by_patron' }],
    ['complete', 'completed', { ...onLoan, lastStatus: 'LoanCompleted' }],
    ['complete', 'delivered', { serviceType: 'Copy', lastStatus: 'CopyCompleted' }],
    ['complete', 'delivered', { serviceType: 'CopyOrLoan', lastStatus: 'CopyCompleted' }],
    ['filled_locally', 'held_locally', loan],
    ['cancelled', 'cancelled', loan],
    ['unfilled', 'unfilled', loan],
    ['closed', 'completed', loan],
  ])('names %s as %s (lifecycle %j)', (state, phase, lifecycle) => {
    expect(status(state, lifecycle).phase).toBe(phase);
  });

  it('keeps recalled, overdue and a renewal asked for as flags beside where the item is', () => {
    expect(status('recalled', { ...onLoan, resumeState: 'checked_out' })).toMatchObject({ phase: 'on_loan', recalled: true, renewalPending: false });
    expect(status('overdue', { ...onLoan, resumeState: 'checked_out' })).toMatchObject({ phase: 'on_loan', overdue: true });
    expect(status('renew_pending', { ...onLoan, resumeState: 'checked_out' })).toMatchObject({ phase: 'on_loan', renewalPending: true, overdue: false });
    expect(status('cancel_pending', { ...loan, resumeState: 'will_supply' })).toMatchObject({ phase: 'searching', cancelRequested: true, actions: [] });
  });

  it('calls a loan overdue once its due date has passed, before the lender says so', () => {
    expect(status('checked_out', { ...onLoan, dueDate: '2027-02-28T23:59:59Z' }).overdue).toBe(true);
    expect(status('checked_out', onLoan).overdue).toBe(false);
    // Back with the library: the patron owes nothing anymore.
    expect(status('returned_by_patron', { ...onLoan, dueDate: '2027-02-28T23:59:59Z' }).overdue).toBe(false);
  });

  it.each<[RequesterState, Lifecycle]>([
    ['new', loan],
    ['validated', loan],
    ['local_review', loan],
    ['error', loan],
    ['sent_to_supplier', loan],
    ['expect_to_supply', loan],
    ['will_supply', loan],
    ['retry_offered', loan],
    ['retry_scheduled', loan],
  ])('offers cancel while nothing is on its way (%s)', (state, lifecycle) => {
    expect(status(state, lifecycle).actions).toEqual(['cancel']);
  });

  it('offers no cancel once the item was shipped, nor while conditions wait for staff or a cancel is pending', () => {
    for (const state of ['shipped', 'received', 'checked_out', 'overdue', 'recalled', 'renew_pending', 'returned_by_patron', 'shipped_return'] as const) {
      expect(status(state, { ...onLoan, resumeState: 'checked_out' }).actions).not.toContain('cancel');
    }
    expect(status('conditional').actions).toEqual([]);
    expect(status('cancel_pending', { ...loan, resumeState: 'sent_to_supplier' }).actions).toEqual([]);
  });

  it('offers renew on a loan the patron has, not before pickup, not while asked, not once recalled', () => {
    expect(status('checked_out', onLoan).actions).toEqual(['renew']);
    expect(status('overdue', { ...onLoan, resumeState: 'checked_out' }).actions).toEqual(['renew']);
    expect(status('received', onLoan).actions).toEqual([]);
    expect(status('renew_pending', { ...onLoan, resumeState: 'checked_out' }).actions).toEqual([]);
    expect(status('recalled', { ...onLoan, resumeState: 'checked_out' }).actions).toEqual([]);
    expect(status('shipped', onLoan).actions).toEqual([]);
  });

  it('offers nothing on an ended request', () => {
    for (const state of REQUESTER_STATE_NAMES.filter((s) => REQUESTER_STATES[s].terminal)) expect(status(state, onLoan).actions).toEqual([]);
  });

  it('reads a state this server does not know as submitted, with nothing to do', () => {
    expect(status('teleported')).toMatchObject({ phase: 'submitted', actions: [], ended: false });
  });
});
