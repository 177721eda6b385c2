/**
 * Load on POST /iso18626 over loopback, bounded, checking every answer: autocannon closed loop
 * for the peak (for a time, or a number of messages), and a paced open loop for the latency at a
 * given rate. Only OK confirmations count as work done.
 */
import { Agent, request } from 'node:http';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

export const CONNECTIONS = 10;

export interface Measure {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** An ERROR confirmation is HTTP 200 too: the text decides. */
class AnswerCheck {
  bad = 0;
  sample = '';
  see(status: number, text: string): void {
    if (status === 200 && text.includes('<messageStatus>OK</messageStatus>')) return;
    this.bad++;
    this.sample ||= `HTTP ${status}: ${text.slice(0, 600)}`;
  }
  assert(url: string, extra = ''): void {
    if (this.bad > 0 || extra) throw new Error(`${url}: ${this.bad} answers were not OK confirmations${extra}\n${this.sample}`);
  }
}

/** Closed loop, as fast as the server answers: for `seconds`, or until `amount` messages are answered. */
export async function saturate(url: string, until: { readonly seconds: number } | { readonly amount: number }, body: () => string): Promise<Measure> {
  const check = new AnswerCheck();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    ...('seconds' in until ? { duration: until.seconds } : { amount: until.amount }),
    requests: [
      {
        method: 'POST',
        path: '/iso18626',
        headers: { 'content-type': 'application/xml' },
        setupRequest: (request) => ({ ...request, body: body() }),
        onResponse: (status, text) => check.see(status, text),
      },
    ],
  });
  check.assert(url, result.errors > 0 || result.non2xx > 0 ? `, ${result.non2xx} non-2xx, ${result.errors} connection errors/timeouts` : '');
  const perSecond = 'seconds' in until ? result.requests.average : result.requests.total / (result.duration || 1);
  return { perSecond, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * Open loop at a fixed rate, evenly spaced, over at most CONNECTIONS keep-alive sockets. Not
 * autocannon's overallRate: it sends each connection's quota for the second back to back and
 * then waits for the next second (bursts at peak rate), and its coordinated-omission correction
 * assumes a 1 ms interval, multiplying every slow answer. Latency here runs from the moment a
 * request was due, so a server (or client) falling behind shows in it.
 */
export async function paced(url: string, seconds: number, rate: number, body: () => string): Promise<Measure> {
  const check = new AnswerCheck();
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL('/iso18626', url);
  const latencies: number[] = [];
  let failures = 0;
  const post = (xml: string, due: number) =>
    new Promise<void>((resolve) => {
      const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          latencies.push(performance.now() - due);
          check.see(res.statusCode ?? 0, text);
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(xml);
    });
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const ahead = due - performance.now();
    // Always yield: a loop that is behind must still let the answers in and the sockets write.
    await (ahead >= 1 ? sleep(ahead) : nextTurn());
    sent.push(post(body(), due));
  }
  // Bounded: a server far slower than the rate gets 10 s to catch up, then its sockets are cut.
  const cut = setTimeout(() => agent.destroy(), 10_000);
  await Promise.all(sent);
  clearTimeout(cut);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  check.assert(url, failures > 0 ? `, ${failures} requests failed or were cut` : '');
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/** The q-quantile (nearest rank) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}
