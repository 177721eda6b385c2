/**
 * What the `performance` strategy knows of each lender: its record with this borrowing library
 * over the library's window, measured by the same function as the Statistics screen's partners
 * table (src/statistics/partner-performance.ts), so the rota and the report never disagree.
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

export async function lenderRecords(db: Db, library: Pick<LibraryRow, 'id' | 'settings'>, now: Date): Promise<LenderRecords> {
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
