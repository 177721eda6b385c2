/**
 * One JSON call to a staff API, on a fresh connection each time: a kept-alive socket that the
 * server closed in between would turn "never sent" into "no answer", and the load must tell
 * the two apart to know when a retry is safe.
 */
import { request } from 'node:http';

export type CallOutcome =
  /** The server answered (any status). */
  | { readonly kind: 'answered'; readonly status: number; readonly body: unknown }
  /** Nothing reached the server (connection refused): safe to send again. */
  | { readonly kind: 'not_sent'; readonly error: string }
  /** Sent, but no answer came (reset, timeout): the server may or may not have acted on it. */
  | { readonly kind: 'no_answer'; readonly error: string };

export function callApi(baseUrl: string, apiKey: string, method: 'GET' | 'POST', path: string, body: unknown, timeoutMs: number): Promise<CallOutcome> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let connected = false;
    const req = request(
      new URL(`/api/v1${path}`, baseUrl),
      {
        method,
        agent: false,
        headers: { authorization: `Bearer ${apiKey}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => resolve({ kind: 'no_answer', error: err.message }));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ kind: 'answered', status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(connected ? { kind: 'no_answer', error: err.message } : { kind: 'not_sent', error: err.code ?? err.message });
    });
    req.end(payload);
  });
}
