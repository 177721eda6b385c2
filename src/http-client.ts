/**
 * What the two protocol clients (src/iso18626/client.ts, src/ncip/client.ts) and the catalogue's
 * SRU client (src/catalog/sru-client.ts) share: one POST (a GET for SRU) to a peer with a time limit, the answer read up to a size limit, and a failure to get one said the
 * same way for both, in the words staff read. What the answer means is each client's business.
 */

/**
 * The most of an answer that is read. A confirmation is a few hundred bytes and an NCIP answer
 * rarely more than a few kB; a peer answering with megabytes is broken, and must not fill memory.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface PostOptions {
  readonly headers: Readonly<Record<string, string>>;
  /** For the whole exchange: connecting, sending and reading the answer. */
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  readonly maxAnswerBytes?: number;
}

export interface HttpAnswer {
  readonly status: number;
  /** The Content-Type header, '' when there was none. */
  readonly contentType: string;
  /** UTF-8, as fetch's `text()` reads it; only the first `maxAnswerBytes` when `truncated`. */
  readonly body: string;
  /** The answer was longer than `maxAnswerBytes`; the rest was not read. */
  readonly truncated: boolean;
}

/** No answer at all. `detail` is for the record (stable across attempts), `plain` for staff. */
export type PostFailure =
  | { readonly kind: 'timeout'; readonly detail: string; readonly plain: string }
  | { readonly kind: 'connection'; readonly code?: string; readonly detail: string; readonly plain: string };

export type PostResult = { readonly ok: true; readonly answer: HttpAnswer } | { readonly ok: false; readonly failure: PostFailure };

export function postText(url: string, body: string, options: PostOptions): Promise<PostResult> {
  return exchange(url, { method: 'POST', headers: { ...options.headers }, body }, options);
}

export type GetOptions = Omit<PostOptions, 'headers'> & { readonly headers?: Readonly<Record<string, string>> };

/** A GET with the same time limit, size limit and failures as `postText` (catalogue lookups over SRU). */
export function getText(url: string, options: GetOptions): Promise<PostResult> {
  return exchange(url, { method: 'GET', headers: { ...options.headers } }, options);
}

async function exchange(url: string, init: RequestInit, options: GetOptions): Promise<PostResult> {
  try {
    const response = await (options.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
    const { text, truncated } = await readAnswer(response, options.maxAnswerBytes ?? MAX_ANSWER_BYTES);
    return { ok: true, answer: { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text, truncated } };
  } catch (err) {
    return { ok: false, failure: describeFetchError(err, options.timeoutMs) };
  }
}

/** What staff read for the system error codes a peer's address can give. */
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

/**
 * A rejected fetch, as a failure. Duck-typed: AbortSignal.timeout rejects with a DOMException,
 * which is not an Error subclass in every Node, and errors from another realm (test sandboxes)
 * defeat instanceof. fetch says only "fetch failed"; the reason is in `cause`.
 */
export function describeFetchError(err: unknown, timeoutMs: number): PostFailure {
  const { name, message, cause } = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'timeout', detail: `no answer within ${timeoutMs} ms`, plain: `no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}` };
  }
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const text = typeof cause?.message === 'string' ? cause.message : typeof message === 'string' ? message : String(err);
  const detail = `connection failed (${code ?? text})`;
  return { kind: 'connection', ...(code !== undefined ? { code } : {}), detail, plain: (code !== undefined ? CONNECTION_PROBLEMS[code] : undefined) ?? detail };
}

async function readAnswer(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      // The rest is not wanted; a stream that fails while being cancelled changes nothing.
      await reader.cancel().catch(() => undefined);
      return { text: decode(chunks), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: decode(chunks), truncated: false };
}

/** As fetch's `text()`: UTF-8 whatever the charset says, a byte order mark dropped. */
function decode(chunks: readonly Uint8Array[]): string {
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}
