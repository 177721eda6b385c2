/** A live event marks as stale the queue counts, every list, and the request that changed. */
import { parseRequestEvent, staleKeys } from '../../../web/src/live/invalidation';

const event = (id: string) => ({ id, role: 'requester', library: 'ISIL:DK-100', state: 'received', version: 3, needsAttention: false });

describe('live events', () => {
  it('reads a request event and ignores anything else', () => {
    expect(parseRequestEvent(JSON.stringify(event('r1')))).toEqual(event('r1'));
    expect(parseRequestEvent('not json')).toBeUndefined();
    expect(parseRequestEvent('{"state":"received"}')).toBeUndefined();
    expect(parseRequestEvent('null')).toBeUndefined();
  });

  it('refetches the counts and lists once for a burst, and each changed request once', () => {
    expect(staleKeys([event('r1'), event('r2'), event('r1')])).toEqual([['queues'], ['requests'], ['request', 'r1'], ['request', 'r2']]);
  });

  it('refetches nothing when nothing changed', () => {
    expect(staleKeys([])).toEqual([]);
  });
});
