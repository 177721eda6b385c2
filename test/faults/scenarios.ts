/**
 * The faults, one per scenario, each struck while a batch is half sent. A fault returns the
 * problems it saw itself (a graceful stop that was not graceful); everything else is judged
 * from the counts afterwards.
 */
import type { Cluster } from './cluster';
import type { Pair } from './instances';

export interface World {
  readonly cluster: Cluster;
  readonly pair: Pair;
}

export interface Scenario {
  readonly name: string;
  /** The borrower runs its queue workers as a process of their own. */
  readonly separateWorker: boolean;
  /** The borrower keeps its data in the embedded PGlite database, as `npm start` does. */
  readonly embeddedBorrower: boolean;
  /**
   * What the client may expect of the borrower's answers:
   * - `all`: every request ends answered 201 (after retries of refused connections and 5xx),
   *   because the borrower's HTTP server stays up;
   * - `every-commit`: a graceful stop finishes what it took, so no request is committed without
   *   its answer (a connection still in the accept queue when the listener closes is reset
   *   unread: TCP does that, and nothing was done with it);
   * - `any`: a SIGKILL may cut anything short.
   */
  readonly answers: 'all' | 'every-commit' | 'any';
  /**
   * Roughly how long it runs, in seconds, only to spread scenarios evenly over lanes. A SIGKILL
   * costs a minute whatever the machine: the killed worker's jobs are taken back only when their
   * BullMQ locks (30 s) have expired and the next stalled-job check (every 30 s) has run.
   */
  readonly expectedS: number;
  fault(world: World): Promise<string[]>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Both instances lose their Redis at once; each comes back on its port and append-only file.
 * The outage is longer than the client waits for an answer, so a request that waits on Redis
 * shows as unanswered.
 */
async function redisOutage({ pair }: World): Promise<string[]> {
  await Promise.all([pair.borrower.redis.kill(), pair.lender.redis.kill()]);
  await pause(10_000);
  await Promise.all([pair.borrower.redis.start(), pair.lender.redis.start()]);
  return [];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'postgres restart -m immediate',
    separateWorker: false,
    embeddedBorrower: false,
    answers: 'all',
    expectedS: 30,
    fault: async ({ cluster }) => {
      await cluster.restartImmediately();
      return [];
    },
  },
  {
    name: 'redis SIGKILL, restart after 10 s',
    separateWorker: false,
    embeddedBorrower: false,
    answers: 'all',
    expectedS: 30,
    fault: redisOutage,
  },
  {
    name: 'borrower SIGKILL, restart',
    separateWorker: false,
    embeddedBorrower: false,
    answers: 'any',
    expectedS: 75,
    fault: async ({ pair }) => {
      await pair.borrower.server.signal('SIGKILL');
      await pause(1000);
      await pair.borrower.server.start();
      return [];
    },
  },
  {
    name: 'worker process SIGKILL, restart',
    separateWorker: true,
    embeddedBorrower: false,
    answers: 'all',
    expectedS: 75,
    fault: async ({ pair }) => {
      await pair.borrower.worker!.signal('SIGKILL');
      await pause(1000);
      await pair.borrower.worker!.start();
      return [];
    },
  },
  {
    name: 'borrower SIGTERM, restart',
    separateWorker: false,
    embeddedBorrower: false,
    answers: 'every-commit',
    expectedS: 25,
    fault: async ({ pair }) => {
      const exit = await pair.borrower.server.signal('SIGTERM');
      await pause(1000);
      await pair.borrower.server.start();
      return exit.code === 0 ? [] : [`SIGTERM did not end in a clean exit: ${exit.signal ?? `exit code ${exit.code}`}`];
    },
  },
  {
    name: 'lender down 6 s, back',
    separateWorker: false,
    embeddedBorrower: false,
    answers: 'all',
    expectedS: 25,
    fault: async ({ pair }) => {
      await pair.lender.server.signal('SIGTERM');
      await pause(6000);
      await pair.lender.server.start();
      return [];
    },
  },
  {
    // The embedded default: one PGlite connection, so a transaction held open across a Redis
    // call blocks every other request.
    name: 'redis SIGKILL, PGlite borrower',
    separateWorker: false,
    embeddedBorrower: true,
    answers: 'all',
    expectedS: 50,
    fault: redisOutage,
  },
];

/** Longest first, each to the lane with the least work so far. */
export function spreadOverLanes(scenarios: readonly Scenario[], count: number): Scenario[][] {
  const lanes = Array.from({ length: Math.min(count, scenarios.length) }, () => ({ work: 0, scenarios: [] as Scenario[] }));
  for (const scenario of [...scenarios].sort((a, b) => b.expectedS - a.expectedS)) {
    const lane = lanes.reduce((least, l) => (l.work < least.work ? l : least));
    lane.scenarios.push(scenario);
    lane.work += scenario.expectedS;
  }
  return lanes.map((l) => l.scenarios);
}
