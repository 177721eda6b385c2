/**
 * What the `performance` strategy knows of each lender: its record with this borrowing library
 * over the library's window, measured by the same function as the Statistics screen's partners
 * table (src/statistics/partner-performance.ts), so the rota and the report never disagree.
 *
 * Measuring reads every supplier attempt of the window (most of a second at 200 000 requests),
 * too much for every new request. A record over weeks barely moves in minutes, so each library's
 * records are kept for RECORDS_TTL_MS per process, and requests arriving together while they are
 * measured share one measurement.
 */
import type { LenderRecord, LenderScoreSettings } from '../../domain/lender-score';
import { partnerPerformance } from '../../statistics/partner-performance';
import type { Db } from '../../store/db';
import type { LibraryRow } from '../../store/libraries';
import { supplierAttempts } from '../../store/statistics';
import { performanceSettingsOf } from './routing-settings';

const DAY_MS = 24 * 3600 * 1000;

export interface LenderRecords {
  readonly records: Readonly<Record<string, LenderRecord>>;
  readonly settings: LenderScoreSettings;
}

export const RECORDS_TTL_MS = 5 * 60_000;

interface Kept {
  /** The settings the records were measured under: a change of window or weights measures again. */
  readonly key: string;
  readonly at: number;
  readonly records: Promise<LenderRecords>;
}

/** One entry per member library; a handful, so no bound is needed. */
const kept = new Map<string, Kept>();

export async function lenderRecords(db: Db, library: Pick<LibraryRow, 'id' | 'settings'>, now: Date): Promise<LenderRecords> {
  const key = JSON.stringify(performanceSettingsOf(library));
  const found = kept.get(library.id);
  const age = found ? now.getTime() - found.at : Infinity;
  if (found && found.key === key && age >= 0 && age < RECORDS_TTL_MS) return found.records;
  const records = measure(db, library, now);
  kept.set(library.id, { key, at: now.getTime(), records });
  // A failed measurement (the database away) is not kept: the next request measures again.
  records.catch(() => {
    if (kept.get(library.id)?.records === records) kept.delete(library.id);
  });
  return records;
}

async function measure(db: Db, library: Pick<LibraryRow, 'id' | 'settings'>, now: Date): Promise<LenderRecords> {
  const { windowDays, score } = performanceSettingsOf(library);
  const window = { from: new Date(now.getTime() - windowDays * DAY_MS), to: now };
  const rows = partnerPerformance(await supplierAttempts(db, { libraryId: library.id }, window), window);
  const records = Object.fromEntries(
    rows.map((r) => [
      r.supplier,
      { ended: r.filled + r.unfilled, filled: r.filled, answers: r.answerSeconds.count, medianAnswerSeconds: r.answerSeconds.p50, ships: r.shipSeconds.count, medianShipSeconds: r.shipSeconds.p50 },
    ]),
  );
  return { records, settings: score };
}
