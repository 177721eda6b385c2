/**
 * The machines' models against their behaviour. For every state, a range of requests in it (each
 * service type, first and last rota supplier, every place a waiting state can return to, with
 * and without a last status, with and without the ILS) meets samples of every event the machine
 * knows. An event the model lists for the state decides one of its declared targets (or changes
 * nothing, or is refused for its content); an event it does not list is refused or only noted.
 * And every declared target is reached by some sample: the model says no more than the machine does.
 */
import { decideBroker, brokerEventKey, type BrokerEvent, type BrokerEventKey } from '../../../src/domain/broker';
import { isNoChange } from '../../../src/domain/decision';
import { SUPPLIER_MESSAGE_KEYS } from '../../../src/domain/event-keys';
import { decideRequester, requesterActions, requesterEventKey, ITEM_PLACES, REQUESTER_STAFF_ACTIONS, type RequesterEvent, type RequesterEventKey } from '../../../src/domain/requester';
import { acceptedEvents, endedStates, hasEnded, MACHINE_NAMES, MACHINES, stateModel, targetsOf, type MachineName } from '../../../src/domain/state-models';
import { SUPPLIER_STATUSES } from '../../../src/domain/statuses';
import { decideSupplier, supplierActions, supplierEventKey, SUPPLIER_STAFF_ACTIONS, type SupplierEvent, type SupplierEventKey } from '../../../src/domain/supplier';
import { IllegalTransition, type Decision, type Lifecycle, type ReasonForMessage, type RequesterAction, type SupplierStatus } from '../../../src/domain/types';
import { AT as BROKER_AT, ctx as brokerCtx, NEW_DUE } from './broker-fixtures';
import { AT as REQUESTER_AT, ctx as requesterCtx } from './requester-fixtures';
import { AT as SUPPLIER_AT, ctx as supplierCtx } from './supplier-fixtures';

type SupplierMessage = Extract<RequesterEvent, { type: 'supplier_message' }>;
const PAST = '2020-01-01T00:00:00Z';
const STATUSES: (SupplierStatus | undefined)[] = [undefined, ...SUPPLIER_STATUSES];

/** A supplier's messages of one kind: every status it may carry, with and without news. */
function sams(key: (typeof SUPPLIER_MESSAGE_KEYS)[number]): SupplierMessage[] {
  const msg = (reasonForMessage: ReasonForMessage, status: SupplierStatus | undefined, more: Partial<SupplierMessage> = {}): SupplierMessage => ({
    type: 'supplier_message',
    reasonForMessage,
    ...(status ? { status } : {}),
    ...more,
  });
  if (key === 'sam:CancelResponse' || key === 'sam:RenewResponse') {
    const reason = key === 'sam:CancelResponse' ? 'CancelResponse' : 'RenewResponse';
    return (['Y', 'N', undefined] as const).flatMap((answer) => [
      ...STATUSES.map((status) => msg(reason, status, answer ? { answerYesNo: answer } : {})),
      msg(reason, 'Loaned', { ...(answer ? { answerYesNo: answer } : {}), dueDate: NEW_DUE }),
    ]);
  }
  if (key === 'sam:Notification') return STATUSES.map((status) => msg('Notification', status, { note: 'FYI' }));
  if (key === 'sam:no-status') return [msg('StatusChange', undefined, { note: 'no status change' })];
  const status = key.slice('sam:'.length) as SupplierStatus;
  return [
    ...(status === 'RetryPossible' ? [msg('StatusChange', status, { reasonRetry: 'OnLoan', retryAfter: '2026-09-10T00:00:00Z', retryBefore: '2026-09-20T00:00:00Z', offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' } })] : []),
    msg('StatusChange', status),
    msg('RequestResponse', status, { dueDate: NEW_DUE }),
    msg('StatusChange', status, { loanConditions: ['LibraryUseOnly'] }),
    msg('RequestResponse', status, { reasonUnfilled: 'Duplicate' }),
  ];
}

const ramEvents = (action: RequesterAction): Extract<SupplierEvent, { type: 'requester_message' }>[] => [
  { type: 'requester_message', action },
  { type: 'requester_message', action, note: 'Loan conditions agreed', conditionsAgreed: true },
  { type: 'requester_message', action, note: '#RetryDeclined# not at that price', retryDeclined: true },
];

const samSamples = Object.fromEntries(SUPPLIER_MESSAGE_KEYS.map((k) => [k, sams(k)]));
const ACTIONS: RequesterAction[] = ['StatusRequest', 'Received', 'Cancel', 'Renew', 'ShippedReturn', 'ShippedForward', 'Notification'];
const ramSamples = Object.fromEntries(ACTIONS.map((a) => [`ram:${a}`, ramEvents(a)]));

/** Every event key of each machine, with samples (typed: a key without samples does not compile). */
const REQUESTER_SAMPLES: Record<RequesterEventKey, RequesterEvent[]> = {
  validate: [{ type: 'validate' }],
  validation_failed: [{ type: 'validation_failed', reason: 'patron blocked' }],
  request_refused: [{ type: 'request_refused', reason: 'ERROR' }, { type: 'request_refused', reason: 'ERROR', rotaIndex: 0 }],
  supplier_timeout: [{ type: 'supplier_timeout', rotaIndex: 0 }, { type: 'supplier_timeout', rotaIndex: 1 }, { type: 'supplier_timeout', rotaIndex: 0, requestId: 'REQ-0' }],
  retry_expired: [{ type: 'retry_expired', rotaIndex: 0 }, { type: 'retry_expired', rotaIndex: 1 }, { type: 'retry_expired', rotaIndex: 0, requestId: 'REQ-0' }],
  retry_due: [{ type: 'retry_due', rotaIndex: 0 }, { type: 'retry_due', rotaIndex: 1 }, { type: 'retry_due', rotaIndex: 0, requestId: 'REQ-0' }],
  ...(samSamples as Record<(typeof SUPPLIER_MESSAGE_KEYS)[number], RequesterEvent[]>),
  ...(Object.fromEntries(REQUESTER_STAFF_ACTIONS.map((a) => [`staff:${a}`, [{ type: 'staff', action: a }, { type: 'staff', action: a, rota: [{ symbol: 'ISIL:DK-C' }] }]])) as Record<`staff:${(typeof REQUESTER_STAFF_ACTIONS)[number]}`, RequesterEvent[]>),
  'staff:reroute': [
    { type: 'staff', action: 'reroute' },
    { type: 'staff', action: 'reroute', rota: [{ symbol: 'ISIL:DK-C' }] },
    { type: 'staff', action: 'reroute', rota: [{ symbol: 'ISIL:DK-A' }, { symbol: 'ISIL:DK-C' }], note: 'DK-C lends again' },
    { type: 'staff', action: 'reroute', rota: [{ symbol: 'ISIL:DK-B' }, { symbol: 'ISIL:DK-A' }] },
    { type: 'staff', action: 'reroute', rota: [] },
  ],
  'staff:accept_retry': [
    { type: 'staff', action: 'accept_retry' },
    { type: 'staff', action: 'accept_retry', serviceType: 'Copy', note: 'any edition will do' },
  ],
};

const SUPPLIER_SAMPLES: Record<SupplierEventKey, SupplierEvent[]> = {
  validate: [{ type: 'validate' }],
  validation_failed: [{ type: 'validation_failed', reason: 'not lent to this requester' }],
  ils_checked_out: [{ type: 'ils_checked_out' }, { type: 'ils_checked_out', dueDate: NEW_DUE }, { type: 'ils_checked_out', dueDate: PAST }],
  ...(ramSamples as Record<`ram:${RequesterAction}`, SupplierEvent[]>),
  ...(Object.fromEntries(SUPPLIER_STAFF_ACTIONS.map((a) => [`staff:${a}`, [{ type: 'staff', action: a }]])) as Record<`staff:${(typeof SUPPLIER_STAFF_ACTIONS)[number]}`, SupplierEvent[]>),
  'staff:add_conditions': [
    { type: 'staff', action: 'add_conditions', conditions: ['LibraryUseOnly'] },
    { type: 'staff', action: 'add_conditions', conditions: [] },
  ],
  'staff:cannot_supply': [
    { type: 'staff', action: 'cannot_supply', reason: 'NotHeld' },
    { type: 'staff', action: 'cannot_supply', reason: ' ' },
  ],
  'staff:offer_retry': [
    { type: 'staff', action: 'offer_retry', reason: 'OnLoan' },
    { type: 'staff', action: 'offer_retry', reason: 'CostExceedsMaxCost', retryAfter: '2026-09-10', retryBefore: '2026-09-20', offeredCosts: { monetaryValue: '25.00', currencyCode: 'EUR' }, loanConditions: ['LibraryUseOnly'] },
    { type: 'staff', action: 'offer_retry', reason: ' ' },
    { type: 'staff', action: 'offer_retry', reason: 'OnLoan', retryBefore: PAST },
    { type: 'staff', action: 'offer_retry', reason: 'OnLoan', retryAfter: '2026-09-20', retryBefore: '2026-09-10' },
  ],
  'staff:ship': [
    { type: 'staff', action: 'ship', dueDate: NEW_DUE, itemId: 'B-100' },
    { type: 'staff', action: 'ship', dueDate: NEW_DUE },
    { type: 'staff', action: 'ship', dueDate: PAST, itemId: 'B-100' },
  ],
  'staff:approve_renewal': [
    { type: 'staff', action: 'approve_renewal', dueDate: NEW_DUE },
    { type: 'staff', action: 'approve_renewal', dueDate: PAST },
  ],
};

const BROKER_SAMPLES: Record<BrokerEventKey, BrokerEvent[]> = {
  request_refused: [{ type: 'request_refused', reason: 'ERROR' }, { type: 'request_refused', reason: 'ERROR', rotaIndex: 0 }],
  supplier_timeout: [{ type: 'supplier_timeout', rotaIndex: 1 }, { type: 'supplier_timeout', rotaIndex: 2 }, { type: 'supplier_timeout', rotaIndex: 1, requestId: 'REQ-0' }],
  retry_expired: [{ type: 'retry_expired', rotaIndex: 1 }, { type: 'retry_expired', rotaIndex: 2 }, { type: 'retry_expired', rotaIndex: 1, requestId: 'REQ-0' }],
  retry_request: [{ type: 'retry_request', requestingAgencyRequestId: 'REQ-1-R1' }, { type: 'retry_request', requestingAgencyRequestId: 'REQ-1-R1', serviceType: 'Copy' }],
  relay_refused: [
    { type: 'relay_refused', reason: 'ERROR', toward: 'requester' },
    { type: 'relay_refused', reason: 'ERROR', toward: 'supplier' },
  ],
  ...(samSamples as Record<(typeof SUPPLIER_MESSAGE_KEYS)[number], BrokerEvent[]>),
  ...(ramSamples as Record<`ram:${RequesterAction}`, BrokerEvent[]>),
  'staff:cancel': [{ type: 'staff', action: 'cancel', reason: 'the requester asked us by phone' }, { type: 'staff', action: 'cancel' }],
  'staff:close_manually': [{ type: 'staff', action: 'close_manually', reason: 'settled with both libraries by phone' }, { type: 'staff', action: 'close_manually' }],
  'staff:skip_supplier': [{ type: 'staff', action: 'skip_supplier', reason: 'S2 is closed this week' }],
  'staff:reroute': [
    { type: 'staff', action: 'reroute', reason: 'S4 joined the network' },
    { type: 'staff', action: 'reroute', reason: 'S4 joined', rota: [{ symbol: 'ISIL:S4' }] },
    { type: 'staff', action: 'reroute', reason: 'S4 joined', rota: [{ symbol: 'ISIL:S2' }, { symbol: 'ISIL:S4' }] },
    { type: 'staff', action: 'reroute', reason: 'S4 joined', rota: [{ symbol: 'ISIL:S1' }, { symbol: 'ISIL:S2' }, { symbol: 'ISIL:S4' }] },
    { type: 'staff', action: 'reroute', reason: 'nobody new', rota: [] },
  ],
};

/** resumeState as the machines set it, in the states that read it. */
const RESUME: Partial<Record<`${MachineName}/${string}`, readonly string[]>> = {
  'requester/cancel_pending': ['sent_to_supplier', 'expect_to_supply', 'will_supply', 'conditional'],
  'requester/overdue': ITEM_PLACES,
  'requester/recalled': ITEM_PLACES,
  'requester/renew_pending': ITEM_PLACES,
  'supplier/cancel_requested': ['received', 'validated', 'will_supply', 'awaiting_shipping', 'conditional'],
  'supplier/renew_requested': ['shipped', 'overdue'],
  'broker/cancel_pending': ['searching', 'expect_to_supply', 'will_supply', 'conditional'],
};

/** Other requests in the state: an offer waiting as it came, directly or through a broker hub. */
const HUB_OFFER = { reason: 'OnLoan', supplier: 'ISIL:BROKER', at: '2026-09-01T09:00:00.000Z', throughHub: true };
const VARIANTS: Partial<Record<`${MachineName}/${string}`, readonly Partial<Lifecycle>[]>> = {
  'requester/retry_offered': [
    {},
    { retryOffer: { reason: 'OnLoan', retryAfter: '2026-09-05T00:00:00Z', supplier: 'ISIL:DK-A', at: '2026-09-01T09:00:00.000Z' } },
    { retryOffer: HUB_OFFER, lastStatus: 'ExpectToSupply' },
  ],
  'requester/retry_scheduled': [{}, { retryOffer: { ...HUB_OFFER, retryAfter: '2026-09-05T00:00:00Z' }, lastStatus: 'ExpectToSupply' }],
  // A new request our own catalogue holds waits for staff once validated.
  'requester/new': [{}, { heldLocally: true }],
};

/** The requests in `state` the samples meet: each service type, the current and the last rota supplier, each place to return to, with and without a last status. */
function requestsIn(machine: MachineName, state: string, at: Lifecycle): Lifecycle[] {
  const rota = at.rota ?? [];
  const out: Lifecycle[] = [];
  for (const serviceType of ['Loan', 'Copy', 'CopyOrLoan'] as const) {
    for (const rotaIndex of new Set([at.rotaIndex, rota.length - 1])) {
      for (const resumeState of RESUME[`${machine}/${state}`] ?? [at.resumeState]) {
        for (const variant of VARIANTS[`${machine}/${state}`] ?? [{}]) {
          for (const lastStatus of new Set([variant.lastStatus ?? at.lastStatus, undefined])) {
            const lc: Record<string, unknown> = { ...at, ...variant, serviceType, rotaIndex, resumeState, lastStatus };
            for (const k of Object.keys(lc)) if (lc[k] === undefined) delete lc[k];
            out.push(lc as unknown as Lifecycle);
          }
        }
      }
    }
  }
  // And one that has no supplier to go to yet.
  const { rota: _none, rotaIndex: _index, ...noRota } = at;
  return [...out, noRota];
}

interface Machine {
  readonly name: MachineName;
  readonly at: Record<string, Lifecycle>;
  readonly samples: Record<string, readonly unknown[]>;
  readonly contexts: readonly unknown[];
  readonly decide: (current: { state: string; lifecycle: Lifecycle }, event: unknown, ctx: unknown) => Decision<string>;
  readonly keyOf: (event: unknown) => string;
}

const CASES: Machine[] = [
  {
    name: 'requester',
    at: REQUESTER_AT,
    samples: REQUESTER_SAMPLES,
    contexts: [requesterCtx, { ...requesterCtx, ils: { lookupUser: true, checkOutItem: true } }],
    // The transaction's id: a retry renames it, and timers set for another id are stale.
    decide: ((current, event, ctx) => decideRequester({ ...current, requestingAgencyRequestId: 'REQ-1' } as never, event as never, ctx as never)) as Machine['decide'],
    keyOf: requesterEventKey as Machine['keyOf'],
  },
  {
    name: 'supplier',
    at: SUPPLIER_AT,
    samples: SUPPLIER_SAMPLES,
    contexts: [supplierCtx, { ...supplierCtx, ils: { lookupUser: true, checkOutItem: true } }],
    decide: decideSupplier as Machine['decide'],
    keyOf: supplierEventKey as Machine['keyOf'],
  },
  {
    name: 'broker',
    at: BROKER_AT,
    samples: BROKER_SAMPLES,
    contexts: [brokerCtx],
    decide: ((current, event, ctx) => decideBroker({ ...current, requestingAgencyRequestId: 'REQ-1' } as never, event as never, ctx as never)) as Machine['decide'],
    keyOf: brokerEventKey as Machine['keyOf'],
  },
];

/** Where an event may lead from `state`: its declared targets; a late answer the requester takes as the status it carries. */
function allowedTargets(machine: MachineName, state: string, key: string, event: unknown): string[] {
  if ((acceptedEvents(machine, state as never) as string[]).includes(key)) return targetsOf(machine, state as never, key as never);
  const status = (event as { status?: string }).status;
  if (machine === 'requester' && (key === 'sam:CancelResponse' || key === 'sam:RenewResponse') && status) return targetsOf(machine, state as never, `sam:${status}` as never);
  return [];
}

interface Exploration {
  /** Per state: the decisions that went where the model does not say. */
  readonly wrong: Map<string, string[]>;
  /** `state | event | target` of every decision. */
  readonly reached: Set<string>;
}

/** Every sample on every request in every state. */
function explore(m: Machine): Exploration {
  const wrong = new Map<string, string[]>();
  const reached = new Set<string>();
  for (const state of Object.keys(MACHINES[m.name].states)) {
    wrong.set(state, []);
    for (const lifecycle of requestsIn(m.name, state, m.at[state]!)) {
      for (const ctx of m.contexts) {
        for (const [key, samples] of Object.entries(m.samples)) {
          for (const event of samples) {
            if (m.keyOf(event) !== key) throw new Error(`sample ${JSON.stringify(event)} is not a ${key}`);
            let d: Decision<string>;
            try {
              d = m.decide({ state, lifecycle }, event, ctx);
            } catch (e) {
              if (e instanceof IllegalTransition) continue;
              throw e;
            }
            reached.add(`${state} | ${key} | ${d.state}`);
            if (!isNoChange({ state }, d) && !allowedTargets(m.name, state, key, event).includes(d.state)) {
              wrong.get(state)!.push(`${key} -> ${d.state} (${JSON.stringify(event)} on ${JSON.stringify(lifecycle)})`);
            }
          }
        }
      }
    }
  }
  return { wrong, reached };
}

describe.each(CASES)('the $name model against its behaviour', (m) => {
  let found: Exploration;
  beforeAll(() => {
    found = explore(m);
  });

  it.each(Object.keys(MACHINES[m.name].states))('in %s, an event leads only where the model says; one it does not list is refused or only noted', (state) => {
    expect(found.wrong.get(state)).toEqual([]);
  });

  it('reaches every target the model declares', () => {
    const declared = stateModel(m.name).states.flatMap((s) => s.accepts.flatMap((a) => a.to.map((t) => `${s.name} | ${a.event} | ${t}`)));
    expect(declared.filter((d) => !found.reached.has(d))).toEqual([]);
  });
});

describe('staff actions in the model', () => {
  it.each(Object.keys(REQUESTER_AT))('requester %s: every action offered to its requests is in the model, and every modelled one is offered to some', (state) => {
    const s = state as keyof typeof REQUESTER_AT;
    const offered = new Set(requestsIn('requester', s, REQUESTER_AT[s]).flatMap((lc) => requesterActions(s, lc).map((a) => `staff:${a}`)));
    expect([...offered].sort()).toEqual(acceptedEvents('requester', s).filter((e) => e.startsWith('staff:')).sort());
  });

  it.each(Object.keys(SUPPLIER_AT))('supplier %s: every action offered to its requests is in the model, and every modelled one is offered to some', (state) => {
    const s = state as keyof typeof SUPPLIER_AT;
    const offered = new Set(requestsIn('supplier', s, SUPPLIER_AT[s]).flatMap((lc) => supplierActions(s, lc).map((a) => `staff:${a}`)));
    expect([...offered].sort()).toEqual(acceptedEvents('supplier', s).filter((e) => e.startsWith('staff:')).sort());
  });
});

describe.each(MACHINE_NAMES)('the %s model as a graph', (name) => {
  const model = stateModel(name);
  const next = (s: string): string[] => model.states.find((x) => x.name === s)!.accepts.flatMap((a) => a.to);
  const closure = (from: readonly string[], step: (s: string) => string[]): Set<string> => {
    const seen = new Set(from);
    for (const s of seen) for (const t of step(s)) seen.add(t);
    return seen;
  };

  it('has no way out of a terminal state', () => {
    for (const s of model.states.filter((x) => x.terminal)) expect(next(s.name).filter((t) => t !== s.name)).toEqual([]);
  });

  it('reaches every state from where a request starts', () => {
    expect([...closure(model.initial, next)].sort()).toEqual(model.states.map((s) => s.name).sort());
  });

  it('lets every state come to an end', () => {
    for (const s of model.states) expect([...closure([s.name], next)].some((t) => model.states.find((x) => x.name === t)!.terminal)).toBe(true);
  });
});

describe('asking the model', () => {
  it('says what a conditional borrowing request accepts', () => {
    expect(acceptedEvents('requester', 'conditional')).toEqual(expect.arrayContaining(['staff:accept_conditions', 'staff:reject_conditions', 'sam:Loaned', 'sam:Notification']));
    expect(acceptedEvents('requester', 'conditional')).not.toContain('staff:cancel');
  });

  it('says where a shipped loan can go when the supplier reports it overdue, and that an ended one goes nowhere', () => {
    expect(targetsOf('requester', 'shipped', 'sam:Overdue')).toEqual(['overdue']);
    expect(targetsOf('requester', 'complete', 'sam:Overdue')).toEqual([]);
  });

  it('lists both ways staff can ship: with the ILS checking the item out first, or at once', () => {
    expect(targetsOf('supplier', 'awaiting_shipping', 'staff:ship')).toEqual(['shipping', 'shipped']);
  });

  it('names a partner message by its status, or by its reason when it answers or notifies', () => {
    expect(acceptedEvents('broker', 'cancel_pending')).toContain('sam:CancelResponse');
    expect(acceptedEvents('broker', 'searching')).not.toContain('sam:CancelResponse');
    expect(acceptedEvents('supplier', 'shipped')).toEqual(['ram:StatusRequest', 'ram:Received', 'ram:Cancel', 'ram:Renew', 'ram:ShippedReturn', 'staff:mark_overdue', 'staff:recall', 'staff:check_in']);
  });

  it('says which states a request has ended in, and that a state the machine lacks has not ended', () => {
    expect(endedStates('requester')).toEqual(expect.arrayContaining(['complete', 'cancelled', 'unfilled']));
    expect(endedStates('requester')).not.toContain('shipped');
    expect(hasEnded('supplier', 'complete')).toBe(true);
    expect(hasEnded('supplier', 'shipped')).toBe(false);
    expect(hasEnded('broker', 'no-such-state')).toBe(false);
  });
});
