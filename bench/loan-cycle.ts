/**
 * Whole loans between two full servers on PostgreSQL, as staff drive them through the staff API:
 * the borrower's staff make a request routed to the other server, whose staff will supply and
 * ship it; the borrower receives it, lends it to the patron, takes it back and ships it home; the
 * lender checks it in and completes the loan. Loans per second completed, and per step the time
 * until the staff API answered and until the other side reached the state the step leads to
 * (issue 14: >= 100 loans/s).
 *
 *   npm run bench loan-cycle
 *
 * Each server runs in its own child process (`startService` with its defaults: workers
 * in-process, the outbox relay), with its own database and queue prefix on one private
 * redis-server. Each serves one library and lists the other as its partner (DIRECTORY_FILE, a
 * shared secret each way); half the loans go each way. BENCH_LOANS loans are in flight at once
 * (default 50), each step waiting for the last; the window of BENCH_SECONDS (default 8, longer if
 * a loan takes longer) opens once every lane has finished a loan (at least 3 s in), and closes on
 * loans still in flight, which finish before the servers stop. States are read from the
 * databases every few milliseconds, not through the servers measured. BENCH_DATABASE_URL as for
 * iso18626-inbound; without PostgreSQL the benchmark says so and measures nothing. Figures are
 * printed, never asserted; the exit code is non-zero only when a loan failed.
 */
import { startRedisServer, freeLoopbackPort } from '../workers/redis-server';
import { startServerProcess } from './support/child';
import { withCleanup, type Cleanup } from './support/cleanup';
import { percentile } from './support/load';
import { freshDatabase, postgresOrNote } from './support/postgres';
import { LOOK_EVERY_MS, RequestWatch, type Seen } from './support/request-watch';
import { StaffApi } from './support/staff-api';
import { count, ms, printTable, verdict } from './support/table';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 3;
const LOANS_IN_FLIGHT = Number(process.env.BENCH_LOANS ?? 50);
const AIM_LOANS_PER_SECOND = 100;
/** Longest a step may take to reach the other side before its loan counts as failed. */
const STEP_TIMEOUT_MS = 60_000;
const DUE_DATE = new Date(Date.now() + 60 * 86_400_000).toISOString();

interface Side {
  readonly name: string;
  readonly symbol: string;
  readonly api: StaffApi;
  readonly watch: RequestWatch;
}

/** Each step of a loan, in order: who takes it, and what the other side then shows. */
const STEPS = [
  { step: 'request', by: 'borrower', reaches: 'lender: validated' },
  { step: 'will_supply', by: 'lender', reaches: 'borrower: will_supply' },
  { step: 'ship', by: 'lender', reaches: 'borrower: shipped' },
  { step: 'mark_received', by: 'borrower' },
  { step: 'check_out', by: 'borrower' },
  { step: 'mark_returned', by: 'borrower' },
  { step: 'ship_return', by: 'borrower', reaches: 'lender: returned_by_borrower' },
  { step: 'check_in', by: 'lender' },
  { step: 'complete', by: 'lender', reaches: 'borrower: complete' },
] as const;
type Step = (typeof STEPS)[number]['step'];

/**
 * What was measured inside the window. It opens once every lane has finished its first loan
 * (and not before the warm-up time): the pipeline is then full. It lasts BENCH_SECONDS, or as
 * long as those first loans took if that is longer: lanes that started together stay roughly in
 * step, and a window shorter than a loan would see some steps only. Latencies are of the steps
 * that started in it. Throughput counts the steps that finished in it, divided by the steps of a
 * loan: in a steady state that is the rate of loans completed, without its error of up to one
 * loan per lane.
 */
class Tally {
  readonly answered = new Map<Step, number[]>();
  readonly reached = new Map<Step, number[]>();
  readonly loans: number[] = [];
  stepsDone = 0;
  failed = 0;
  firstFailure = '';
  from = Infinity;
  to = Infinity;
  private warm = 0;
  private readonly began = performance.now();

  constructor(private readonly lanes: number) {}

  laneWarm(): void {
    if (++this.warm !== this.lanes) return;
    const now = performance.now();
    this.from = Math.max(now, this.began + WARMUP_SECONDS * 1000);
    this.to = this.from + Math.max(SECONDS * 1000, now - this.began);
  }

  get seconds(): number {
    return (this.to - this.from) / 1000;
  }

  inWindow = (at: number) => at >= this.from && at < this.to;

  step(step: Step, started: number, answered: number, reached: number | undefined): void {
    if (this.inWindow(reached ?? answered)) this.stepsDone++;
    if (!this.inWindow(started)) return;
    const add = (into: Map<Step, number[]>, at: number) => (into.get(step) ?? into.set(step, []).get(step)!).push(at - started);
    add(this.answered, answered);
    if (reached !== undefined) add(this.reached, reached);
  }

  loan(began: number, done: number): void {
    if (this.inWindow(done)) this.loans.push(done - began);
  }
}

/** One loan, `borrower` borrowing from `lender`; every step waits for the one before. */
async function loan(borrower: Side, lender: Side, tally: Tally): Promise<void> {
  const began = performance.now();
  const request = await borrower.api.createRequest({
    serviceType: 'Loan',
    bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.', isbn: '9780060512750' },
    patron: { id: 'P-77', name: 'Shevek', email: 'shevek@example.org' },
    pickupLocation: 'Main desk',
    candidates: [{ symbol: lender.symbol }],
  });
  const created = performance.now();
  const lending = await lender.watch.arrival(borrower.symbol, request.requestingAgencyRequestId, 'validated');
  tally.step('request', began, created, lending.at);

  /** Takes the action, then waits for the other side to show it; the versions are each side's own. */
  const step = async (name: Step, side: Side, id: string, version: number, reach?: () => Promise<Seen>, params?: Record<string, unknown>) => {
    const started = performance.now();
    const view = await side.api.act(id, name, version, params);
    const answered = performance.now();
    const seen = reach ? await reach() : undefined;
    tally.step(name, started, answered, seen?.at);
    return { ours: view.version, theirs: seen?.version ?? NaN };
  };
  const willSupply = await step('will_supply', lender, lending.id, lending.version, () => borrower.watch.state(request.id, 'will_supply'));
  const shipped = await step('ship', lender, lending.id, willSupply.ours, () => borrower.watch.state(request.id, 'shipped'), { dueDate: DUE_DATE });
  let borrowerVersion = shipped.theirs;
  for (const name of ['mark_received', 'check_out', 'mark_returned'] as const) borrowerVersion = (await step(name, borrower, request.id, borrowerVersion)).ours;
  const returned = await step('ship_return', borrower, request.id, borrowerVersion, () => lender.watch.state(lending.id, 'returned_by_borrower'));
  const checkedIn = await step('check_in', lender, lending.id, returned.theirs);
  await step('complete', lender, lending.id, checkedIn.ours, () => borrower.watch.state(request.id, 'complete'));
  tally.loan(began, performance.now());
}

/** Keeps one loan at a time going until the window closes; a failed loan is counted and the lane goes on. */
async function lane(borrower: Side, lender: Side, tally: Tally): Promise<void> {
  for (let first = true; performance.now() < tally.to; first = false) {
    try {
      await loan(borrower, lender, tally);
    } catch (err) {
      tally.failed++;
      tally.firstFailure ||= err instanceof Error ? err.message : String(err);
    }
    if (first) tally.laneWarm();
  }
}

const secret = (from: string) => `bench-secret-from-${from}`;

/** Starts both servers, each knowing the other as its partner; returns their sides. */
async function startPair(cleanup: Cleanup, postgres: string, redisUrl: string): Promise<[Side, Side]> {
  const names = ['a', 'b'] as const;
  const symbols = { a: 'ISIL:BENCH-A', b: 'ISIL:BENCH-B' };
  const ports = { a: await freeLoopbackPort(), b: await freeLoopbackPort() };
  const databases = { a: await freshDatabase(postgres, cleanup), b: await freshDatabase(postgres, cleanup) };
  const other = (n: 'a' | 'b') => (n === 'a' ? 'b' : 'a');
  const servers = await Promise.all(
    names.map(async (n) => {
      const o = other(n);
      const server = await startServerProcess({
        kind: 'full',
        name: `loans-${n}`,
        databaseUrl: databases[n],
        redisUrl,
        port: ports[n],
        adminKey: true,
        directory: {
          libraries: [{ symbol: symbols[n], name: `Benchmark library ${n.toUpperCase()}` }],
          partners: [
            {
              symbol: symbols[o],
              name: `Benchmark library ${o.toUpperCase()}`,
              iso18626Url: `http://127.0.0.1:${ports[o]}/iso18626`,
              auth: { inbound: { securityCode: secret(symbols[o]) }, outbound: { securityCode: secret(symbols[n]) } },
            },
          ],
        },
      });
      cleanup.add(() => server.stop());
      return server;
    }),
  );
  return names.map((n, i) => {
    const api = new StaffApi(servers[i]!.url, servers[i]!.apiKey!);
    const watch = new RequestWatch(databases[n], STEP_TIMEOUT_MS);
    cleanup.add(async () => {
      api.close();
      await watch.close();
    });
    return { name: n.toUpperCase(), symbol: symbols[n], api, watch };
  }) as [Side, Side];
}

async function main(): Promise<void> {
  const notes: string[] = [];
  let result: { tally: Tally; conflicts: number } | undefined;
  await withCleanup(async (cleanup) => {
    const postgres = await postgresOrNote(cleanup, notes, 'the loan cycle (PostgreSQL only)');
    if (!postgres) return;
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const [a, b] = await startPair(cleanup, postgres, redis.url);
    const tally = new Tally(LOANS_IN_FLIGHT);
    // Half the lanes borrow each way: both servers are borrower and lender at once.
    await Promise.all(Array.from({ length: LOANS_IN_FLIGHT }, (_, i) => (i % 2 === 0 ? lane(a, b, tally) : lane(b, a, tally))));
    result = { tally, conflicts: a.api.conflicts + b.api.conflicts };
  });
  if (result) report(result.tally, result.conflicts);
  for (const note of notes) console.log(note);
  if (result && result.tally.failed > 0) process.exit(1);
}

function report(tally: Tally, conflicts: number): void {
  const latency = (samples: readonly number[] | undefined) => (samples && samples.length > 0 ? `${ms(percentile(samples, 0.5))} / ${ms(percentile(samples, 0.99))}` : '-');
  console.log(
    `Loan cycle: two full servers on PostgreSQL, ${LOANS_IN_FLIGHT} loans in flight (half each way), ${tally.seconds.toFixed(1)} s once each had finished a loan, ` +
      `states read every ${LOOK_EVERY_MS} ms, node ${process.version}`,
  );
  printTable(
    ['step', 'by', 'answered p50 / p99 ms', 'then', 'reached p50 / p99 ms', 'steps'],
    [
      ...STEPS.map((s) => [s.step, s.by, latency(tally.answered.get(s.step)), 'reaches' in s ? s.reaches : '-', 'reaches' in s ? latency(tally.reached.get(s.step)) : '-', count(tally.answered.get(s.step)?.length ?? 0)]),
      ['whole loan', '', '-', 'borrower: complete', latency(tally.loans), count(tally.loans.length)],
    ],
    'llrlrr',
  );
  console.log('');
  const perSecond = tally.stepsDone / STEPS.length / tally.seconds;
  printTable(
    ['aim (issue 14)', 'measured', 'verdict'],
    [[`>= ${AIM_LOANS_PER_SECOND} loans/s on PostgreSQL`, `${perSecond.toFixed(1)} loans/s (${count(tally.stepsDone)} steps in ${tally.seconds.toFixed(1)} s; ${count(tally.loans.length)} loans completed in it)`, verdict(perSecond >= AIM_LOANS_PER_SECOND)]],
  );
  if (conflicts > 0) console.log(`${count(conflicts)} staff actions met a newer version (409) and were taken again on it`);
  if (tally.failed > 0) console.log(`${count(tally.failed)} loans FAILED; the first: ${tally.firstFailure}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
