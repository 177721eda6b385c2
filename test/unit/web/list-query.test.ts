/**
 * A request list's query lives in the URL: filters, sort and the keyset cursors that led to the
 * page, so a list can be shared, reloaded and walked back with the browser's back button.
 */
import { nextPage, previousPage, readListQuery, requestsQuery, toggleSort, sortDirection, withFilters, withSort, writeListQuery } from '../../../web/src/components/listQuery';

const read = (search: string) => readListQuery(new URLSearchParams(search));

describe('a list query in the URL', () => {
  it('keeps every GET /requests filter and drops empty or unknown ones', () => {
    const query = read('q=godel&role=requester&partner=ISIL:DK-100&needBeforeFrom=2026-12-01&patron=&colour=red&sort=needBefore');
    expect(query.filters).toEqual({ q: 'godel', role: 'requester', partner: 'ISIL:DK-100', needBeforeFrom: '2026-12-01' });
    expect(query.sort).toBe('needBefore');
  });

  it('ignores a sort the API does not have', () => {
    expect(read('sort=title').sort).toBeUndefined();
  });

  it('reads back what it writes, cursors in order', () => {
    const query = { filters: { state: 'shipped', serviceType: 'Loan' }, sort: '-updatedAt' as const, after: ['c1', 'c2'] };
    expect(readListQuery(writeListQuery(query))).toEqual(query);
  });
});

describe('keyset pages', () => {
  it('asks the server for the page after the last cursor, with the queue and the filters', () => {
    const query = nextPage(nextPage(read('partner=ISIL:SE-200'), 'c1'), 'c2');
    expect(requestsQuery(query, { queue: 'lending.to-ship', limit: 25 })).toEqual({ partner: 'ISIL:SE-200', queue: 'lending.to-ship', cursor: 'c2', limit: 25 });
  });

  it('goes back one page by dropping the last cursor; the first page has none', () => {
    const second = nextPage(read(''), 'c1');
    expect(requestsQuery(previousPage(second))).toEqual({});
    expect(previousPage(nextPage(second, 'c2')).after).toEqual(['c1']);
  });

  it('starts again at the first page when the filters or the sort change (a cursor belongs to one query)', () => {
    const deep = nextPage(read('role=supplier'), 'c1');
    expect(withFilters(deep, { role: 'requester' }).after).toEqual([]);
    expect(withSort(deep, 'createdAt').after).toEqual([]);
  });
});

describe('sorting by a column header', () => {
  it('first sorts the way staff usually want, then reverses', () => {
    expect(toggleSort('createdAt', 'needBefore', 'createdAt')).toBe('needBefore');
    expect(toggleSort('needBefore', 'needBefore', 'createdAt')).toBe('-needBefore');
    expect(toggleSort('-needBefore', 'needBefore', 'createdAt')).toBe('needBefore');
    expect(toggleSort(undefined, 'updatedAt', 'createdAt')).toBe('-updatedAt');
  });

  it('says which column is sorted and which way, with the default when the URL has none', () => {
    expect(sortDirection(undefined, 'createdAt', 'createdAt')).toBe('ascending');
    expect(sortDirection('-updatedAt', 'updatedAt', 'createdAt')).toBe('descending');
    expect(sortDirection('-updatedAt', 'needBefore', 'createdAt')).toBeUndefined();
  });
});
