import { DEFAULT_LENDER_SCORE } from '../../../src/domain/lender-score';
import { planRota, type DirectoryEntry, type RoutingInput } from '../../../src/domain/routing';

const partner = (symbol: string, policies: Record<string, unknown> = {}, status: DirectoryEntry['status'] = 'active'): DirectoryEntry => ({ symbol, name: symbol, status, policies });

const base: RoutingInput = {
  requester: 'ISIL:DK-HOME',
  serviceType: 'Loan',
  directory: [partner('ISIL:DK-A'), partner('ISIL:DK-B'), partner('ISIL:DK-C')],
  load: {},
  strategy: 'as_given',
  roundRobinSeed: 0,
  today: '2026-11-26',
};
const plan = (over: Partial<RoutingInput>) => planRota({ ...base, ...over });
const candidates = (...symbols: string[]) => symbols.map((symbol) => ({ symbol }));

describe('routing a borrowing request', () => {
  describe('drops candidates that cannot or will not supply, and says why', () => {
    it.each<[string, Partial<RoutingInput>, string, string]>([
      ['the requester itself', { candidates: candidates('ISIL:DK-HOME', 'ISIL:DK-A') }, 'ISIL:DK-HOME', 'is the requesting library itself'],
      ['a library not in the directory', { candidates: candidates('ISIL:XX-1', 'ISIL:DK-A') }, 'ISIL:XX-1', 'is not in the directory'],
      ['an inactive partner', { directory: [partner('ISIL:DK-A', {}, 'inactive')], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'is inactive in the directory'],
      ['a suspended partner', { directory: [partner('ISIL:DK-A', {}, 'suspended')], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'is suspended in the directory'],
      ['a partner not lending until a date', { directory: [partner('ISIL:DK-A', { suspendedUntil: '2026-12-01' })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'is not lending until 2026-12-01'],
      ['a partner that does not lend', { directory: [partner('ISIL:DK-A', { lends: false })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'does not lend'],
      ['a partner that supplies copies only, for a loan', { directory: [partner('ISIL:DK-A', { services: ['Copy'] })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'does not supply loans'],
      ['a partner that supplies loans only, for a copy', { serviceType: 'Copy', directory: [partner('ISIL:DK-A', { services: ['Loan'] })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'does not supply copies'],
      ['a partner that will not lend the format', { format: 'DVD', directory: [partner('ISIL:DK-A', { formats: { willNotLend: ['dvd'] } })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'does not lend the format DVD'],
      ['a partner that lends other formats only', { format: 'DVD', directory: [partner('ISIL:DK-A', { formats: { willLend: ['Book'] } })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'does not lend the format DVD'],
      ['a reciprocal-only partner of others', { directory: [partner('ISIL:DK-A', { reciprocalOnly: true, reciprocalPartners: ['ISIL:DK-X'] })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'lends to its reciprocal partners only, and ISIL:DK-HOME is not one'],
      ['a partner over its daily limit', { directory: [partner('ISIL:DK-A', { dailyLimit: 5 })], load: { 'ISIL:DK-A': { openLoans: 9, today: 5 } }, candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'has reached its daily limit of 5 requests'],
      ['a partner whose stored policies are broken', { directory: [partner('ISIL:DK-A', { lends: 'sometimes' })], candidates: candidates('ISIL:DK-A') }, 'ISIL:DK-A', 'does not lend'],
    ])('%s', (_name, over, symbol, reason) => {
      const result = plan(over);
      expect(result.rota.map((e) => e.symbol)).not.toContain(symbol);
      expect(result.explanation).toContainEqual({ symbol, kept: false, reason });
    });

    it('keeps a reciprocal-only partner for its reciprocal partners', () => {
      const result = plan({ directory: [partner('ISIL:DK-A', { reciprocalOnly: true, reciprocalPartners: ['isil:dk-home'] })], candidates: candidates('ISIL:DK-A') });
      expect(result.rota).toEqual(candidates('ISIL:DK-A'));
    });

    it('keeps a partner whose suspension ended yesterday', () => {
      expect(plan({ directory: [partner('ISIL:DK-A', { suspendedUntil: '2026-11-25' })], candidates: candidates('ISIL:DK-A') }).rota).toHaveLength(1);
    });

    it('accepts either service for a CopyOrLoan request', () => {
      expect(plan({ serviceType: 'CopyOrLoan', directory: [partner('ISIL:DK-A', { services: ['Copy'] })], candidates: candidates('ISIL:DK-A') }).rota).toHaveLength(1);
    });
  });

  describe('orders the suppliers it keeps', () => {
    it('as given, keeping local ids and call numbers and dropping repeats', () => {
      const result = plan({ candidates: [{ symbol: 'ISIL:DK-C', callNumber: '823 LEG' }, { symbol: 'ISIL:DK-A' }, { symbol: 'isil:dk-c' }] });
      expect(result.rota).toEqual([{ symbol: 'ISIL:DK-C', callNumber: '823 LEG' }, { symbol: 'ISIL:DK-A' }]);
      expect(result.explanation).toEqual([
        { symbol: 'ISIL:DK-C', kept: true, rank: 1, reason: 'position 1 as given' },
        { symbol: 'ISIL:DK-A', kept: true, rank: 2, reason: 'position 2 as given' },
      ]);
    });

    it('by load: fewest open requests from us first', () => {
      const result = plan({ strategy: 'load_balance', candidates: candidates('ISIL:DK-A', 'ISIL:DK-B', 'ISIL:DK-C'), load: { 'ISIL:DK-A': { openLoans: 4, today: 0 }, 'ISIL:DK-B': { openLoans: 1, today: 0 }, 'ISIL:DK-C': { openLoans: 2, today: 0 } } });
      expect(result.rota.map((e) => e.symbol)).toEqual(['ISIL:DK-B', 'ISIL:DK-C', 'ISIL:DK-A']);
      expect(result.explanation[0]).toEqual({ symbol: 'ISIL:DK-B', kept: true, rank: 1, reason: '1 open request from us' });
    });

    it('by load: equals take turns at the top from one request to the next', () => {
      const first = (seed: number) => plan({ strategy: 'load_balance', candidates: candidates('ISIL:DK-A', 'ISIL:DK-B', 'ISIL:DK-C'), roundRobinSeed: seed }).rota[0]?.symbol;
      expect([0, 1, 2, 3].map(first)).toEqual(['ISIL:DK-A', 'ISIL:DK-B', 'ISIL:DK-C', 'ISIL:DK-A']);
    });

    it('reciprocal partners first, the others after in the given order', () => {
      const directory = [partner('ISIL:DK-A'), partner('ISIL:DK-B', { reciprocalPartners: ['ISIL:DK-HOME'] }), partner('ISIL:DK-C')];
      const result = plan({ strategy: 'reciprocal_first', directory, candidates: candidates('ISIL:DK-A', 'ISIL:DK-B', 'ISIL:DK-C') });
      expect(result.rota.map((e) => e.symbol)).toEqual(['ISIL:DK-B', 'ISIL:DK-A', 'ISIL:DK-C']);
      expect(result.explanation.map((v) => v.reason)).toEqual(['a reciprocal partner', 'not reciprocal; position 1 as given', 'not reciprocal; position 3 as given']);
    });
  });

  it('among a catalogue’s holders only, each verdict saying what its holding says, even when none is left', () => {
    const notes = new Map([['ISIL:DK-C', 'holds it, 1 of 2 copies available']]);
    const result = plan({ candidates: candidates('ISIL:DK-C'), holdings: { notes } });
    expect(result.rota).toEqual(candidates('ISIL:DK-C'));
    expect(result.explanation).toEqual([{ symbol: 'ISIL:DK-C', kept: true, rank: 1, reason: 'holds it, 1 of 2 copies available; position 1 among the holders' }]);
    // Holders were found, but none may be asked: nobody is, rather than every partner in the directory.
    expect(plan({ candidates: [], holdings: { notes: new Map() } }).rota).toEqual([]);
  });

  it('without candidates, asks every partner that lends, explaining the ones left out', () => {
    const directory = [partner('ISIL:DK-A'), partner('ISIL:DK-B', { lends: false }), partner('ISIL:DK-HOME'), partner('ISIL:DK-C', {}, 'suspended')];
    const result = plan({ directory });
    expect(result.rota).toEqual(candidates('ISIL:DK-A'));
    expect(result.explanation[0]).toEqual({ symbol: 'ISIL:DK-A', kept: true, rank: 1, reason: 'position 1 in the directory (no candidates were given)' });
    expect(result.explanation.filter((v) => !v.kept).map((v) => [v.symbol, v.reason])).toEqual([
      ['ISIL:DK-B', 'does not lend'],
      ['ISIL:DK-HOME', 'is the requesting library itself'],
      ['ISIL:DK-C', 'is suspended in the directory'],
    ]);
  });
});

describe('the performance strategy: lenders ranked by how they have served us', () => {
  const HOUR = 3600;
  // A: fills 50 of 61, answers in 5 h, ships in 2 days. B: fills 6 of 40, answers in 3 days. C: new here.
  const records = {
    'ISIL:DK-A': { ended: 61, filled: 50, answers: 61, medianAnswerSeconds: 5 * HOUR, ships: 50, medianShipSeconds: 48 * HOUR },
    'isil:dk-b': { ended: 40, filled: 6, answers: 40, medianAnswerSeconds: 72 * HOUR, ships: 6, medianShipSeconds: 120 * HOUR },
  };
  const performance = (over: Partial<typeof DEFAULT_LENDER_SCORE> = {}) => ({ records, settings: { ...DEFAULT_LENDER_SCORE, ...over } });

  it('asks the lender that fills most and fastest first, a new partner next (neutral prior), a poor one last', () => {
    const result = plan({ strategy: 'performance', performance: performance(), candidates: candidates('ISIL:DK-B', 'ISIL:DK-C', 'ISIL:DK-A') });
    expect(result.rota.map((e) => e.symbol)).toEqual(['ISIL:DK-A', 'ISIL:DK-C', 'ISIL:DK-B']);
    expect(result.explanation.map((v) => v.reason)).toEqual([
      'score 0.76: fill rate 0.82 over 61 requests, median answer 5 h, median to ship 2 d; 0 open requests from us',
      'score 0.50: no request ended yet (neutral prior), median answer not known yet, median to ship not known yet; 0 open requests from us',
      'score 0.24: fill rate 0.15 over 40 requests, median answer 3 d, median to ship 5 d; 0 open requests from us',
    ]);
  });

  it('lets a partner’s own record take over from the prior as its requests add up', () => {
    const few = { 'ISIL:DK-A': { ended: 2, filled: 2, answers: 2, medianAnswerSeconds: HOUR, ships: 2, medianShipSeconds: HOUR } };
    const many = { 'ISIL:DK-A': { ended: 50, filled: 50, answers: 50, medianAnswerSeconds: HOUR, ships: 50, medianShipSeconds: HOUR } };
    const score = (r: typeof few) => Number(/score (\d\.\d\d)/.exec(plan({ strategy: 'performance', performance: { records: r, settings: DEFAULT_LENDER_SCORE }, candidates: candidates('ISIL:DK-A') }).explanation[0]!.reason)![1]);
    expect(score(few)).toBeGreaterThan(0.5);
    expect(score(many)).toBeGreaterThan(score(few));
    expect(plan({ strategy: 'performance', performance: { records: few, settings: DEFAULT_LENDER_SCORE }, candidates: candidates('ISIL:DK-A') }).explanation[0]!.reason).toContain('fill rate 1.00 over 2 requests (with the neutral prior), median answer not known yet');
  });

  it('weighs the parts as configured: on answer time alone, the quicker answerer goes first', () => {
    const quickButPoor = { ...records, 'isil:dk-b': { ...records['isil:dk-b'], medianAnswerSeconds: HOUR } };
    const result = plan({ strategy: 'performance', performance: { records: quickButPoor, settings: { ...DEFAULT_LENDER_SCORE, weights: { fillRate: 0, answer: 1, ship: 0 } } }, candidates: candidates('ISIL:DK-A', 'ISIL:DK-B') });
    expect(result.rota.map((e) => e.symbol)).toEqual(['ISIL:DK-B', 'ISIL:DK-A']);
  });

  it('breaks a tie with the current load: fewer open requests from us first', () => {
    const result = plan({ strategy: 'performance', performance: performance(), load: { 'ISIL:DK-B': { openLoans: 4, today: 0 } }, candidates: candidates('ISIL:DK-B', 'ISIL:DK-C') , directory: [partner('ISIL:DK-B'), partner('ISIL:DK-C')] ,
    });
    // B's poor record puts it last whatever its load; two new partners are ordered by load.
    expect(result.rota.map((e) => e.symbol)).toEqual(['ISIL:DK-C', 'ISIL:DK-B']);
    const tie = plan({ strategy: 'performance', performance: { records: {}, settings: DEFAULT_LENDER_SCORE }, load: { 'ISIL:DK-A': { openLoans: 3, today: 0 }, 'ISIL:DK-C': { openLoans: 1, today: 0 } }, candidates: candidates('ISIL:DK-A', 'ISIL:DK-C') });
    expect(tie.rota.map((e) => e.symbol)).toEqual(['ISIL:DK-C', 'ISIL:DK-A']);
    expect(tie.explanation[1]!.reason).toMatch(/; 3 open requests from us$/);
  });
});
