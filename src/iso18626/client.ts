/**
 * HTTP client of a partner's ISO 18626 endpoint: POSTs one message and reads the synchronous
 * confirmation the standard requires in answer. The outcome says whether trying again can help:
 *
 * - `confirmed`: a confirmation with messageStatus OK;
 * - `refused` (a definite no): an ERROR confirmation, with its errorType, or an HTTP 4xx;
 * - `transient`: no connection, no answer in time, HTTP 5xx, 408 or 429, or an answer that is
 *   not a confirmation (a proxy's error page, a partner mid-upgrade).
 *
 * What a message is and what its outcome means for the request is the caller's business
 * (src/services/iso18626/delivery.ts); this is transport only.
 */
import { tryParseIso18626, type ConfirmationMessage, type ErrorData, type Iso18626Message } from '../../protocols/iso18626';
import { MAX_ANSWER_BYTES, postText, type HttpAnswer } from '../http-client';

export interface Iso18626Partner {
  /** The partner's ISO 18626 address. */
  readonly url: string;
  /** The partner's outbound HTTP headers (an API key, an Authorization header). */
  readonly httpHeaders?: Readonly<Record<string, string>>;
}

export interface Iso18626ClientOptions {
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  readonly maxAnswerBytes?: number;
}

/** What the partner answered, as received. */
export interface Iso18626Answer {
  readonly httpStatus: number;
  readonly responseXml: string;
}

export type Iso18626TransientReason = 'timeout' | 'connection' | 'http-status' | 'not-a-confirmation' | 'receiver-failure';

export type Iso18626Outcome =
  | (Iso18626Answer & { readonly kind: 'confirmed'; readonly confirmation: ConfirmationMessage })
  | (Iso18626Answer & {
      readonly kind: 'refused';
      readonly reason: 'error-confirmation';
      readonly confirmation: ConfirmationMessage;
      /** Why, in the protocol's words (absent when the partner said ERROR without errorData). */
      readonly errorData?: ErrorData;
      /** `UnsupportedActionType too late` (errorData as text), for the record. */
      readonly detail: string;
    })
  | (Iso18626Answer & {
      readonly kind: 'refused';
      readonly reason: 'http-status';
      /** A confirmation that came with the 4xx, if any, and its errorData. */
      readonly confirmation?: ConfirmationMessage;
      readonly errorData?: ErrorData;
      /** `HTTP 404`. */
      readonly detail: string;
    })
  | (Partial<Iso18626Answer> & {
      readonly kind: 'transient';
      readonly reason: Iso18626TransientReason;
      /** For the record, the same on every attempt that fails the same way: `connection failed (ECONNREFUSED)`. */
      readonly detail: string;
      /** For staff: `connection refused`, `it answers HTTP 503`. */
      readonly plain: string;
      /** Nothing answered at all (as opposed to answering badly). */
      readonly unreachable: boolean;
    });

/** Statuses that say "not now" rather than "no". */
const RETRY_LATER = new Set([408, 429]);

export async function sendIso18626(partner: Iso18626Partner, xml: string, options: Iso18626ClientOptions): Promise<Iso18626Outcome> {
  const maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const posted = await postText(partner.url, xml, {
    headers: { ...partner.httpHeaders, 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml, text/xml' },
    timeoutMs: options.timeoutMs,
    maxAnswerBytes,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (!posted.ok) return { kind: 'transient', reason: posted.failure.kind, detail: posted.failure.detail, plain: posted.failure.plain, unreachable: true };
  return classify(posted.answer, maxAnswerBytes);
}

/**
 * What an answer means, however it came: over HTTP, or from this server's own inbound handling
 * for a member library served here (src/services/iso18626/local-delivery.ts), read the same way.
 */
export function classify(answer: HttpAnswer, maxAnswerBytes: number = MAX_ANSWER_BYTES): Iso18626Outcome {
  const received: Iso18626Answer = { httpStatus: answer.status, responseXml: answer.body };
  const status = answer.status;
  if (status >= 500 || RETRY_LATER.has(status)) {
    return { ...received, kind: 'transient', reason: 'http-status', detail: `HTTP ${status}`, plain: `it answers HTTP ${status}`, unreachable: false };
  }
  const read = readConfirmation(answer, maxAnswerBytes);
  if (status >= 400) return { ...received, kind: 'refused', reason: 'http-status', detail: `HTTP ${status}`, ...withErrorData(read.confirmation) };
  if (!read.confirmation) return { ...received, kind: 'transient', reason: 'not-a-confirmation', detail: read.problem, plain: 'its answers are not ISO 18626 confirmations', unreachable: false };
  const confirmation = read.confirmation;
  if (confirmation.confirmationHeader.messageStatus !== 'ERROR') return { ...received, kind: 'confirmed', confirmation };
  return { ...received, kind: 'refused', reason: 'error-confirmation', ...withErrorData(confirmation), confirmation, detail: confirmation.errorData ? errorDataText(confirmation.errorData) : '' };
}

/** `UnsupportedActionType too late`: the errorType, then the partner's errorValue if any. */
export function errorDataText(error: ErrorData): string {
  return `${error.errorType}${error.errorValue ? ` ${error.errorValue}` : ''}`;
}

function withErrorData(confirmation: ConfirmationMessage | undefined): { confirmation?: ConfirmationMessage; errorData?: ErrorData } {
  if (!confirmation) return {};
  return { confirmation, ...(confirmation.errorData ? { errorData: confirmation.errorData } : {}) };
}

function readConfirmation(answer: HttpAnswer, maxAnswerBytes: number): { confirmation: ConfirmationMessage; problem?: undefined } | { confirmation?: undefined; problem: string } {
  if (answer.truncated) return { problem: `answered with more than ${maxAnswerBytes} bytes, not a confirmation` };
  const parsed = tryParseIso18626(answer.body);
  if (!parsed.ok) return { problem: `answered with something that is not ISO 18626 (${parsed.error.detail})` };
  const message = parsed.result.message;
  return isConfirmation(message) ? { confirmation: message } : { problem: `answered with a ${parsed.result.kind}, not a confirmation` };
}

function isConfirmation(message: Iso18626Message): message is ConfirmationMessage {
  return message.kind === 'requestConfirmation' || message.kind === 'supplyingAgencyMessageConfirmation' || message.kind === 'requestingAgencyMessageConfirmation';
}
