import { partnerPerformance, type SupplierAttempt } from '../../../src/statistics/partner-performance';

const at = (hours: number) => new Date(Date.UTC(2026, 5, 1) + hours * 3_600_000);
const window = { from: at(0), to: at(24 * 30) };
const attempt = (supplier: string, started: number, outcome: SupplierAttempt['outcome'], times: { answered?: number; shipped?: number; ended?: number } = {}): SupplierAttempt => ({
  requestId: `${supplier}-${started}`,
  supplier,
  startedAt: at(started),
  answeredAt: times.answered === undefined ? null : at(times.answered),
  shippedAt: times.shipped === undefined ? null : at(times.shipped),
  outcome,
  endedAt: times.ended === undefined ? null : at(times.ended),
});

describe('a lender’s measured performance for one borrowing library', () => {
  it('gives its fill rate over the attempts that ended in the window, and its median times to answer and to ship', () => {
    const [lender] = partnerPerformance(
      [
        attempt('ISIL:DK-1', 10, 'filled', { answered: 12, shipped: 34, ended: 34 }),
        attempt('ISIL:DK-1', 20, 'unfilled', { answered: 26, ended: 26 }),
        attempt('ISIL:DK-1', 30, 'filled', { answered: 40, shipped: 50, ended: 50 }),
        // Ended before the window: neither its outcome nor its answer counts; an open one is load.
        attempt('ISIL:DK-1', -50, 'unfilled', { answered: -40, ended: -40 }),
        attempt('ISIL:DK-1', 100, 'open'),
        // Cancelled by us: counts neither way.
        attempt('ISIL:DK-1', 60, 'cancelled', { ended: 61 }),
      ],
      window,
    );
    expect(lender).toEqual({
      supplier: 'ISIL:DK-1',
      asked: 5,
      filled: 2,
      unfilled: 1,
      fillRate: 2 / 3,
      answerSeconds: { count: 3, p50: 6 * 3600, p90: 9.2 * 3600 },
      shipSeconds: { count: 2, p50: 22 * 3600, p90: 23.6 * 3600 },
      open: 1,
    });
  });

  it('has no fill rate or times for a lender never measured in the window', () => {
    expect(partnerPerformance([attempt('ISIL:DK-2', 100, 'open')], window)).toEqual([
      { supplier: 'ISIL:DK-2', asked: 1, filled: 0, unfilled: 0, fillRate: null, answerSeconds: { count: 0, p50: null, p90: null }, shipSeconds: { count: 0, p50: null, p90: null }, open: 1 },
    ]);
  });
});
