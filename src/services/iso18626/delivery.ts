/**
 * Delivers one outbox row to a partner: build the ISO 18626 message, POST it, read the
 * synchronous confirmation, record both. Transient failures (connection refused, timeout, 5xx,
 * an answer that is not a confirmation) throw for BullMQ to retry with backoff; a definite
 * refusal (ERROR confirmation, 4xx, no partner address) is final.
 *
 * The header timestamp is the outbox row's creation time, so every retry sends the same bytes
 * and a partner that did get an earlier attempt recognises the duplicate. The message is recorded
 * once, with its attempts counted (delivery-attempts.ts); a partner failing for longer than
 * DELIVERY_ATTENTION_AFTER_MS puts the request in front of staff while the retries go on.
 */
import { buildIso18626, tryParseIso18626, type ConfirmationMessage } from '../../../protocols/iso18626';
import { PermanentJobFailure } from '../../jobs';
import type { OutboxRow } from '../../store/outbox';
import { getRequest } from '../../store/requests';
import { recordAttempt, type AttemptOutcome } from './delivery-attempts';
import type { DeliveryProblem, RetryPolicy } from './delivery-attention';
import type { SendPayload } from '../pipeline/effects';
import { outboundMessage } from './mapping';
import { applyEvent, type LifecycleDeps } from '../pipeline/pipeline';
import { partnerAuth } from '../directory/partner-auth';
import { brokerDeliveryRefused } from '../broker/hub';

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
  const payload = row.payload as unknown as SendPayload;
  const request = row.requestId ? await getRequest(deps.db, row.requestId) : undefined;
  if (!request) throw new PermanentJobFailure(`outbox row ${row.id} has no request`);
  const partner = await deps.directory.partner(payload.to);
  if (!partner?.iso18626Url) {
    return refused(deps, row, request.id, payload, `${payload.to} has no ISO 18626 address in the directory`);
  }
  if (partner.status !== 'active') return refused(deps, row, request.id, payload, `${payload.to} is ${partner.status} in the directory`);
  const auth = partnerAuth(partner);
  const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
  const message = outboundMessage(request, payload, {
    timestamp: row.createdAt,
    ...(library ? { libraryName: library.name } : {}),
    authentication: { ...(auth.outbound.accountId ? { accountId: auth.outbound.accountId } : {}), ...(auth.outbound.securityCode ? { securityCode: auth.outbound.securityCode } : {}) },
  });
  const xml = buildIso18626(message);

  const record = (outcome: AttemptOutcome) => recordAttempt(deps, { row, payload, requestId: request.id, messageType: message.kind, xml, ...options }, outcome);
  const transient = async (outcome: Omit<AttemptOutcome, 'status'> & { error: string; problem: DeliveryProblem }) => {
    await record({ status: 'failed', ...outcome });
    return new TransientDeliveryFailure(`${payload.to}: ${outcome.error}`);
  };

  let response: Response;
  let body: string;
  try {
    response = await (deps.fetch ?? fetch)(partner.iso18626Url, {
      method: 'POST',
      headers: { ...auth.outbound.httpHeaders, 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml, text/xml' },
      body: xml,
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    body = await response.text();
  } catch (err) {
    throw await transient(fetchFailure(err, deps.timeoutMs));
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    throw await transient({ responseXml: body, httpStatus: response.status, error: `HTTP ${response.status}`, problem: { plain: `it answers HTTP ${response.status}`, unreachable: false } });
  }
  const parsed = tryParseIso18626(body);
  const confirmation = parsed.ok ? (parsed.result.message as ConfirmationMessage) : undefined;
  if (response.status >= 400) {
    await record({ status: 'refused', responseXml: body, httpStatus: response.status, error: `HTTP ${response.status}` });
    return refused(deps, row, request.id, payload, `${payload.to} refused the message with HTTP ${response.status}${errorText(confirmation)}`);
  }
  if (!confirmation || !confirmation.kind.endsWith('Confirmation')) {
    const detail = parsed.ok ? `answered with a ${parsed.result.kind}, not a confirmation` : `answered with something that is not ISO 18626 (${parsed.error.detail})`;
    throw await transient({ responseXml: body, httpStatus: response.status, error: detail, problem: { plain: 'its answers are not ISO 18626 confirmations', unreachable: false } });
  }
  if (confirmation.confirmationHeader.messageStatus === 'ERROR') {
    await record({ status: 'refused', responseXml: body, httpStatus: response.status, parsed: confirmation, error: errorText(confirmation).slice(2) });
    return refused(deps, row, request.id, payload, `${payload.to} answered ERROR${errorText(confirmation)}`);
  }
  await record({ status: 'confirmed', responseXml: body, httpStatus: response.status, parsed: confirmation });
}

/**
 * A definite refusal. A refused `request` moves the rota on (the next supplier is asked);
 * any other refused message is final and puts the request in front of staff.
 */
async function refused(deps: DeliveryDeps, row: OutboxRow, requestId: string, payload: SendPayload, reason: string): Promise<void> {
  // The broker hub's own rows: a refused request moves its rota; a refused relay is recorded, then fails below.
  if ((await brokerDeliveryRefused(deps, requestId, payload, reason)) && payload.message.kind === 'request') return;
  if (payload.message.kind === 'request') {
    await applyEvent(deps, requestId, { role: 'requester', event: { type: 'request_refused', reason, rotaIndex: payload.message.rotaIndex } }, { actor: 'system:delivery' });
    return;
  }
  throw new PermanentJobFailure(`${payload.message.kind} ${describe(payload)} not delivered: ${reason}`);
}

function describe(payload: SendPayload): string {
  const m = payload.message;
  return m.kind === 'requestingAgencyMessage' ? `(${m.action})` : m.kind === 'supplyingAgencyMessage' ? `(${m.status})` : '';
}

function errorText(confirmation: ConfirmationMessage | undefined): string {
  const error = confirmation?.errorData;
  return error ? `: ${error.errorType}${error.errorValue ? ` ${error.errorValue}` : ''}` : '';
}

/** What staff read for the system error codes a partner's address can give. */
const CONNECTION_PROBLEMS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

function fetchFailure(err: unknown, timeoutMs: number): { error: string; problem: DeliveryProblem } {
  // AbortSignal.timeout rejects with a DOMException, which is not an Error subclass in every Node.
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { error: `no answer within ${timeoutMs} ms`, problem: { plain: `no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`, unreachable: true } };
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const error = code ? `connection failed (${code})` : `connection failed (${err instanceof Error ? err.message : String(err)})`;
  return { error, problem: { plain: (code && CONNECTION_PROBLEMS[code]) ?? error, unreachable: true } };
}
