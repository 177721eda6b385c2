/** "Download CSV" exports the list as it is filtered and sorted, every page of it. */
import { csvHref } from '../../../web/src/bulk/csvHref';

describe('the CSV link of a list', () => {
  it('carries the filters, the queue and the sort, but not the page', () => {
    expect(csvHref({ queue: 'lending.to-ship', partner: 'ISIL:DK-100', sort: 'createdAt', cursor: 'abc', limit: 25 })).toBe('/api/v1/requests/export.csv?queue=lending.to-ship&partner=ISIL%3ADK-100&sort=createdAt');
    expect(csvHref({})).toBe('/api/v1/requests/export.csv');
  });
});
