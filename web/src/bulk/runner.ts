/**
 * Acting on many requests at once, each through the one action path a single row takes
 * (POST /requests/{id}/actions with that row's version): a few at a time, so the server and the
 * partners' endpoints see a steady trickle rather than a burst, each row's outcome kept apart.
 * Pure of the network: `perform` is given (the screen passes the API call, the tests a fake).
 */

/** Actions staff do in batches; each needs nothing per row (ship: one due date, or the loan period). */
export const BULK_ACTIONS = ['mark_picked', 'ship', 'mark_received', 'check_in'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const BULK_CONCURRENCY = 4;

export interface BulkRow {
  readonly id: string;
  readonly version: number;
  readonly actions: readonly string[];
}

export type BulkOutcome =
  | { readonly kind: 'done' }
  /** 409: the request changed since it was read (another person, a partner's message). */
  | { readonly kind: 'changed' }
  /** The server said no: its reason, in its words. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The row does not offer the action in the state it was read in: not sent. */
  | { readonly kind: 'skipped' };

export interface BulkProgress {
  readonly total: number;
  readonly finished: number;
  readonly outcomes: ReadonlyMap<string, BulkOutcome>;
}

export interface BulkRun<Row extends BulkRow> {
  readonly rows: readonly Row[];
  readonly action: string;
  /** Sends the action for one row; resolves on success, rejects with what the server answered. */
  readonly perform: (row: Row) => Promise<unknown>;
  /** What a rejection means for the row: changed meanwhile (409) or refused with a reason. */
  readonly outcomeOf: (error: unknown) => BulkOutcome;
  readonly onProgress?: (progress: BulkProgress) => void;
  readonly concurrency?: number;
}

/** Runs every row (skipped ones first, at once), at most `concurrency` in flight; never rejects. */
export async function runBulk<Row extends BulkRow>(run: BulkRun<Row>): Promise<BulkProgress> {
  const outcomes = new Map<string, BulkOutcome>();
  const total = run.rows.length;
  const report = () => run.onProgress?.({ total, finished: outcomes.size, outcomes: new Map(outcomes) });
  const offered: Row[] = [];
  for (const row of run.rows) {
    if (row.actions.includes(run.action)) offered.push(row);
    else outcomes.set(row.id, { kind: 'skipped' });
  }
  report();
  let next = 0;
  const worker = async () => {
    while (next < offered.length) {
      const row = offered[next++]!;
      let outcome: BulkOutcome;
      try {
        await run.perform(row);
        outcome = { kind: 'done' };
      } catch (error) {
        outcome = run.outcomeOf(error);
      }
      outcomes.set(row.id, outcome);
      report();
    }
  };
  const lanes = Math.max(1, Math.min(run.concurrency ?? BULK_CONCURRENCY, offered.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return { total, finished: outcomes.size, outcomes };
}

/** Counts by kind, for the summary line. */
export function tally(outcomes: ReadonlyMap<string, BulkOutcome>): Record<BulkOutcome['kind'], number> {
  const counts = { done: 0, changed: 0, refused: 0, skipped: 0 };
  for (const outcome of outcomes.values()) counts[outcome.kind]++;
  return counts;
}

/** The bulk actions at least one of the rows offers, in the bar's order. */
export function offeredBulkActions(rows: readonly BulkRow[]): BulkAction[] {
  return BULK_ACTIONS.filter((action) => rows.some((row) => row.actions.includes(action)));
}
