/**
 * A message between two member libraries of this server, handed from the outbox straight to the
 * inbound handling (inbound.ts), with no HTTP round trip to our own /iso18626: the same decide and
 * save path as a partner's message, so the receiving side's machine, pipeline, dedupe key and
 * records are exactly those of a message from outside. Its answer, our own confirmation, is read
 * as a partner's would be (src/iso18626/client.ts), so the sending side records and acts on it as
 * on any delivery: the message out on the sender's side, in (with the confirmation) on the
 * receiver's.
 *
 * No security code is sent or checked: both sides are this server. That trust comes from the
 * call, never from the message: over HTTP a member library's symbol is a partner like any other.
 */
import { classify, type Iso18626Outcome } from '../../iso18626/client';
import { asDatabaseUnavailable } from '../../store/unavailable';
import type { LifecycleDeps } from '../pipeline/pipeline';
import { receiveIso18626 } from './inbound';

export async function deliverLocally(deps: LifecycleDeps, xml: string): Promise<Iso18626Outcome> {
  let answer;
  try {
    answer = await receiveIso18626(deps, xml, { local: true });
  } catch (err) {
    // The database is ours on both sides: the delivery fails the way any of its reads would, and is retried.
    if (asDatabaseUnavailable(err)) throw err;
    // What HTTP would have answered with a 500 (http/iso18626.ts): retried, and staff are told if it goes on.
    const detail = `failed inside this server: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
    return { kind: 'transient', reason: 'receiver-failure', detail, plain: 'this server failed to take the message in (see its log)', unreachable: false };
  }
  return classify({ status: answer.httpStatus, contentType: 'application/xml; charset=utf-8', body: answer.xml, truncated: false });
}
