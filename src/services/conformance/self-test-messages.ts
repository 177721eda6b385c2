/**
 * What POST /iso18626 asks of a partner's SAM: is it about one of our peer self-tests
 * (self-test.ts)? Such a message is confirmed and recorded with the test's mark, and never
 * reaches a request.
 */
import type { SupplyingAgencyMessage } from '../../../protocols/iso18626';
import { findSelfTestRequest, type SelfTestMark } from '../../store/self-tests';
import type { ServiceDeps } from '../deps';

/** Every self-test's requestingAgencyRequestId starts so: the partner's staff can tell it apart. */
export const SELF_TEST_PREFIX = 'SELFTEST-';
/** A partner's message about a test is recognised this long after the test was sent. */
const RECOGNISED_FOR_MS = 86_400_000;

/**
 * POST /iso18626's question about a SAM: is it about one of our self-tests? The test's mark when
 * `sender` was sent that test by the library the SAM is addressed to; undefined otherwise, and the
 * message goes its usual way (a SELFTEST- id may be another server's test, relayed by a hub here).
 */
export async function selfTestOf(deps: ServiceDeps, message: SupplyingAgencyMessage, sender: string, addressedTo: string): Promise<SelfTestMark | undefined> {
  const testId = message.header.requestingAgencyRequestId;
  if (!testId.startsWith(SELF_TEST_PREFIX)) return undefined;
  const sent = await findSelfTestRequest(deps.db, sender, testId, new Date(deps.now().getTime() - RECOGNISED_FOR_MS));
  const mark = (sent?.parsed as { selfTest?: SelfTestMark } | null)?.selfTest;
  return mark?.library === addressedTo ? mark : undefined;
}
