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
