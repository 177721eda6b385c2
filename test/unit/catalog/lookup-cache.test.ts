import type { HoldingsLookup } from '../../../src/catalog/lookup';
import { createLookupCache } from '../../../src/catalog/lookup-cache';

const found = (source: string): HoldingsLookup => ({ ok: true, source, cql: 'isbn="1"', basis: 'identifiers', items: [], holdings: [], diagnostics: [], durationMs: 5 });
const failed: HoldingsLookup = { ok: false, source: 'GVI', cql: 'isbn="1"', kind: 'timeout', reason: 'no answer within 2 s', diagnostics: [], durationMs: 2000 };

describe('catalogue answers kept for a while', () => {
  it('gives an answer back while it is younger than the age asked for (the setting as it is now)', () => {
    let clock = 0;
    const cache = createLookupCache({ now: () => clock });
    cache.set('q', found('GVI'));
    clock = 999;
    expect(cache.get('q', 1000)).toEqual(found('GVI'));
    expect(cache.get('q', 500)).toBeUndefined();
  });

  it('never keeps a failed lookup', () => {
    const cache = createLookupCache();
    cache.set('q', failed);
    expect([cache.get('q', 60_000), cache.size]).toEqual([undefined, 0]);
  });

  it('lets the least recently used answers go beyond its bound', () => {
    const cache = createLookupCache({ maxEntries: 2 });
    cache.set('a', found('A'));
    cache.set('b', found('B'));
    cache.get('a', 60_000);
    cache.set('c', found('C'));
    expect([cache.get('a', 60_000)?.source, cache.get('b', 60_000), cache.get('c', 60_000)?.source]).toEqual(['A', undefined, 'C']);
  });
});
