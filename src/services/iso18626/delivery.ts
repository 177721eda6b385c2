/**
 * Delivers one outbox row to a partner: build the ISO 18626 message, send it (the transport and
 * what the partner's answer is, src/iso18626/client.ts; to another member library served here,
 * local-delivery.ts, without HTTP), record the attempt, and act on the outcome. Transient failures throw for BullMQ to retry with backoff; a definite refusal (ERROR
 * confirmation, 4xx, no partner address, a partner not active in the directory) is final.
 *
 * The message is written in the partner's protocol version (its directory entry: v1.2 or 2021);
 * mapping.ts builds the same model for both. The header timestamp is the outbox row's creation time, so every retry sends the same bytes
 * and a partner that did get an earlier attempt recognises the duplicate. The message is recorded
 * once, with its attempts counted (delivery-attempts.ts); a partner failing for longer than
 * DELIVERY_ATTENTION_AFTER_MS puts the request in front of staff while the retries go on.
 */
import { buildIso18626, type ErrorData, type ProtocolVersion } from '../../../protocols/iso18626';
import { errorDataText, sendIso18626, type Iso18626Outcome } from '../../iso18626/client';
import { partnerLabel } from '../../metrics/labels';
import { JOBS, PermanentJobFailure, requireJob, type SendPayload } from '../../jobs';
import type { OutboxRow } from '../../store/outbox';
import { getRequest, type RequestRow } from '../../store/requests';
import { recordAttempt, type AttemptOutcome } from './delivery-attempts';
import type { RetryPolicy } from './delivery-attention';
import { outboundMessage } from './mapping';
import { changeRequest, type AnyEvent, type LifecycleDeps } from '../pipeline/pipeline';
import { partnerAuth, type PartnerAuth } from '../directory/partner-auth';
import { deliverLocally } from './local-delivery';
import { patronDetailLevel } from '../privacy/settings';

export interface DeliveryDeps extends LifecycleDeps {
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  /** How the delivery queue retries; without it only a delivery that gives up needs attention. */
  readonly retries?: RetryPolicy;
}

/** A retryable failure: BullMQ tries again later. */
export class TransientDeliveryFailure extends Error {
  override readonly name = 'TransientDeliveryFailure';
}

/** `attempt`: the queue's try number (1 for the first), when a worker runs the row. */
export async function deliverOutboxRow(deps: DeliveryDeps, row: OutboxRow, options: { attempt?: number } = {}): Promise<void> {
  const { payload } = requireJob(row, JOBS.send);
  const request = row.requestId ? await getRequest(deps.db, row.requestId) : undefined;
  if (!request) throw new PermanentJobFailure(`outbox row ${row.id} has no request`);
  const recipient = await recipientOf(deps, payload.to);
  if (recipient.kind === 'none') {
    await countDelivery(deps, payload.to, payload.message.kind, { kind: 'none' });
    return refused(deps, row, request.id, payload, recipient.reason);
  }
  const auth = recipient.kind === 'partner' ? recipient.auth : undefined;
  const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
  const message = outboundMessage(request, payload, {
    timestamp: row.createdAt,
    ...(library ? { libraryName: library.name } : {}),
    // A hub passes on what the requesting library chose to send; anyone else sends what its own setting allows.
    patronDetails: request.role === 'broker' ? 'full' : patronDetailLevel(library),
    authentication: auth ? { ...(auth.outbound.accountId ? { accountId: auth.outbound.accountId } : {}), ...(auth.outbound.securityCode ? { securityCode: auth.outbound.securityCode } : {}) } : {},
  });
  // A member library here reads both revisions; v1.2 is the one every peer reads.
  const xml = buildIso18626(message, { version: recipient.kind === 'partner' ? recipient.version : '1.2' });
  const record = (outcome: AttemptOutcome) => recordAttempt(deps, { row, payload, requestId: request.id, messageType: message.kind, xml, ...options }, outcome);

  const outcome =
    recipient.kind === 'partner'
      ? await sendIso18626({ url: recipient.url, httpHeaders: recipient.auth.outbound.httpHeaders }, xml, { timeoutMs: deps.timeoutMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) })
      : await deliverLocally(deps, xml);
  await countDelivery(deps, payload.to, message.kind, outcome);
  switch (outcome.kind) {
    case 'transient': {
      const answer = outcome.httpStatus !== undefined ? { responseXml: outcome.responseXml, httpStatus: outcome.httpStatus } : {};
      await record({ status: 'failed', ...answer, error: outcome.detail, problem: { plain: outcome.plain, unreachable: outcome.unreachable } });
      throw new TransientDeliveryFailure(`${payload.to}: ${outcome.detail}`);
    }
    case 'refused':
      if (outcome.reason === 'http-status') {
        await record({ status: 'refused', responseXml: outcome.responseXml, httpStatus: outcome.httpStatus, error: outcome.detail });
        return refused(deps, row, request.id, payload, `${payload.to} refused the message with HTTP ${outcome.httpStatus}${because(outcome.errorData)}`);
      }
      await record({ status: 'refused', responseXml: outcome.responseXml, httpStatus: outcome.httpStatus, parsed: outcome.confirmation, error: outcome.detail });
      return refused(deps, row, request.id, payload, `${payload.to} answered ERROR${because(outcome.errorData)}`);
    case 'confirmed':
      await record({ status: 'confirmed', responseXml: outcome.responseXml, httpStatus: outcome.httpStatus, parsed: outcome.confirmation });
  }
}

/** What became of one attempt, for /metrics: the message by status, a failure by kind, a partner's ERROR by errorType. */
async function countDelivery(deps: DeliveryDeps, to: string, messageType: string, outcome: Iso18626Outcome | { readonly kind: 'none' }): Promise<void> {
  const metrics = deps.metrics;
  if (!metrics) return;
  const partner = await partnerLabel(deps.directory, to);
  if (outcome.kind === 'none') return metrics.deliveryFailure(partner, 'no-recipient');
  metrics.iso18626Message('out', partner, messageType, outcome.kind === 'transient' ? 'failed' : outcome.kind);
  if (outcome.kind === 'transient') metrics.deliveryFailure(partner, outcome.reason);
  if (outcome.kind !== 'refused') return;
  metrics.deliveryFailure(partner, outcome.reason === 'http-status' ? 'refused-http-status' : 'error-confirmation');
  if (outcome.reason === 'error-confirmation') metrics.confirmationError('out', partner, outcome.errorData?.errorType);
}

type Recipient =
  | { readonly kind: 'partner'; readonly url: string; readonly auth: PartnerAuth; readonly version: ProtocolVersion }
  | { readonly kind: 'member' }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * Where a message goes. A partner entry wins: with an iso18626Url the message goes over HTTP
 * (also to a member library's symbol, which is how to force HTTP), and one that is not active is
 * refused. Otherwise a member library served here gets it through local-delivery.ts.
 */
async function recipientOf(deps: DeliveryDeps, to: string): Promise<Recipient> {
  const partner = await deps.directory.partner(to);
  if (partner?.iso18626Url) {
    return partner.status === 'active' ? { kind: 'partner', url: partner.iso18626Url, auth: partnerAuth(partner), version: partner.protocolVersion } : { kind: 'none', reason: `${to} is ${partner.status} in the directory` };
  }
  if (partner && partner.status !== 'active') return { kind: 'none', reason: `${to} is ${partner.status} in the directory` };
  if (await deps.directory.library(to)) return { kind: 'member' };
  return { kind: 'none', reason: `${to} has no ISO 18626 address in the directory` };
}

/**
 * A definite refusal. A refused `request` moves the rota on (the next supplier is asked), for a
 * borrowing request and for the broker hub alike; a refused relay of the hub is recorded on its
 * transaction. Any refused message but a `request` is final and puts the request in front of staff.
 */
async function refused(deps: DeliveryDeps, row: OutboxRow, requestId: string, payload: SendPayload, reason: string): Promise<void> {
  const request = await getRequest(deps.db, requestId);
  const event = request && refusalEvent(request.role, payload, reason);
  if (event) await changeRequest(deps, requestId, { input: event, actor: 'system:delivery' });
  if (payload.message.kind !== 'request') throw new PermanentJobFailure(`${payload.message.kind} ${describe(payload)} not delivered: ${reason}`);
}

/** What a refused delivery means to the machine of the row's role, if anything. */
export function refusalEvent(role: RequestRow['role'], payload: SendPayload, reason: string): AnyEvent | undefined {
  const message = payload.message;
  if (role === 'broker') {
    return message.kind === 'request'
      ? { role, event: { type: 'request_refused', reason, rotaIndex: message.rotaIndex } }
      : { role, event: { type: 'relay_refused', reason, toward: message.kind === 'supplyingAgencyMessage' ? 'requester' : 'supplier' } };
  }
  if (role === 'requester' && message.kind === 'request') return { role, event: { type: 'request_refused', reason, rotaIndex: message.rotaIndex } };
  return undefined;
}

function describe(payload: SendPayload): string {
  const m = payload.message;
  return m.kind === 'requestingAgencyMessage' ? `(${m.action})` : m.kind === 'supplyingAgencyMessage' ? `(${m.status})` : '';
}

function because(error: ErrorData | undefined): string {
  return error ? `: ${errorDataText(error)}` : '';
}
