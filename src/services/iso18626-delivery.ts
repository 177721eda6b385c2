/**
 * Delivers one outbox row to a partner: build the ISO 18626 message, POST it, read the
 * synchronous confirmation, record both. Transient failures (connection refused, timeout, 5xx,
 * an answer that is not a confirmation) throw for BullMQ to retry with backoff; a definite
 * refusal (ERROR confirmation, 4xx, no partner address) is final.
 *
 * The header timestamp is the outbox row's creation time, so every retry sends the same bytes
 * and a partner that did get an earlier attempt recognises the duplicate.
 */
import { buildIso18626, tryParseIso18626, type ConfirmationMessage } from '../../protocols/iso18626';
import { PermanentJobFailure } from '../jobs';
import { findLibraryById } from '../store/libraries';
import { recordMessage } from '../store/messages';
import type { OutboxRow } from '../store/outbox';
import { findPartnerBySymbol } from '../store/partners';
import { getRequest } from '../store/requests';
import type { SendPayload } from './effects';
import { outboundMessage } from './iso18626-mapping';
import { applyEvent, type LifecycleDeps } from './lifecycle';
import { partnerAuth } from './partners';
import { brokerDeliveryRefused } from './broker';

export interface DeliveryDeps extends LifecycleDeps {
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

/** A retryable failure: BullMQ tries again later. */
export class TransientDeliveryFailure extends Error {
  override readonly name = 'TransientDeliveryFailure';
}

export async function deliverOutboxRow(deps: DeliveryDeps, row: OutboxRow): Promise<void> {
  const payload = row.payload as unknown as SendPayload;
  const request = row.requestId ? await getRequest(deps.db, row.requestId) : undefined;
  if (!request) throw new PermanentJobFailure(`outbox row ${row.id} has no request`);
  const partner = await findPartnerBySymbol(deps.db, payload.to);
  if (!partner?.iso18626Url) {
    return refused(deps, row, request.id, payload, `${payload.to} has no ISO 18626 address in the directory`);
  }
  if (partner.status !== 'active') return refused(deps, row, request.id, payload, `${payload.to} is ${partner.status} in the directory`);
  const auth = partnerAuth(partner);
  const library = request.libraryId ? await findLibraryById(deps.db, request.libraryId) : undefined;
  const message = outboundMessage(request, payload, {
    timestamp: row.createdAt,
    ...(library ? { libraryName: library.name } : {}),
    authentication: { ...(auth.outbound.accountId ? { accountId: auth.outbound.accountId } : {}), ...(auth.outbound.securityCode ? { securityCode: auth.outbound.securityCode } : {}) },
  });
  const xml = buildIso18626(message);

  const record = (fields: { status: string; responseXml?: string; httpStatus?: number; error?: string; parsed?: unknown }) =>
    recordMessage(deps.db, {
      id: deps.newId(),
      protocol: 'iso18626',
      direction: 'out',
      peer: payload.to,
      messageType: message.kind,
      requestId: request.id,
      outboxId: row.id,
      rawXml: xml,
      createdAt: deps.now(),
      status: fields.status,
      responseXml: fields.responseXml ?? null,
      httpStatus: fields.httpStatus ?? null,
      error: fields.error ?? null,
      parsed: fields.parsed ?? null,
    });

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
    const detail = describeFetchError(err, deps.timeoutMs);
    await record({ status: 'failed', error: detail });
    throw new TransientDeliveryFailure(`${payload.to}: ${detail}`);
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    await record({ status: 'failed', responseXml: body, httpStatus: response.status, error: `HTTP ${response.status}` });
    throw new TransientDeliveryFailure(`${payload.to} answered HTTP ${response.status}`);
  }
  const parsed = tryParseIso18626(body);
  const confirmation = parsed.ok ? (parsed.result.message as ConfirmationMessage) : undefined;
  if (response.status >= 400) {
    await record({ status: 'refused', responseXml: body, httpStatus: response.status, error: `HTTP ${response.status}` });
    return refused(deps, row, request.id, payload, `${payload.to} refused the message with HTTP ${response.status}${errorText(confirmation)}`);
  }
  if (!confirmation || !confirmation.kind.endsWith('Confirmation')) {
    const detail = parsed.ok ? `answered with a ${parsed.result.kind}, not a confirmation` : `answered with something that is not ISO 18626 (${parsed.error.detail})`;
    await record({ status: 'failed', responseXml: body, httpStatus: response.status, error: detail });
    throw new TransientDeliveryFailure(`${payload.to} ${detail}`);
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

function describeFetchError(err: unknown, timeoutMs: number): string {
  // AbortSignal.timeout rejects with a DOMException, which is not an Error subclass in every Node.
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `connection failed (${cause.code})` : `connection failed (${err instanceof Error ? err.message : String(err)})`;
}
