import { candidatesFromHoldings, type Holding } from '../../../src/domain/holdings';
import { planRota, type DirectoryEntry } from '../../../src/domain/routing';

const held = (symbol: string, over: Partial<Holding> = {}): Holding => ({ code: symbol.replace(/^ISIL:/, ''), symbol, ill: 'loan-or-copy', electronic: false, ...over });
const symbols = (entries: readonly { symbol: string }[]) => entries.map((e) => e.symbol);

describe('choosing lenders from a catalogue’s holdings', () => {
  describe('asks a holder only when its holding allows the service, and says why not', () => {
    it.each<[string, Holding, 'Loan' | 'Copy' | 'CopyOrLoan', string]>([
      ['a holding with "no interlibrary loan" (924 $d d)', held('ISIL:DE-1', { ill: 'none' }), 'Loan', 'holds it, but its holding says no interlibrary loan'],
      ['a copies-only holding (924 $d b), for a loan', held('ISIL:DE-1', { ill: 'copy-only' }), 'Loan', 'holds it, but supplies copies only, no loans'],
      ['a volumes-only holding (924 $d a), for a copy', held('ISIL:DE-1', { ill: 'loan' }), 'Copy', 'holds it, but lends volumes only, no copies'],
      ['an electronic-only holding (924 $d e), for a loan', held('ISIL:DE-1', { ill: 'electronic-only' }), 'Loan', 'holds only an electronic copy, which is no loan'],
      ['an Alma electronic portfolio (AVE), for a loan', held('ISIL:US-PU', { electronic: true, ill: 'unknown' }), 'Loan', 'holds only an electronic copy, which is no loan'],
      ['a holder whose code is no library in the directory', { code: '01UNKNOWN_INST', ill: 'unknown', electronic: false }, 'Loan', 'holds it, but its code 01UNKNOWN_INST is no library in the directory'],
    ])('%s', (_name, holding, serviceType, reason) => {
      const result = candidatesFromHoldings([holding], serviceType, 'last');
      expect(result.candidates).toEqual([]);
      expect(result.skipped).toEqual([{ symbol: holding.symbol ?? holding.code, kept: false, reason }]);
    });

    it.each<[string, Holding, 'Loan' | 'Copy' | 'CopyOrLoan']>([
      ['a copies-only holding, for a copy', held('ISIL:DE-1', { ill: 'copy-only' }), 'Copy'],
      ['a copies-only holding, for copy or loan', held('ISIL:DE-1', { ill: 'copy-only' }), 'CopyOrLoan'],
      ['an electronic-only holding, for a copy', held('ISIL:DE-1', { ill: 'electronic-only' }), 'Copy'],
      ['a volumes-only holding, for a loan', held('ISIL:DE-1', { ill: 'loan' }), 'Loan'],
      ['a holding that says nothing of ILL, for a loan', held('ISIL:DE-1', { ill: 'unknown' }), 'Loan'],
    ])('asks %s', (_name, holding, serviceType) => {
      expect(symbols(candidatesFromHoldings([holding], serviceType, 'last').candidates)).toEqual([holding.symbol]);
    });
  });

  it('asks holders with a copy on the shelf before those whose copies are all out, or not at all', () => {
    const holdings = [held('ISIL:DE-OUT', { available: false, copies: 1, availableCopies: 0 }), held('ISIL:DE-IN', { available: true, copies: 2, availableCopies: 1 }), held('ISIL:DE-UNSAID')];
    const last = candidatesFromHoldings(holdings, 'Loan', 'last');
    expect(symbols(last.candidates)).toEqual(['ISIL:DE-IN', 'ISIL:DE-UNSAID', 'ISIL:DE-OUT']);
    expect(last.notes.get('ISIL:DE-IN')).toBe('holds it (2 copies, 1 available)');
    expect(last.notes.get('ISIL:DE-OUT')).toBe('holds it (1 copy, 0 available, no copy available now); asked after the holders with a copy available');

    const dropped = candidatesFromHoldings(holdings, 'Loan', 'drop');
    expect(symbols(dropped.candidates)).toEqual(['ISIL:DE-IN', 'ISIL:DE-UNSAID']);
    expect(dropped.skipped).toEqual([{ symbol: 'ISIL:DE-OUT', kept: false, reason: 'holds it, but no copy is available now' }]);
  });

  it('makes one candidate of a library with several holdings, with the call number and record id of a copy it can lend', () => {
    const holdings = [
      held('ISIL:DE-1', { ill: 'none', callNumber: 'REF 1' }),
      held('ISIL:DE-1', { callNumber: 'QA 76.9', localId: 'HOL-2', available: true }),
      held('isil:de-1', { callNumber: 'QA 76.9 c.2', available: false }),
    ];
    const result = candidatesFromHoldings(holdings, 'Loan', 'last');
    expect(result.candidates).toEqual([{ symbol: 'ISIL:DE-1', callNumber: 'QA 76.9', localId: 'HOL-2' }]);
    expect(result.notes.get('ISIL:DE-1')).toBe('holds it (available, QA 76.9)');
    expect(result.skipped).toEqual([]);
  });

  it('routes among the holders only, with what each holding says in the explanation, even when none is left', () => {
    const directory: DirectoryEntry[] = ['ISIL:DE-1', 'ISIL:DE-2', 'ISIL:DE-3'].map((symbol) => ({ symbol, name: symbol, status: 'active', policies: {} }));
    const input = { requester: 'ISIL:DE-HOME', serviceType: 'Loan' as const, directory, load: {}, strategy: 'as_given' as const, roundRobinSeed: 0, today: '2026-12-01' };
    const { candidates, notes } = candidatesFromHoldings([held('ISIL:DE-3', { copies: 1, availableCopies: 1 }), held('ISIL:DE-1', { ill: 'none' })], 'Loan', 'last');
    const plan = planRota({ ...input, candidates, holdings: { notes } });
    expect(plan.rota).toEqual([{ symbol: 'ISIL:DE-3' }]);
    expect(plan.explanation).toEqual([{ symbol: 'ISIL:DE-3', kept: true, rank: 1, reason: 'holds it (1 copy, 1 available); position 1 among the holders' }]);

    // Holders, but none may be asked: nobody is, rather than every partner in the directory.
    expect(planRota({ ...input, candidates: [], holdings: { notes: new Map() } }).rota).toEqual([]);
  });
});
