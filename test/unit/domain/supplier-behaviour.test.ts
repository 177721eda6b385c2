/**
 * The supply request's behaviour as lending staff describe it, the conversion of inbound
 * messages into events, and the two machines talking to each other through their effects.
 */
import { requesterMessageEvent, supplierMessageEvent } from '../../../src/domain/inbound';
import { decideRequester } from '../../../src/domain/requester';
import type { RequesterEvent, RequesterState } from '../../../src/domain/requester';
import { decideSupplier, startSupplier, supplierActions } from '../../../src/domain/supplier';
import type { SupplierEvent, SupplierState } from '../../../src/domain/supplier';
import { IllegalTransition } from '../../../src/domain/types';
import type { Decision, Effect, Lifecycle } from '../../../src/domain/types';
import { AT, call, ctx, DUE, NEW_DUE, ramEvent, sam } from './supplier-fixtures';

interface Req<S> {
  state: S;
  lifecycle: Lifecycle;
}

function apply<S extends string>(req: Req<S>, d: Decision<S>): Req<S> {
  const lifecycle = { ...req.lifecycle, ...d.changes } as Record<string, unknown>;
  for (const [k, v] of Object.entries(d.changes)) if (v === undefined) delete lifecycle[k];
  return { state: d.state, lifecycle: lifecycle as unknown as Lifecycle };
}

const at = (state: SupplierState, more: Partial<Lifecycle> = {}): Req<SupplierState> => ({ state, lifecycle: { ...AT[state], ...more } });
const run = (req: Req<SupplierState>, ...events: SupplierEvent[]): Req<SupplierState> => events.reduce((r, e) => apply(r, decideSupplier(r, e, ctx)), req);
const refusal = (fn: () => unknown): IllegalTransition => {
  try {
    fn();
  } catch (e) {
    if (e instanceof IllegalTransition) return e;
    throw e;
  }
  throw new Error('expected an IllegalTransition');
};

describe('a supply request', () => {
  it('starts as received with nothing sent: the confirmation acknowledges it', () => {
    expect(startSupplier({ serviceType: 'Loan' })).toEqual({ state: 'received', changes: {}, effects: [], note: 'request received from the requester' });
  });

  it('answers the request with RequestResponse, and later changes with StatusChange', () => {
    const answered = run(at('received'), { type: 'staff', action: 'will_supply' });
    expect(decideSupplier(answered, { type: 'staff', action: 'cannot_supply', reason: 'NotAvailableForILL', note: 'missing' }, ctx).effects).toEqual([
      sam({ reasonForMessage: 'StatusChange', status: 'Unfilled', reasonUnfilled: 'NotAvailableForILL', note: 'missing' }),
    ]);
  });

  it('offers ship for a loan and supply_copy for a copy', () => {
    expect(supplierActions('received', { serviceType: 'Loan' })).toEqual(['will_supply', 'add_conditions', 'cannot_supply', 'offer_retry', 'ship']);
    expect(supplierActions('received', { serviceType: 'Copy' })).toEqual(['will_supply', 'add_conditions', 'cannot_supply', 'offer_retry', 'supply_copy']);
    expect(refusal(() => decideSupplier(at('will_supply', { serviceType: 'Copy' }), { type: 'staff', action: 'ship', dueDate: DUE }, ctx)).protocolError).toBeUndefined();
  });

  it('refuses to ship or renew with a due date in the past or no date at all', () => {
    expect(refusal(() => decideSupplier(at('will_supply'), { type: 'staff', action: 'ship', dueDate: '2026-08-01T00:00:00Z' }, ctx)).reason).toMatch(/must be a date after 2026-09-01/);
    expect(() => decideSupplier(at('renew_requested'), { type: 'staff', action: 'approve_renewal', dueDate: 'soon' }, ctx)).toThrow(IllegalTransition);
  });

  it('needs at least one condition and a reason for cannot supply', () => {
    expect(() => decideSupplier(at('received'), { type: 'staff', action: 'add_conditions', conditions: [] }, ctx)).toThrow(IllegalTransition);
    expect(() => decideSupplier(at('received'), { type: 'staff', action: 'cannot_supply', reason: ' ' }, ctx)).toThrow(IllegalTransition);
  });

  it('answers a StatusRequest with the status last sent, in any state, without changing it', () => {
    expect(decideSupplier(at('overdue'), ramEvent('StatusRequest'), ctx)).toEqual({
      state: 'overdue',
      changes: {},
      effects: [sam({ reasonForMessage: 'StatusRequestResponse', status: 'Overdue', dueDate: DUE })],
    });
  });

  it('ships a copy with CopyCompleted and ends complete', () => {
    const copy = run({ state: 'received', lifecycle: { serviceType: 'Copy' } }, { type: 'validate' });
    expect(decideSupplier(copy, { type: 'staff', action: 'supply_copy' }, ctx)).toEqual({
      state: 'complete',
      changes: { lastStatus: 'CopyCompleted' },
      effects: [sam({ reasonForMessage: 'RequestResponse', status: 'CopyCompleted', delivered: true })],
    });
  });
});

describe('requests from the requester', () => {
  it('refuses a Renew before the item was loaned, and a ShippedReturn before it was shipped', () => {
    expect(refusal(() => decideSupplier(at('will_supply'), ramEvent('Renew'), ctx)).protocolError).toBe('UnsupportedActionType');
    expect(refusal(() => decideSupplier(at('will_supply'), ramEvent('ShippedReturn'), ctx)).protocolError).toBe('UnsupportedActionType');
  });

  it('refuses a ShippedReturn of a copy', () => {
    expect(refusal(() => decideSupplier(at('complete', { lastStatus: 'CopyCompleted' }), ramEvent('ShippedReturn'), ctx)).protocolError).toBe('UnsupportedActionType');
  });

  it('refuses a Cancel after shipping at once, with CancelResponse N', () => {
    expect(decideSupplier(at('shipped'), ramEvent('Cancel'), ctx).effects).toEqual([sam({ reasonForMessage: 'CancelResponse', status: 'Loaned', answerYesNo: 'N', note: 'the item has already been shipped' })]);
  });

  it('waits for staff on a Cancel before shipping, and goes back when staff refuse it', () => {
    const asked = run(at('awaiting_shipping'), ramEvent('Cancel', { note: 'patron left' }));
    expect(asked).toEqual({ state: 'cancel_requested', lifecycle: { ...AT.awaiting_shipping, resumeState: 'awaiting_shipping' } });
    expect(run(asked, { type: 'staff', action: 'refuse_cancel' })).toEqual(at('awaiting_shipping'));
  });

  it('ends cancelled when staff accept, answering CancelResponse Y with status Cancelled', () => {
    const d = decideSupplier(at('cancel_requested'), { type: 'staff', action: 'accept_cancel', note: 'ok' }, ctx);
    expect(d.effects).toEqual([sam({ reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', note: 'ok' })]);
  });

  it('renews an overdue loan: the item is on loan again until the new date', () => {
    const asked = run(at('overdue'), ramEvent('Renew'));
    expect(run(asked, { type: 'staff', action: 'approve_renewal', dueDate: NEW_DUE })).toEqual({ state: 'shipped', lifecycle: { ...AT.overdue, lastStatus: 'Loaned', dueDate: NEW_DUE, renewals: 1 } });
    expect(run(asked, { type: 'staff', action: 'refuse_renewal' })).toEqual(at('overdue'));
  });

  it('refuses a Renew of a recalled item at once', () => {
    expect(decideSupplier(at('recalled'), ramEvent('Renew'), ctx)).toMatchObject({ state: 'recalled', effects: [sam({ reasonForMessage: 'RenewResponse', status: 'Recalled', answerYesNo: 'N', dueDate: DUE, note: 'the item has been recalled' })] });
  });

  it('takes a Cancel in conditional as the rejection of the conditions', () => {
    expect(decideSupplier(at('conditional'), ramEvent('Cancel'), ctx)).toMatchObject({ state: 'cancel_requested', note: 'the requester rejected the loan conditions and asks to cancel' });
  });

  it('checks the item in when it comes back without a ShippedReturn', () => {
    expect(decideSupplier(at('overdue'), { type: 'staff', action: 'check_in' }, ctx).effects).toEqual([call('CheckInItem')]);
  });
});

describe('inbound messages as events', () => {
  it('takes the fields of a supplyingAgencyMessage the requester machine reads', () => {
    const event = supplierMessageEvent(
      {
        messageInfo: { reasonForMessage: 'RequestResponse', note: 'n', reasonUnfilled: { value: 'NotHeld' } },
        statusInfo: { status: 'WillSupply', dueDate: DUE },
        deliveryInfo: { loanCondition: { value: 'LibraryUseOnly' } },
      },
      1,
    );
    expect(event).toStrictEqual({ type: 'supplier_message', reasonForMessage: 'RequestResponse', status: 'WillSupply', dueDate: DUE, loanConditions: ['LibraryUseOnly'], reasonUnfilled: 'NotHeld', note: 'n', rotaIndex: 1 });
    expect(supplierMessageEvent({ messageInfo: { reasonForMessage: 'Notification' }, statusInfo: {} })).toStrictEqual({ type: 'supplier_message', reasonForMessage: 'Notification' });
  });

  it("recognises agreement to loan conditions in our requester's note and in ReShare's marker", () => {
    expect(requesterMessageEvent({ action: 'Notification', note: 'Loan conditions agreed: fine' })).toEqual({ type: 'requester_message', action: 'Notification', note: 'Loan conditions agreed: fine', conditionsAgreed: true });
    expect(requesterMessageEvent({ action: 'Notification', note: '#ReShareLoanConditionAgreeResponse#' }).conditionsAgreed).toBe(true);
    expect(requesterMessageEvent({ action: 'Notification', note: 'hello' })).toStrictEqual({ type: 'requester_message', action: 'Notification', note: 'hello' });
    expect(requesterMessageEvent({ action: 'Cancel', note: 'Loan conditions agreed' }).conditionsAgreed).toBeUndefined();
  });
});

describe('the two machines in one transaction', () => {
  const rctx = { at: ctx.at, supplierTimeoutMs: 86_400_000 };

  /** Deliver each message effect of one side to the other, as the delivery worker and the handler would. */
  function conversation(script: ({ to: 'requester'; event: RequesterEvent } | { to: 'supplier'; event: SupplierEvent })[]) {
    let requester: Req<RequesterState> = { state: 'new', lifecycle: { serviceType: 'Loan', rota: [{ symbol: 'ISIL:DK-S' }] } };
    let supplier: Req<SupplierState> = { state: 'received', lifecycle: { serviceType: 'Loan' } };
    const trail: string[] = [];
    const deliver = (effects: readonly Effect[], from: 'requester' | 'supplier') => {
      for (const e of effects) {
        if (e.kind !== 'send') continue;
        const m = e.message;
        if (m.kind === 'requestingAgencyMessage' && from === 'requester') {
          step('supplier', requesterMessageEvent(m));
        } else if (m.kind === 'supplyingAgencyMessage' && from === 'supplier') {
          const { kind: _kind, delivered: _delivered, ...fields } = m;
          step('requester', { type: 'supplier_message', ...fields });
        }
      }
    };
    const step = (to: 'requester' | 'supplier', event: RequesterEvent | SupplierEvent) => {
      if (to === 'requester') {
        const d = decideRequester(requester, event as RequesterEvent, rctx);
        requester = apply(requester, d);
        trail.push(`requester ${requester.state}`);
        deliver(d.effects, 'requester');
      } else {
        const d = decideSupplier(supplier, event as SupplierEvent, ctx);
        supplier = apply(supplier, d);
        trail.push(`supplier ${supplier.state}`);
        deliver(d.effects, 'supplier');
      }
    };
    for (const s of script) step(s.to, s.event);
    return { requester, supplier, trail };
  }

  it('agrees conditions, lends, renews and completes a loan', () => {
    const { requester, supplier, trail } = conversation([
      { to: 'requester', event: { type: 'validate' } },
      { to: 'supplier', event: { type: 'validate' } },
      { to: 'supplier', event: { type: 'staff', action: 'add_conditions', conditions: ['LibraryUseOnly'] } },
      { to: 'requester', event: { type: 'staff', action: 'accept_conditions' } },
      { to: 'supplier', event: { type: 'staff', action: 'mark_picked' } },
      { to: 'supplier', event: { type: 'staff', action: 'ship', dueDate: DUE } },
      { to: 'requester', event: { type: 'staff', action: 'mark_received' } },
      { to: 'requester', event: { type: 'staff', action: 'check_out' } },
      { to: 'requester', event: { type: 'staff', action: 'renew' } },
      { to: 'supplier', event: { type: 'staff', action: 'approve_renewal', dueDate: NEW_DUE } },
      { to: 'requester', event: { type: 'staff', action: 'mark_returned' } },
      { to: 'requester', event: { type: 'staff', action: 'ship_return' } },
      { to: 'supplier', event: { type: 'staff', action: 'check_in' } },
      { to: 'supplier', event: { type: 'staff', action: 'complete' } },
    ]);
    expect(trail).toEqual([
      'requester sent_to_supplier',
      'supplier validated',
      'supplier conditional',
      'requester conditional',
      'requester will_supply',
      'supplier will_supply',
      'supplier awaiting_shipping',
      'supplier shipped',
      'requester shipped',
      'requester received',
      'supplier shipped',
      'requester checked_out',
      'requester renew_pending',
      'supplier renew_requested',
      'supplier shipped',
      'requester checked_out',
      'requester returned_by_patron',
      'requester shipped_return',
      'supplier returned_by_borrower',
      'supplier checked_in',
      'supplier complete',
      'requester complete',
    ]);
    expect(requester.lifecycle).toMatchObject({ dueDate: NEW_DUE, renewals: 1, loanConditions: ['LibraryUseOnly'] });
    expect(supplier.lifecycle).toMatchObject({ dueDate: NEW_DUE, renewals: 1, lastStatus: 'LoanCompleted' });
  });

  it('cancels before shipping when the supplier agrees', () => {
    const { requester, supplier } = conversation([
      { to: 'requester', event: { type: 'validate' } },
      { to: 'supplier', event: { type: 'staff', action: 'will_supply' } },
      { to: 'requester', event: { type: 'staff', action: 'cancel' } },
      { to: 'supplier', event: { type: 'staff', action: 'accept_cancel' } },
    ]);
    expect([requester.state, supplier.state]).toEqual(['cancelled', 'cancelled']);
  });
});

describe("with the library's ILS checking the item out (NCIP CheckOutItem)", () => {
  const ils = { ...ctx, ils: { checkOutItem: true } };
  const ship = (more: { itemId?: string; note?: string } = {}): SupplierEvent => ({ type: 'staff', action: 'ship', dueDate: DUE, ...more });

  it('waits in shipping for the checkout: nothing goes to the requester yet', () => {
    expect(decideSupplier(at('will_supply'), ship({ itemId: ' B-7 ', note: 'in the blue box' }), ils)).toEqual({
      state: 'shipping',
      changes: { dueDate: DUE, itemId: 'B-7', pendingNote: 'in the blue box' },
      effects: [call('CheckOutItem')],
      note: 'checking item B-7 out in the ILS; Loaned goes out after that',
    });
  });

  it("needs the item's barcode, since the ILS checks out an item", () => {
    expect(refusal(() => decideSupplier(at('will_supply'), ship(), ils)).reason).toMatch(/barcode/);
  });

  it("sends Loaned with the ILS's due date and the ship note once the ILS has checked the item out", () => {
    const waiting = run(at('will_supply'), ship({ itemId: 'B-7', note: 'in the blue box' }));
    const shipping = { state: 'shipping' as const, lifecycle: { ...waiting.lifecycle, dueDate: DUE, itemId: 'B-7', pendingNote: 'in the blue box' } };
    const loaned = decideSupplier(shipping, { type: 'ils_checked_out', dueDate: NEW_DUE }, ctx);
    expect(loaned.state).toBe('shipped');
    expect(loaned.changes).toEqual({ lastStatus: 'Loaned', dueDate: NEW_DUE, pendingNote: undefined });
    expect(loaned.effects).toEqual([sam({ reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: NEW_DUE, delivered: true, note: 'in the blue box' })]);
  });

  it("keeps staff's due date when the ILS gives none or one already past (checkout skipped by staff, indeterminate loan)", () => {
    expect(decideSupplier(at('shipping'), { type: 'ils_checked_out' }, ctx).changes.dueDate).toBe(DUE);
    expect(decideSupplier(at('shipping'), { type: 'ils_checked_out', dueDate: '2020-01-01T00:00:00Z' }, ctx).changes.dueDate).toBe(DUE);
  });

  it('refuses a checkout report when nothing waits for one: the Loaned message goes out once', () => {
    expect(() => decideSupplier(at('shipped'), { type: 'ils_checked_out', dueDate: NEW_DUE }, ctx)).toThrow(IllegalTransition);
  });

  it('ships at once with both effects when the ILS does not check items out', () => {
    expect(decideSupplier(at('will_supply'), ship({ itemId: 'B-7' }), { ...ctx, ils: { checkOutItem: false } })).toMatchObject({ state: 'shipped', changes: { itemId: 'B-7' } });
  });
});
