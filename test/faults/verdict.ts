/**
 * Judging one scenario from what was measured: pure, so the rules are in one place and read
 * as the suite's specification.
 */
import { NOTICES_PER_REQUEST, type Counts } from './counts';
import type { BatchResult } from './load';
import type { Crash } from './processes';
import type { Scenario } from './scenarios';

export interface Measured {
  readonly scenario: Scenario;
  readonly batch: BatchResult;
  readonly counts: Counts;
  /** Seconds from the end of the batch and the fault until everything settled; undefined: never. */
  readonly drainedIn: number | undefined;
  readonly drainTimeoutS: number;
  readonly crashes: readonly Crash[];
  readonly faultProblems: readonly string[];
}

export function failuresOf(m: Measured): string[] {
  const { batch, counts } = m;
  const failures: string[] = [];
  for (const crash of m.crashes) failures.push(`${crash.process} exited unasked (${crash.signal ?? `exit code ${crash.code}`}): ${crash.why}`);
  failures.push(...m.faultProblems);
  const notAccepted = batch.submitted - batch.accepted.length;
  if (m.scenario.answers === 'all' && notAccepted > 0) {
    failures.push(`${notAccepted} of ${batch.submitted} requests were not accepted (${batch.unanswered} unanswered, ${batch.refused} refused)`);
  }
  if (m.scenario.answers === 'every-commit' && counts.committedUnanswered > 0) {
    failures.push(`${counts.committedUnanswered} requests were made but their answer was cut off`);
  }
  if (counts.missing > 0) {
    failures.push(`${counts.missing} borrowing requests never reached the lender${counts.lost > 0 ? ` (${counts.lost} answered 201 are not in the borrower's database)` : ''}`);
  }
  if (counts.duplicates > 0) failures.push(`${counts.duplicates} duplicate lending requests at the lender`);
  if (counts.deadRows > 0) failures.push(`${counts.deadRows} dead outbox rows`);
  if (counts.duplicateMails > 0) failures.push(`${counts.duplicateMails} patron mails sent twice for the same request and notice (${counts.mailedTwice.join(', ')})`);
  if (m.drainedIn !== undefined && counts.outstanding > 0) {
    failures.push(`${counts.outstanding} outbox rows still due after the drain: ${counts.outstandingRows.join('; ')}`);
  }
  if (m.drainedIn === undefined) {
    failures.push(
      `not drained within ${m.drainTimeoutS} s: ${counts.shipped}/${counts.committed} shipped, ` +
        `${counts.noticesMailed}/${NOTICES_PER_REQUEST * counts.committed} notices mailed, ${counts.outstanding} outbox rows still due${counts.outstandingRows.length > 0 ? `: ${counts.outstandingRows.join('; ')}` : ''}`,
    );
  }
  return failures;
}

/** What the client saw, for the notes: each kind of answer other than 201, with its count. */
export function clientProblems(batch: BatchResult): string[] {
  return [...[...batch.problems.entries()].map(([problem, n]) => `${n}× ${problem}`), `slowest answer ${batch.slowestAnswerS.toFixed(1)} s`];
}
