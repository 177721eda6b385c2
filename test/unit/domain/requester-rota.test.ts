/**
 * A new borrowing request and its rota: validation, routing, moving to the next supplier on
 * Unfilled, refusal or silence, and stale timers ignored quietly.
 */
import { decideRequester, isNoChange, startRequester } from '../../../src/domain/requester';
import { A, at, AT, B, ctx, notice, refusal, request, ROTA, run, sam, staff, timer, withdraw } from './requester-fixtures';

describe('a new borrowing request', () => {
  it('starts as new and tells the patron it was received', () => {
    expect(startRequester({ serviceType: 'Loan', rota: ROTA })).toEqual({ state: 'new', changes: {}, effects: [notice('request_received')], note: 'request created' });
  });

  it('goes to the first supplier once the patron is validated, with an answer timer', () => {
    const d = decideRequester(at('new'), { type: 'validate' }, ctx);
    expect(d).toMatchObject({ state: 'sent_to_supplier', effects: [request(0), timer(0)], note: 'sent to ISIL:DK-A (supplier 1 of 2)' });
  });

  it('waits for staff routing when validated with no supplier to try', () => {
    const d = decideRequester(at('new', { rota: [] }), { type: 'validate' }, ctx);
    expect(d).toEqual({ state: 'validated', changes: {}, effects: [], note: 'patron validated; no supplier to send to yet' });
  });

  it('is sent to the suppliers staff choose, and refuses to send with none', () => {
    const d = decideRequester(at('validated'), { type: 'staff', action: 'send', rota: [B] }, ctx);
    expect(d).toMatchObject({ state: 'sent_to_supplier', changes: { rota: [B], rotaIndex: 0 }, effects: [request(0), timer(0)], note: 'sent to ISIL:DK-B (supplier 1 of 1)' });
    expect(decideRequester(at('validated', { rota: ROTA }), staff('send'), ctx).changes).toStrictEqual({ rotaIndex: 0 });
    expect(refusal(() => decideRequester(at('validated'), staff('send'), ctx)).reason).toMatch(/no supplier/);
  });

  it('needs staff when patron validation fails, and staff can retry it', () => {
    const failed = run(at('new'), { type: 'validation_failed', reason: 'patron blocked' });
    expect(failed).toEqual({ state: 'error', lifecycle: { ...AT.new, reason: 'patron blocked' } });
    expect(run(failed, staff('retry'))).toEqual({ state: 'new', lifecycle: AT.new });
  });
});

describe('the rota', () => {
  const first = at('sent_to_supplier');
  const last = at('sent_to_supplier', { rotaIndex: 1 });

  it('moves to the next supplier when the first answers Unfilled, and says who and why', () => {
    const d = decideRequester(first, sam('StatusChange', 'Unfilled', { reasonUnfilled: 'NotHeld' }), ctx);
    expect(d.state).toBe('sent_to_supplier');
    expect(d.changes.rotaIndex).toBe(1);
    expect(d.effects).toEqual([request(1), timer(1)]);
    expect(d.note).toBe('moved to ISIL:DK-B (supplier 2 of 2): ISIL:DK-A (supplier 1 of 2) answered Unfilled (NotHeld)');
  });

  it('forgets the previous supplier\'s status and conditions when it moves on', () => {
    const moved = run(at('will_supply', { loanConditions: ['LibraryUseOnly'] }), sam('StatusChange', 'Unfilled'));
    expect(moved).toEqual({ state: 'sent_to_supplier', lifecycle: { serviceType: 'Loan', rota: ROTA, rotaIndex: 1 } });
    // the new supplier's first statuses count from the start again
    expect(run(moved, sam('RequestResponse', 'ExpectToSupply')).state).toBe('expect_to_supply');
  });

  it('ends unfilled and tells the patron when the last supplier answers Unfilled', () => {
    const d = decideRequester(last, sam('StatusChange', 'Unfilled', { reasonUnfilled: 'NotAvailableForILL' }), ctx);
    expect(d).toEqual({
      state: 'unfilled',
      changes: { resumeState: undefined, reason: 'rota exhausted: ISIL:DK-B (supplier 2 of 2) answered Unfilled (NotAvailableForILL)', lastStatus: 'Unfilled' },
      effects: [notice('unfilled')],
      note: 'ended unfilled: rota exhausted: ISIL:DK-B (supplier 2 of 2) answered Unfilled (NotAvailableForILL)',
    });
  });

  it('ends unfilled at once on Unfilled with reason Duplicate, even with suppliers left', () => {
    const d = decideRequester(first, sam('StatusChange', 'Unfilled', { reasonUnfilled: 'duplicate' }), ctx);
    expect(d.state).toBe('unfilled');
    expect(d.note).toMatch(/^ended unfilled: no other supplier tried: ISIL:DK-A/);
  });

  it('moves on when a supplier refuses the request message itself', () => {
    const d = decideRequester(first, { type: 'request_refused', reason: 'ERROR UnrecognisedDataValue' }, ctx);
    expect(d.note).toBe('moved to ISIL:DK-B (supplier 2 of 2): ISIL:DK-A (supplier 1 of 2) refused the request: ERROR UnrecognisedDataValue');
    expect(decideRequester(last, { type: 'request_refused', reason: 'HTTP 500' }, ctx).state).toBe('unfilled');
  });

  it('moves on when the supplier does not answer in time, naming the wait', () => {
    const d = decideRequester(first, { type: 'supplier_timeout', rotaIndex: 0 }, ctx);
    expect(d.note).toBe('moved to ISIL:DK-B (supplier 2 of 2): ISIL:DK-A (supplier 1 of 2) did not answer within 3 days');
    expect(decideRequester(first, { type: 'supplier_timeout', rotaIndex: 0 }, { ...ctx, supplierTimeoutMs: 36 * 3_600_000 }).note).toMatch(/within 36 hours$/);
    expect(d.effects[0]).toEqual(withdraw(0));
    const end = decideRequester(last, { type: 'supplier_timeout', rotaIndex: 1 }, ctx);
    // The silent supplier is told, whether the rota goes on or ends.
    expect(end).toMatchObject({ state: 'unfilled', effects: [withdraw(1), notice('unfilled')] });
    expect(end.changes).not.toHaveProperty('lastStatus');
  });

  it('ignores quietly a timer left from an earlier supplier', () => {
    const d = decideRequester(last, { type: 'supplier_timeout', rotaIndex: 0 }, ctx);
    expect(isNoChange(last, d)).toBe(true);
    expect(d.note).toBe('ignored a stale answer timer for ISIL:DK-A (supplier 1 of 2)');
  });

  it.each(['expect_to_supply', 'will_supply', 'shipped', 'cancelled'] as const)('ignores quietly a timer that fires once the request is %s', (state) => {
    const req = at(state);
    expect(isNoChange(req, decideRequester(req, { type: 'supplier_timeout', rotaIndex: 0 }, ctx))).toBe(true);
  });

  it('notes but does not apply a message from a supplier it has moved on from', () => {
    const d = decideRequester(last, sam('StatusChange', 'WillSupply', { rotaIndex: 0 }), ctx);
    expect(isNoChange(last, d)).toBe(true);
    expect(d.note).toBe('noted WillSupply from ISIL:DK-A (supplier 1 of 2), no longer the current supplier');
    expect(isNoChange(last, decideRequester(last, { type: 'request_refused', reason: 'late', rotaIndex: 0 }, ctx))).toBe(true);
  });

  it('goes back to waiting when a broker sends Unfilled as a Notification and carries on', () => {
    const d = decideRequester(at('will_supply'), sam('Notification', 'Unfilled'), ctx);
    expect(d).toMatchObject({ state: 'sent_to_supplier', effects: [] });
  });

  it('walks a three-supplier rota: Unfilled, no answer, then WillSupply', () => {
    const C = { symbol: 'ISIL:DK-C' };
    let req = run({ state: 'new', lifecycle: { serviceType: 'Loan', rota: [A, B, C] } }, { type: 'validate' });
    req = run(req, sam('RequestResponse', 'Unfilled'), { type: 'supplier_timeout', rotaIndex: 1 }, sam('RequestResponse', 'WillSupply'));
    expect(req).toEqual({ state: 'will_supply', lifecycle: { serviceType: 'Loan', rota: [A, B, C], rotaIndex: 2, lastStatus: 'WillSupply' } });
  });
});
