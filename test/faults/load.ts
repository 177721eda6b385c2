/**
 * The load: a batch of borrowing requests made through the borrower's staff API at a steady
 * pace, the way a client that retries sensibly would make them. A request that never reached
 * the server, or that was answered 5xx or 429, is sent again; one that got no answer after it
 * was sent is not (the server may have taken it), and is counted as unanswered.
 */
import { callApi, type CallOutcome } from './http';
import { LENDER_SYMBOL, type Instance } from './instances';

export interface BatchOptions {
  readonly borrower: Instance;
  readonly scenario: string;
  readonly count: number;
  readonly concurrency: number;
  readonly perSecond: number;
  /** How long one request may keep being retried. */
  readonly giveUpAfterMs: number;
}

export interface BatchResult {
  readonly submitted: number;
  /** Ids of the requests answered 201. */
  readonly accepted: readonly string[];
  /** Sent, but no answer came: the server may or may not have made them. */
  readonly unanswered: number;
  /** Answered with a status that retrying cannot change (4xx), or retried past the limit. */
  readonly refused: number;
  /** Sends that had to be repeated (refused connections, 5xx, 429). */
  readonly retries: number;
  /** The longest a single call waited for its answer, in seconds. */
  readonly slowestAnswerS: number;
  /** What went wrong, one line per kind, with how often. */
  readonly problems: ReadonlyMap<string, number>;
}

export interface Batch {
  /** Resolves once `n` requests have been sent for the first time. */
  whenSubmitted(n: number): Promise<void>;
  readonly done: Promise<BatchResult>;
}

export function borrowingRequest(scenario: string, i: number) {
  return {
    serviceType: 'Loan',
    bibliographic: { title: `Fault batch ${scenario} #${i}`, author: 'Suite, Fault', isbn: '9780060512750' },
    patron: { id: `P-${i}`, name: `Patron ${i}`, email: `patron-${i}@example.org` },
    pickupLocation: 'Main desk',
    candidates: [{ symbol: LENDER_SYMBOL }],
  };
}

const RETRY_PAUSE_MS = 250;
/** As long as the probe waited: a staff API answer that takes longer counts as none. */
const CALL_TIMEOUT_MS = 8_000;

export function startBatch(options: BatchOptions): Batch {
  const accepted: string[] = [];
  const problems = new Map<string, number>();
  const waiters: { n: number; resolve: () => void }[] = [];
  let submitted = 0;
  let unanswered = 0;
  let refused = 0;
  let retries = 0;
  let slowest = 0;
  let next = 0;
  const began = Date.now();

  const note = (problem: string) => problems.set(problem, (problems.get(problem) ?? 0) + 1);
  const firstSent = () => {
    submitted += 1;
    for (const w of waiters.filter((w) => w.n <= submitted)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };

  const sendOne = async (i: number) => {
    const body = borrowingRequest(options.scenario, i);
    const deadline = Date.now() + options.giveUpAfterMs;
    for (let attempt = 0; ; attempt++) {
      const sentAt = Date.now();
      const outcome: CallOutcome = await callApi(options.borrower.url, options.borrower.apiKey, 'POST', '/requests', body, CALL_TIMEOUT_MS);
      slowest = Math.max(slowest, Date.now() - sentAt);
      if (attempt === 0) firstSent();
      if (outcome.kind === 'answered' && outcome.status === 201) {
        accepted.push((outcome.body as { id: string }).id);
        return;
      }
      if (outcome.kind === 'no_answer') {
        note(`no answer: ${outcome.error}`);
        unanswered += 1;
        return;
      }
      const retryable = outcome.kind === 'not_sent' || outcome.status >= 500 || outcome.status === 429;
      note(outcome.kind === 'not_sent' ? `not sent: ${outcome.error}` : `HTTP ${outcome.status}: ${detailOf(outcome.body)}`);
      if (!retryable || Date.now() > deadline) {
        refused += 1;
        return;
      }
      retries += 1;
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  };

  const lane = async () => {
    while (next < options.count) {
      const i = next++;
      const slot = began + (i * 1000) / options.perSecond;
      if (slot > Date.now()) await new Promise((r) => setTimeout(r, slot - Date.now()));
      await sendOne(i);
    }
  };

  const done = Promise.all(Array.from({ length: options.concurrency }, lane)).then(
    (): BatchResult => ({ submitted, accepted, unanswered, refused, retries, slowestAnswerS: slowest / 1000, problems }),
  );
  return {
    whenSubmitted: (n) => (submitted >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    done,
  };
}

function detailOf(body: unknown): string {
  const problem = body as { title?: string; detail?: string } | undefined;
  const text = typeof body === 'string' ? body : (problem?.detail ?? problem?.title ?? JSON.stringify(body));
  return String(text).replace(/\s+/g, ' ').slice(0, 160);
}
