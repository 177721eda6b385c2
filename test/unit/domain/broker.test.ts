/**
 * The broker hub's machine, table-driven: every (state, event) pair either moves (with the
 * messages it relays or sends, summarised), changes nothing (a note for the audit trail), or
 * throws IllegalTransition with the ISO 18626 errorType the partner is answered with.
 * The transaction in each state asks ISIL:S2, the second of three suppliers.
 */
import { BROKER_STATE_NAMES, BROKER_STATES, decideBroker, startBroker, type BrokerEvent, type BrokerSend, type BrokerState } from '../../../src/domain/broker';
import { isNoChange } from '../../../src/domain/decision';
import { IllegalTransition, type Decision, type Effect, type Lifecycle } from '../../../src/domain/types';
import { AT, base, ctx, DUE, NEW_DUE, rota } from './broker-fixtures';

const sam = (reasonForMessage: string, status?: string, more: Record<string, unknown> = {}): BrokerEvent =>
  ({ type: 'supplier_message', reasonForMessage, ...(status ? { status } : {}), rotaIndex: 1, ...more }) as BrokerEvent;
const ram = (action: string, more: Record<string, unknown> = {}): BrokerEvent => ({ type: 'requester_message', action, ...more }) as BrokerEvent;

const EVENTS: Record<string, BrokerEvent> = {
  RequestReceived: sam('StatusChange', 'RequestReceived'),
  ExpectToSupply: sam('StatusChange', 'ExpectToSupply'),
  WillSupply: sam('RequestResponse', 'WillSupply'),
  'WillSupply on conditions': sam('RequestResponse', 'WillSupply', { loanConditions: ['LibraryUseOnly'] }),
  Loaned: sam('StatusChange', 'Loaned', { dueDate: DUE }),
  Overdue: sam('StatusChange', 'Overdue'),
  Recalled: sam('StatusChange', 'Recalled'),
  Unfilled: sam('RequestResponse', 'Unfilled', { reasonUnfilled: 'NotOnShelf' }),
  'Unfilled Duplicate': sam('RequestResponse', 'Unfilled', { reasonUnfilled: 'Duplicate' }),
  RetryPossible: sam('RequestResponse', 'RetryPossible', { reasonRetry: 'NotCurrentlyAvailable' }),
  CopyCompleted: sam('StatusChange', 'CopyCompleted'),
  LoanCompleted: sam('StatusChange', 'LoanCompleted'),
  CompletedWithoutReturn: sam('StatusChange', 'CompletedWithoutReturn'),
  Cancelled: sam('StatusChange', 'Cancelled'),
  'supplier Notification': sam('Notification', undefined, { note: 'the binding is fragile' }),
  'CancelResponse Y': sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }),
  'CancelResponse N': sam('CancelResponse', 'WillSupply', { answerYesNo: 'N' }),
  'RenewResponse Y': sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: NEW_DUE }),
  'WillSupply from an earlier supplier': sam('RequestResponse', 'WillSupply', { rotaIndex: 0 }),
  Cancel: ram('Cancel'),
  Received: ram('Received'),
  Renew: ram('Renew'),
  ShippedReturn: ram('ShippedReturn'),
  ShippedForward: ram('ShippedForward'),
  'requester Notification': ram('Notification', { note: 'please hurry' }),
  'Notification agreeing to the conditions': ram('Notification', { note: 'Loan conditions agreed', conditionsAgreed: true }),
  StatusRequest: ram('StatusRequest'),
  timeout: { type: 'supplier_timeout', rotaIndex: 1 },
  'stale timeout': { type: 'supplier_timeout', rotaIndex: 0 },
  'request refused': { type: 'request_refused', reason: 'ISIL:S2 answered ERROR', rotaIndex: 1 },
  'stale request refused': { type: 'request_refused', reason: 'ISIL:S1 answered ERROR', rotaIndex: 0 },
  'relay to the supplier refused': { type: 'relay_refused', reason: 'ERROR', toward: 'supplier' },
  'relay to the requester refused': { type: 'relay_refused', reason: 'ERROR', toward: 'requester' },
};

/** One line per effect: `relay` (a supplier's message, relayed), `tell` (the hub's own), `pass` (a requester's message), `request`, `timer`. */
function summary(effects: readonly Effect[]): string {
  return effects
    .map((e) => {
      if (e.kind === 'timer') return `timer#${e.rotaIndex}`;
      if (e.kind !== 'send') return e.kind;
      const { message, supplier } = e as BrokerSend;
      if (message.kind === 'request') return `request>${supplier}`;
      if (message.kind === 'requestingAgencyMessage') return `pass ${message.action}>${supplier}`;
      return `${supplier ? 'relay' : 'tell'} ${message.reasonForMessage}/${message.status}`;
    })
    .join(', ');
}

const MOVED = 'request>ISIL:S3, timer#2, tell Notification/ExpectToSupply';
const MOVED_TOLD = 'request>ISIL:S3, timer#2, tell Notification/Unfilled, tell StatusChange/ExpectToSupply';
const ASKED_NEXT = { lastStatus: undefined, loanConditions: undefined, dueDate: undefined, resumeState: undefined, rotaIndex: 2 };

const DUPLICATE_END = { lastStatus: 'Unfilled', loanConditions: undefined, dueDate: undefined, resumeState: undefined, reason: 'no other supplier tried: ISIL:S2 (supplier 2 of 3) answered Unfilled (Duplicate)' } as const;

type Row = [BrokerState, string, BrokerState, Partial<Lifecycle>, string];

const passing = (state: BrokerState): Row[] => [
  [state, 'requester Notification', state, {}, 'pass Notification>ISIL:S2'],
  [state, 'StatusRequest', state, {}, 'pass StatusRequest>ISIL:S2'],
];
const searchingMoves = (state: 'searching' | 'expect_to_supply'): Row[] => [
  [state, 'WillSupply', 'will_supply', { lastStatus: 'WillSupply' }, 'relay RequestResponse/WillSupply'],
  [state, 'WillSupply on conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, 'relay RequestResponse/WillSupply'],
  [state, 'Loaned', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, 'relay StatusChange/Loaned'],
  [state, 'Unfilled', 'searching', ASKED_NEXT, MOVED],
  [state, 'Unfilled Duplicate', 'unfilled', DUPLICATE_END, 'tell StatusChange/Unfilled'],
  [state, 'RetryPossible', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'NotCurrentlyAvailable', supplier: 'ISIL:S2', at: '2026-09-01T10:00:00.000Z' } }, 'relay Notification/RetryPossible, timer#1'],
  [state, 'Cancelled', 'cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by ISIL:S2 (supplier 2 of 3)' }, 'relay StatusChange/Cancelled'],
  [state, 'supplier Notification', state, {}, 'relay Notification/ExpectToSupply'],
  [state, 'Cancel', 'cancel_pending', { resumeState: state }, 'pass Cancel>ISIL:S2'],
  [state, 'Notification agreeing to the conditions', state, {}, 'pass Notification>ISIL:S2'],
  [state, 'request refused', 'searching', ASKED_NEXT, MOVED],
  [state, 'relay to the supplier refused', state, {}, 'tell Notification/ExpectToSupply'],
  ...passing(state),
];
const answeredMoves = (state: 'will_supply' | 'conditional'): Row[] => [
  [state, 'WillSupply', 'will_supply', { lastStatus: 'WillSupply' }, 'relay RequestResponse/WillSupply'],
  [state, 'WillSupply on conditions', 'conditional', { lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] }, 'relay RequestResponse/WillSupply'],
  [state, 'Loaned', 'shipped', { lastStatus: 'Loaned', dueDate: DUE }, 'relay StatusChange/Loaned'],
  [state, 'Unfilled', 'searching', ASKED_NEXT, MOVED_TOLD],
  [state, 'Unfilled Duplicate', 'unfilled', DUPLICATE_END, 'tell StatusChange/Unfilled'],
  [state, 'RetryPossible', 'retry_offered', { lastStatus: 'RetryPossible', retryOffer: { reason: 'NotCurrentlyAvailable', supplier: 'ISIL:S2', at: '2026-09-01T10:00:00.000Z' } }, 'relay Notification/RetryPossible, timer#1'],
  [state, 'Cancelled', 'cancelled', { lastStatus: 'Cancelled', reason: 'cancelled by ISIL:S2 (supplier 2 of 3)' }, 'relay StatusChange/Cancelled'],
  [state, 'supplier Notification', state, {}, 'relay Notification/WillSupply'],
  [state, 'Cancel', 'cancel_pending', { resumeState: state }, 'pass Cancel>ISIL:S2'],
  [state, 'relay to the supplier refused', state, {}, 'tell Notification/WillSupply'],
  ...passing(state),
];
const loanMoves = (state: 'shipped' | 'returned'): Row[] => [
  [state, 'Loaned', state, { dueDate: DUE }, 'relay StatusChange/Loaned'],
  [state, 'Overdue', state, { lastStatus: 'Overdue' }, 'relay StatusChange/Overdue'],
  [state, 'Recalled', state, { lastStatus: 'Recalled' }, 'relay StatusChange/Recalled'],
  [state, 'LoanCompleted', 'complete', { lastStatus: 'LoanCompleted' }, 'relay StatusChange/LoanCompleted'],
  [state, 'CompletedWithoutReturn', 'complete', { lastStatus: 'CompletedWithoutReturn' }, 'relay StatusChange/CompletedWithoutReturn'],
  [state, 'supplier Notification', state, {}, 'relay Notification/Loaned'],
  [state, 'CancelResponse Y', state, {}, 'relay CancelResponse/Cancelled'],
  [state, 'CancelResponse N', state, {}, 'relay CancelResponse/WillSupply'],
  [state, 'Cancel', state, {}, 'pass Cancel>ISIL:S2'],
  [state, 'Notification agreeing to the conditions', state, {}, 'pass Notification>ISIL:S2'],
  [state, 'relay to the supplier refused', state, {}, 'tell Notification/Loaned'],
  ...passing(state),
];

const MOVES: Row[] = [
  ['searching', 'RequestReceived', 'expect_to_supply', { lastStatus: 'RequestReceived' }, ''],
  ['searching', 'ExpectToSupply', 'expect_to_supply', { lastStatus: 'ExpectToSupply' }, ''],
  // The silent supplier is withdrawn from (Cancel) before the next one is asked.
  ['searching', 'timeout', 'searching', ASKED_NEXT, `pass Cancel>ISIL:S2, ${MOVED}`],
  ...searchingMoves('searching'),
  ...searchingMoves('expect_to_supply'),
  ...answeredMoves('will_supply'),
  ...answeredMoves('conditional'),
  ['will_supply', 'Notification agreeing to the conditions', 'will_supply', {}, 'pass Notification>ISIL:S2'],
  ['conditional', 'Notification agreeing to the conditions', 'will_supply', {}, 'pass Notification>ISIL:S2'],
  // retry offered: the requester hears the offer; its Retry, a decline or the timer decide (broker-retry tests)
  ['retry_offered', 'supplier Notification', 'retry_offered', {}, 'relay Notification/RetryPossible'],
  ['retry_offered', 'Cancel', 'cancelled', { retryOffer: undefined, lastStatus: 'Cancelled' }, 'tell CancelResponse/Cancelled'],
  ['retry_offered', 'Notification agreeing to the conditions', 'retry_offered', {}, 'pass Notification>ISIL:S2'],
  ['retry_offered', 'relay to the supplier refused', 'retry_offered', {}, 'tell Notification/RetryPossible'],
  ...passing('retry_offered'),
  // cancel pending: the requester's Cancel is with ISIL:S2; the rota is over
  ['cancel_pending', 'WillSupply', 'cancel_pending', { lastStatus: 'WillSupply', resumeState: 'will_supply' }, 'relay RequestResponse/WillSupply'],
  ['cancel_pending', 'WillSupply on conditions', 'cancel_pending', { lastStatus: 'WillSupply', resumeState: 'conditional' }, 'relay RequestResponse/WillSupply'],
  ['cancel_pending', 'Loaned', 'shipped', { resumeState: undefined, lastStatus: 'Loaned', dueDate: DUE }, 'relay StatusChange/Loaned'],
  ['cancel_pending', 'Unfilled', 'cancelled', { resumeState: undefined, lastStatus: 'Unfilled' }, 'relay RequestResponse/Unfilled'],
  ['cancel_pending', 'Unfilled Duplicate', 'cancelled', { resumeState: undefined, lastStatus: 'Unfilled' }, 'relay RequestResponse/Unfilled'],
  ['cancel_pending', 'RetryPossible', 'cancelled', { resumeState: undefined, lastStatus: 'RetryPossible' }, 'relay RequestResponse/RetryPossible'],
  ['cancel_pending', 'Cancelled', 'cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, 'relay StatusChange/Cancelled'],
  ['cancel_pending', 'supplier Notification', 'cancel_pending', {}, 'relay Notification/WillSupply'],
  ['cancel_pending', 'CancelResponse Y', 'cancelled', { resumeState: undefined, lastStatus: 'Cancelled' }, 'relay CancelResponse/Cancelled'],
  ['cancel_pending', 'CancelResponse N', 'will_supply', { resumeState: undefined }, 'relay CancelResponse/WillSupply'],
  ['cancel_pending', 'Notification agreeing to the conditions', 'cancel_pending', {}, 'pass Notification>ISIL:S2'],
  ['cancel_pending', 'relay to the supplier refused', 'cancel_pending', {}, 'tell Notification/WillSupply'],
  ...passing('cancel_pending'),
  ...loanMoves('shipped'),
  ['shipped', 'RenewResponse Y', 'shipped', { dueDate: NEW_DUE }, 'relay RenewResponse/Loaned'],
  ['shipped', 'Received', 'shipped', {}, 'pass Received>ISIL:S2'],
  ['shipped', 'Renew', 'shipped', {}, 'pass Renew>ISIL:S2'],
  ['shipped', 'ShippedReturn', 'returned', {}, 'pass ShippedReturn>ISIL:S2'],
  ...loanMoves('returned'),
];

/** Accepted with a note only: late, repeated or out-of-order news, stale timers, anything after the end. */
const STALE = ['WillSupply from an earlier supplier', 'stale timeout', 'stale request refused', 'relay to the requester refused'];
const OLD_NEWS = ['RequestReceived', 'ExpectToSupply'];
const AFTER_LOAN = [...OLD_NEWS, 'WillSupply', 'WillSupply on conditions', 'Unfilled', 'Unfilled Duplicate', 'RetryPossible', 'WillSupply from an earlier supplier'];
const SUPPLIER_EVENTS = Object.keys(EVENTS).filter((e) => EVENTS[e]!.type === 'supplier_message');
const ENDED = [...SUPPLIER_EVENTS, 'timeout', 'request refused', 'stale timeout', 'stale request refused', 'relay to the supplier refused', 'relay to the requester refused'];
const NOTHING_CHANGES: Record<BrokerState, string[]> = {
  searching: STALE,
  expect_to_supply: [...STALE, ...OLD_NEWS, 'timeout'],
  will_supply: [...STALE, ...OLD_NEWS, 'CancelResponse N', 'timeout', 'request refused'],
  conditional: [...STALE, ...OLD_NEWS, 'CancelResponse N', 'timeout', 'request refused'],
  cancel_pending: [...STALE, ...OLD_NEWS, 'timeout', 'request refused'],
  // The supplier's transaction ended with its offer: older news and a repeat are noted.
  retry_offered: [...STALE, ...OLD_NEWS, 'WillSupply', 'WillSupply on conditions', 'RetryPossible', 'CancelResponse N', 'timeout', 'request refused'],
  shipped: [...new Set([...STALE, ...AFTER_LOAN, 'timeout', 'request refused'])],
  returned: [...new Set([...STALE, ...AFTER_LOAN, 'timeout', 'request refused'])],
  complete: ENDED,
  cancelled: ENDED,
  unfilled: ENDED,
  closed: ENDED,
};

const decide = (state: BrokerState, event: string): Decision<BrokerState> => {
  const ev = EVENTS[event];
  if (!ev) throw new Error(`no event ${event} in the catalog`);
  return decideBroker({ state, lifecycle: AT[state] }, ev, ctx);
};

const legal = new Set([...MOVES.map(([s, e]) => `${s} | ${e}`), ...BROKER_STATE_NAMES.flatMap((s) => NOTHING_CHANGES[s].map((e) => `${s} | ${e}`))]);
const illegalPairs = BROKER_STATE_NAMES.flatMap((s) => Object.keys(EVENTS).map((e) => [s, e] as const)).filter(([s, e]) => !legal.has(`${s} | ${e}`));

describe('broker machine: every transition', () => {
  it.each(MOVES)('%s + %s -> %s', (state, event, next, changes, effects) => {
    const d = decide(state, event);
    expect(d.state).toBe(next);
    expect(d.changes).toStrictEqual(changes);
    expect(summary(d.effects)).toBe(effects);
    expect(d.note).toBeTruthy();
  });

  it.each(BROKER_STATE_NAMES.flatMap((s) => NOTHING_CHANGES[s].map((e) => [s, e] as const)))('%s accepts %s, changes nothing and says why', (state, event) => {
    const d = decide(state, event);
    expect(isNoChange({ state }, d)).toBe(true);
    expect(d.note).toBeTruthy();
  });

  it.each(illegalPairs)('%s refuses %s with the errorType the partner gets', (state, event) => {
    let error: unknown;
    try {
      decide(state, event);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IllegalTransition);
    const ev = EVENTS[event]!;
    const expected =
      ev.type === 'requester_message'
        ? BROKER_STATES[state].terminal
          ? 'UnrecognisedDataValue'
          : 'UnsupportedActionType'
        : ev.type === 'supplier_message' && (ev.reasonForMessage === 'CancelResponse' || ev.reasonForMessage === 'RenewResponse')
          ? 'UnsupportedReasonForMessageType'
          : 'UnrecognisedDataValue';
    expect((error as IllegalTransition).protocolError).toBe(expected);
  });

  it('lists each pair once, never refuses an internal event, and refuses what a loan cannot be', () => {
    expect(new Set(MOVES.map(([s, e]) => `${s} | ${e}`)).size).toBe(MOVES.length);
    for (const s of BROKER_STATE_NAMES) for (const e of NOTHING_CHANGES[s]) expect(MOVES.some(([ms, me]) => ms === s && me === e)).toBe(false);
    expect(illegalPairs.filter(([, e]) => !['supplier_message', 'requester_message'].includes(EVENTS[e]!.type))).toEqual([]);
    expect(illegalPairs.map(([s, e]) => `${s} | ${e}`)).toEqual(expect.arrayContaining(['searching | CopyCompleted', 'searching | Received', 'will_supply | LoanCompleted', 'returned | ShippedReturn', 'complete | Cancel']));
  });
});

describe('broker machine: what the requester hears', () => {
  it('starts by asking the first supplier and telling the requester it expects to supply', () => {
    const d = startBroker({ serviceType: 'Loan', rota }, ctx);
    expect(d.state).toBe('searching');
    expect(d.changes).toEqual({ rotaIndex: 0 });
    expect(summary(d.effects)).toBe('request>ISIL:S1, timer#0, tell RequestResponse/ExpectToSupply');
    expect(d.effects.find((e) => e.kind === 'timer')).toMatchObject({ afterMs: ctx.supplierTimeoutMs });
    expect(d.note).toBe('brokering: asking ISIL:S1 (supplier 1 of 3)');
  });

  it('answers Unfilled at once when no supplier can be asked, with the reason', () => {
    const d = startBroker({ serviceType: 'Loan', rota: [] }, ctx, 'no supplier lends this format');
    expect(d.state).toBe('unfilled');
    expect(d.effects).toEqual([{ kind: 'send', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'RequestResponse', status: 'Unfilled', reasonUnfilled: 'NotAvailableForILL', note: 'no supplier lends this format' } }]);
  });

  it('says who failed and who is asked next, and ends Unfilled when the rota is exhausted', () => {
    const moved = decide('searching', 'Unfilled');
    expect(moved.note).toBe('moved to ISIL:S3 (supplier 3 of 3): ISIL:S2 (supplier 2 of 3) answered Unfilled (NotOnShelf)');
    const told = moved.effects.find((e) => e.kind === 'send' && e.message.kind === 'supplyingAgencyMessage') as BrokerSend;
    expect(told.message).toMatchObject({ reasonForMessage: 'Notification', status: 'ExpectToSupply', note: 'ISIL:S2 (supplier 2 of 3) answered Unfilled (NotOnShelf); asking ISIL:S3 (supplier 3 of 3)' });

    const last = decideBroker({ state: 'searching', lifecycle: { ...base, rotaIndex: 2 } }, { type: 'supplier_timeout', rotaIndex: 2 }, { ...ctx, supplierTimeoutMs: 1500 });
    expect(last.state).toBe('unfilled');
    expect(last.changes.reason).toBe('rota exhausted: ISIL:S3 (supplier 3 of 3) did not answer within 2 s');
    expect(last.effects).toEqual([
      // The last, silent supplier is withdrawn from too.
      { kind: 'send', supplier: 'ISIL:S3', message: { kind: 'requestingAgencyMessage', action: 'Cancel', note: 'No answer in time: the request has been sent to another library or closed' } },
      { kind: 'send', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: 'NotAvailableForILL', note: 'rota exhausted: ISIL:S3 (supplier 3 of 3) did not answer within 2 s' } },
    ]);
  });

  it('relays a supplier message with its content, naming the supplier it comes from', () => {
    const d = decideBroker(
      { state: 'will_supply', lifecycle: AT.will_supply },
      { type: 'supplier_message', reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: DUE, loanConditions: ['NoReproduction'], note: 'handle with care', rotaIndex: 1 },
      ctx,
    );
    expect(d.effects).toEqual([
      {
        kind: 'send',
        supplier: 'ISIL:S2',
        message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: DUE, loanConditions: ['NoReproduction'], note: 'handle with care', delivered: true },
      },
    ]);
  });

  it('relays the requester message with its note to the current supplier', () => {
    const d = decide('shipped', 'requester Notification');
    expect(d.effects).toEqual([{ kind: 'send', supplier: 'ISIL:S2', message: { kind: 'requestingAgencyMessage', action: 'Notification', note: 'please hurry' } }]);
  });

  it('ends a cancel the silent supplier never answered, telling the requester it is cancelled', () => {
    const d = decideBroker({ state: 'cancel_pending', lifecycle: { ...base, resumeState: 'searching' } }, { type: 'supplier_timeout', rotaIndex: 1 }, ctx);
    expect(d.state).toBe('cancelled');
    expect(summary(d.effects)).toBe('tell CancelResponse/Cancelled');
  });

  it('follows a copy request to its end when the copy is delivered, and refuses Loaned for it', () => {
    const copy: Lifecycle = { ...base, serviceType: 'Copy', lastStatus: 'WillSupply' };
    expect(decideBroker({ state: 'will_supply', lifecycle: copy }, EVENTS.CopyCompleted!, ctx).state).toBe('complete');
    expect(() => decideBroker({ state: 'will_supply', lifecycle: copy }, EVENTS.Loaned!, ctx)).toThrow(IllegalTransition);
  });
});
