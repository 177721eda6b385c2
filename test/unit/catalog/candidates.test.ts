import { holdersFromHoldings, holdingFits } from '../../../src/catalog/candidates';
import type { Holding } from '../../../src/catalog/holdings';

const holding = (symbol: string | undefined, extra: Partial<Holding> = {}): Holding => ({ code: symbol?.replace('ISIL:', '') ?? 'LOCAL1', ...(symbol ? { symbol } : {}), ill: 'unknown', electronic: false, ...extra });

describe('which holdings can serve a request', () => {
  it.each([
    ['loan-or-copy', false, { Loan: true, Copy: true, CopyOrLoan: true }],
    ['loan', false, { Loan: true, Copy: false, CopyOrLoan: true }],
    ['copy-only', false, { Loan: false, Copy: true, CopyOrLoan: true }],
    ['electronic-only', false, { Loan: false, Copy: true, CopyOrLoan: true }],
    ['none', false, { Loan: false, Copy: false, CopyOrLoan: false }],
    ['unknown', false, { Loan: true, Copy: true, CopyOrLoan: true }],
    ['unknown', true, { Loan: false, Copy: true, CopyOrLoan: true }],
  ] as const)('ILL terms %s (electronic: %s)', (ill, electronic, expected) => {
    for (const service of ['Loan', 'Copy', 'CopyOrLoan'] as const) expect([service, holdingFits({ ill, electronic }, service).ok]).toEqual([service, expected[service]]);
  });
});

describe('holdings → candidate lenders', () => {
  it('keeps the holders in holdings order, with the call number and local id of their holding', () => {
    const plan = holdersFromHoldings([holding('ISIL:DE-705', { callNumber: 'A 1', localId: '18001' }), holding('ISIL:DE-7')], { serviceType: 'Loan', unavailable: 'last' });
    expect(plan.candidates).toEqual([{ symbol: 'ISIL:DE-705', localId: '18001', callNumber: 'A 1' }, { symbol: 'ISIL:DE-7' }]);
    expect(plan.holders.map((h) => [h.symbol, h.kept, h.reason])).toEqual([
      ['ISIL:DE-705', true, 'holds it'],
      ['ISIL:DE-7', true, 'holds it'],
    ]);
  });

  it('skips a holder whose catalogue says no ILL, or only copies for a loan, with the reason', () => {
    const plan = holdersFromHoldings([holding('ISIL:DE-18', { ill: 'none' }), holding('ISIL:DE-7', { ill: 'copy-only' }), holding('ISIL:DE-705', { ill: 'loan-or-copy' })], { serviceType: 'Loan', unavailable: 'last' });
    expect(plan.candidates.map((c) => c.symbol)).toEqual(['ISIL:DE-705']);
    expect(plan.holders.map((h) => [h.symbol, h.skip, h.reason])).toEqual([
      ['ISIL:DE-18', 'no-ill', 'holds it, but its catalogue says no interlibrary loan'],
      ['ISIL:DE-7', 'copies-only', 'holds it, but lends no volumes (copies only)'],
      ['ISIL:DE-705', undefined, 'holds it (ILL: loan-or-copy)'],
    ]);
  });

  it('a holder of only an electronic copy is no lender of a loan, but can send a copy', () => {
    const holdings = [holding('ISIL:US-PU', { electronic: true, available: true })];
    expect(holdersFromHoldings(holdings, { serviceType: 'Loan', unavailable: 'last' }).holders[0]).toMatchObject({ kept: false, skip: 'electronic-only', reason: 'holds only an electronic copy, which is not lent as a physical loan' });
    expect(holdersFromHoldings(holdings, { serviceType: 'Copy', unavailable: 'last' }).candidates).toEqual([{ symbol: 'ISIL:US-PU' }]);
  });

  it('a holder that lends volumes only is skipped for a copy', () => {
    expect(holdersFromHoldings([holding('ISIL:DE-OFB1', { ill: 'loan' })], { serviceType: 'Copy', unavailable: 'last' }).holders[0]).toMatchObject({ kept: false, skip: 'loans-only' });
  });

  it('a holder with a physical copy besides an electronic one is kept for a loan', () => {
    const plan = holdersFromHoldings([holding('ISIL:US-PU', { electronic: true }), holding('ISIL:US-PU', { callNumber: 'B53 .R68' })], { serviceType: 'Loan', unavailable: 'last' });
    expect(plan.candidates).toEqual([{ symbol: 'ISIL:US-PU', callNumber: 'B53 .R68' }]);
    expect(plan.holders).toHaveLength(1);
  });

  it('unavailable holders go last, or are dropped, as configured', () => {
    const holdings = [holding('ISIL:NO-1', { available: false, copies: 2, availableCopies: 0 }), holding('ISIL:NO-2', { available: true, copies: 3, availableCopies: 1 }), holding('ISIL:NO-3')];
    const last = holdersFromHoldings(holdings, { serviceType: 'Loan', unavailable: 'last' });
    expect(last.candidates.map((c) => c.symbol)).toEqual(['ISIL:NO-2', 'ISIL:NO-3', 'ISIL:NO-1']);
    expect(last.holders[0]).toMatchObject({ kept: true, available: false, reason: 'holds it, 0 of 2 copies available; none available now, so asked last' });
    expect(last.holders[1]).toMatchObject({ kept: true, copies: 3, availableCopies: 1, reason: 'holds it, 1 of 3 copies available' });
    const drop = holdersFromHoldings(holdings, { serviceType: 'Loan', unavailable: 'drop' });
    expect(drop.candidates.map((c) => c.symbol)).toEqual(['ISIL:NO-2', 'ISIL:NO-3']);
    expect(drop.holders[0]).toMatchObject({ kept: false, skip: 'unavailable', reason: 'holds it, but no copy is available now' });
  });

  it('a holder’s items are counted together: available when one of them is', () => {
    const plan = holdersFromHoldings([holding('ISIL:NZ-WK', { available: false, copies: 1, availableCopies: 0 }), holding('ISIL:NZ-WK', { available: true, copies: 1, availableCopies: 1, callNumber: 'c.2' })], { serviceType: 'Loan', unavailable: 'drop' });
    expect(plan.candidates).toEqual([{ symbol: 'ISIL:NZ-WK', callNumber: 'c.2' }]);
    expect(plan.holders[0]).toMatchObject({ copies: 2, availableCopies: 1, available: true });
  });

  it('a code with no directory symbol is skipped once, saying how to map it', () => {
    const plan = holdersFromHoldings([holding(undefined, { code: '47BIBSYS_BI' }), holding(undefined, { code: '47bibsys_bi' })], { serviceType: 'Loan', unavailable: 'last' });
    expect(plan.candidates).toEqual([]);
    expect(plan.holders).toEqual([{ codes: ['47BIBSYS_BI', '47bibsys_bi'], kept: false, skip: 'no-symbol', reason: '47BIBSYS_BI: no directory symbol for this code (add it to the catalogue’s symbol table)', ill: ['unknown'], electronic: false }]);
  });
});
