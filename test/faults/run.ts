/**
 * `npm run faults [-- --json <file>] [--only <text>] [--requests <n>] [--drain-timeout <s>] [--lanes <n>] [--keep]`
 *
 * The fault-injection suite: for each scenario, a borrower and a lender (real processes,
 * `node dist/src/main.js`) on the suite's own PostgreSQL cluster and redis-servers; a batch of
 * borrowing requests; a fault struck mid-batch; then the counts, once everything has drained.
 * Prints one table, writes the JSON summary when asked, exits 1 when any scenario failed.
 *
 * Scenarios run in lanes side by side (three by default), each lane on a cluster of its own, so
 * that a PostgreSQL restart in one lane touches nothing in the other. Much of a scenario is
 * waiting (a killed worker's jobs are taken back only when their BullMQ locks expire), so lanes
 * cut the time even on two cores.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanUpOnSignals, cleanupAll, onCleanup } from './cleanup';
import { startCluster, type Cluster } from './cluster';
import { shipArrivals } from './drive';
import { makeAdminKey, startPair, type Templates } from './instances';
import { startBatch } from './load';
import { observe } from './observe';
import { SCENARIOS, spreadOverLanes, type Scenario } from './scenarios';
import { formatNotes, formatTable, summary, type Row } from './table';
import { clientProblems, failuresOf } from './verdict';

interface Options {
  readonly json?: string;
  readonly only?: string;
  readonly requests: number;
  readonly drainTimeoutS: number;
  readonly lanes: number;
  readonly keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at === -1 ? undefined : argv[at + 1];
  };
  return {
    ...(value('--json') ? { json: value('--json')! } : {}),
    ...(value('--only') ? { only: value('--only')! } : {}),
    requests: Number(value('--requests') ?? 100),
    drainTimeoutS: Number(value('--drain-timeout') ?? 120),
    lanes: Math.max(1, Number(value('--lanes') ?? 3)),
    keep: argv.includes('--keep'),
  };
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

async function makeTemplates(cluster: Cluster, folder: string): Promise<Templates> {
  const made = await Promise.all(
    (['borrower', 'lender'] as const).map(async (side) => {
      const database = `template_${side}`;
      await cluster.createDatabase(database);
      return { database, apiKey: await makeAdminKey(cluster.url(database), join(folder, `template-${side}`)) };
    }),
  );
  return { borrower: made[0]!, lender: made[1]! };
}

async function runScenario(scenario: Scenario, cluster: Cluster, templates: Templates, folder: string, options: Options): Promise<Row> {
  const slug = scenario.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  const dir = join(folder, slug);
  mkdirSync(dir, { recursive: true });
  const began = Date.now();
  const pair = await startPair(cluster, templates, {
    folder: dir,
    scenario: slug,
    separateWorker: scenario.separateWorker,
    embeddedBorrower: scenario.embeddedBorrower,
    // Every request logged costs CPU the servers need; the logs are read only when kept.
    logLevel: options.keep ? 'info' : 'warn',
  });
  say(`[${scenario.name}] ready in ${seconds(began)} s`);
  const staff = shipArrivals(pair.lender);
  const observer = observe(pair);
  try {
    const batch = startBatch({ borrower: pair.borrower, scenario: slug, count: options.requests, concurrency: 4, perSecond: 20, giveUpAfterMs: 60_000 });
    await batch.whenSubmitted(Math.round(options.requests * 0.4));
    say(`[${scenario.name}] fault struck`);
    const faultProblems = await scenario.fault({ cluster, pair });
    const result = await batch.done;
    const quiet = Date.now();
    say(`[${scenario.name}] ${result.accepted.length}/${result.submitted} accepted at ${seconds(began)} s; waiting for the work to drain`);
    let drainedIn: number | undefined;
    while (Date.now() - quiet < options.drainTimeoutS * 1000) {
      try {
        if (await observer.drainedNow(result.accepted)) {
          drainedIn = (Date.now() - quiet) / 1000;
          break;
        }
      } catch {
        // a database restarting (or down for good): look again
      }
      await pause(1000);
    }
    await staff.stop();
    for (const p of [...pair.borrower.processes, ...pair.lender.processes]) await p.settled();
    // Counted once stopped: an embedded database can only be read then, and nothing moves.
    await pair.stop();
    const counts = await observer.countStopped(result.accepted);
    say(`[${scenario.name}] done in ${seconds(began)} s`);
    const crashes = [...pair.borrower.processes, ...pair.lender.processes].flatMap((p) => p.crashes);
    const failures = failuresOf({ scenario, batch: result, counts, drainedIn, drainTimeoutS: options.drainTimeoutS, crashes, faultProblems });
    return {
      scenario: scenario.name,
      requests: result.submitted,
      accepted: result.accepted.length,
      atLender: counts.atLender,
      missing: counts.missing,
      duplicates: counts.duplicates,
      deadRows: counts.deadRows,
      duplicateMails: counts.duplicateMails,
      drainedIn,
      drainTimeoutS: options.drainTimeoutS,
      failures,
      clientSaw: clientProblems(result),
    };
  } finally {
    await staff.stop();
    await pair.stop();
    await observer.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** One lane: its own cluster and templates, then its scenarios one after the other. */
async function runLane(lane: readonly Scenario[], folder: string, options: Options, results: Map<Scenario, Row>): Promise<void> {
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({ keep: options.keep });
    const templates = await makeTemplates(cluster, folder);
    for (const scenario of lane) {
      say(`[${scenario.name}] starting`);
      try {
        results.set(scenario, await runScenario(scenario, cluster, templates, folder, options));
      } catch (err) {
        results.set(scenario, failedToRun(scenario, options, err));
      }
    }
  } catch (err) {
    for (const scenario of lane) if (!results.has(scenario)) results.set(scenario, failedToRun(scenario, options, err));
  } finally {
    cluster?.stop();
  }
}

function failedToRun(scenario: Scenario, options: Options, err: unknown): Row {
  return {
    scenario: scenario.name,
    requests: 0,
    accepted: 0,
    atLender: 0,
    missing: 0,
    duplicates: 0,
    deadRows: 0,
    duplicateMails: 0,
    drainedIn: undefined,
    drainTimeoutS: options.drainTimeoutS,
    failures: [`could not run: ${(err as Error).message.split('\n').slice(0, 4).join(' | ')}`],
    clientSaw: [],
  };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  cleanUpOnSignals();
  const began = Date.now();
  const folder = mkdtempSync(join(tmpdir(), 'ill-faults-'));
  if (!options.keep) onCleanup('the suite folder', () => rmSync(folder, { recursive: true, force: true }));
  else say(`keeping logs and data under ${folder}`);
  const scenarios = SCENARIOS.filter((s) => !options.only || s.name.includes(options.only));
  say(`fault suite: ${scenarios.length} scenarios, ${options.requests} requests each`);
  const lanes = spreadOverLanes(scenarios, options.lanes);
  const results = new Map<Scenario, Row>();
  await Promise.all(lanes.map((lane, n) => runLane(lane, join(folder, `lane-${n + 1}`), options, results)));
  const rows = scenarios.map((s) => results.get(s)!);
  process.stdout.write(`\n${formatTable(rows)}\n`);
  const notes = formatNotes(rows);
  if (notes) process.stdout.write(`\n${notes}\n`);
  const result = summary(rows);
  process.stdout.write(`\nfault suite: ${result.passed} passed, ${result.failed} failed in ${Math.round((Date.now() - began) / 1000)} s\n`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    cleanupAll();
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`fault suite could not run: ${(err as Error).stack ?? String(err)}\n`);
    cleanupAll();
    process.exit(1);
  },
);
