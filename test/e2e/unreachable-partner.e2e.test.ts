/**
 * A lender that is down, seen through the staff API of the borrower's server: after
 * DELIVERY_ATTENTION_AFTER_MS (small here) the request needs attention with the reason in plain
 * words while the workers keep retrying; the failed attempts are one timeline entry with a count
 * and the message is in the answer once; when the lender is back the request is delivered and
 * leaves "needs attention".
 */
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { createApiKey } from '../../src/services/access/api-keys';
import { listOutboxForRequest } from '../../src/store/outbox';
import { lenderRequest } from '../helpers/e2e';
import { addPartners, startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';

jest.setTimeout(120_000);

interface Entry {
  kind: string;
  event?: string;
  data?: { reason?: string };
  direction?: string;
  status?: string;
  attempts?: number;
  rawXml?: string;
  count?: number;
  error?: string;
  messageId?: string;
  id: string;
}

describe('a lender that is down', () => {
  let a: Instance;
  let b: Instance;
  let key: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance('down-a', ['ISIL:DK-A'], { deliveryAttentionAfterMs: 1500, deliveryRetryMs: 200 }), startInstance('down-b', ['ISIL:DK-B1'])]);
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender', at: b }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a }]);
    key = (await createApiKey(a.service.lifecycle, { name: 'reports', role: 'read-only' })).key;
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  async function detail(id: string): Promise<{ needsAttention: boolean; timeline: Entry[]; text: string }> {
    const res = await fetch(`${a.url}/api/v1/requests/${id}`, { headers: { Authorization: `Bearer ${key}` } });
    const text = await res.text();
    return { ...(JSON.parse(text) as { needsAttention: boolean; timeline: Entry[] }), text };
  }

  it('needs attention while retries go on, counts the attempts in one entry, and is cleared once delivered', async () => {
    await b.stop();
    const borrowing = await createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({ bibliographic: { title: 'The Lathe of Heaven' }, patron: { id: 'P-9' }, candidates: [{ symbol: 'ISIL:DK-B1' }] }),
      'staff:test',
      { channel: 'staff' },
    );

    const flagged = await eventually(async () => {
      const seen = await detail(borrowing.id);
      return seen.needsAttention ? seen : undefined;
    }, 60_000);
    const raised = flagged.timeline.filter((e) => e.kind === 'event' && e.event === 'needs_attention');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.data!.reason).toMatch(/^ISIL:DK-B1 has not been reachable for \d+ (seconds?|minutes?) \(connection refused\); delivery is retried until about \d{4}-\d\d-\d\d \d\d:\d\d UTC, then it gives up$/);
    // Still retrying: the row is neither done nor dead.
    const [row] = (await listOutboxForRequest(a.service.runtime.database.db, borrowing.id)).filter((r) => r.queue === 'delivery');
    expect(row!.status).toBe('queued');

    const messages = flagged.timeline.filter((e) => e.kind === 'message');
    const failures = flagged.timeline.filter((e) => e.kind === 'delivery_failure');
    expect(messages).toEqual([expect.objectContaining({ direction: 'out', status: 'failed' })]);
    expect(messages[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(failures).toEqual([expect.objectContaining({ messageId: messages[0]!.id, count: messages[0]!.attempts, error: 'connection failed (ECONNREFUSED)' })]);
    // The request's XML is in the answer once, however many attempts failed.
    expect(flagged.text.split('<request>').length - 1).toBe(1);

    b = await b.restart();
    await lenderRequest(b, borrowing, 'ISIL:DK-B1');
    const cleared = await eventually(async () => {
      const seen = await detail(borrowing.id);
      return !seen.needsAttention && seen.timeline.some((e) => e.event === 'attention_cleared') ? seen : undefined;
    }, 60_000);
    expect(cleared.timeline.filter((e) => e.kind === 'message' && e.direction === 'out')).toEqual([expect.objectContaining({ status: 'confirmed' })]);
    expect(cleared.timeline.find((e) => e.event === 'attention_cleared')!.data!.reason).toMatch(/^ISIL:DK-B1 took the request at attempt \d+, after failing for \d+ (seconds?|minutes?); the request no longer needs attention$/);
  });
});
