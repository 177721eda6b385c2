import { monthsOf, presetPeriod } from '../../../src/statistics/period';

const now = new Date('2026-03-15T10:30:00Z');
const day = (s: string) => new Date(`${s}T00:00:00Z`);

describe('statistics periods', () => {
  it.each([
    ['this-month', day('2026-03-01'), now],
    ['last-month', day('2026-02-01'), day('2026-03-01')],
    ['this-year', day('2026-01-01'), now],
    ['last-12-months', day('2025-03-01'), now],
  ] as const)('%s runs from %s to %s', (preset, from, to) => {
    expect(presetPeriod(preset, now)).toEqual({ from, to });
  });

  it('takes last month across a new year', () => {
    expect(presetPeriod('last-month', new Date('2026-01-10T00:00:00Z'))).toEqual({ from: day('2025-12-01'), to: day('2026-01-01') });
  });

  it('lists every month the period touches, for the charts’ axis', () => {
    expect(monthsOf({ from: day('2025-11-20'), to: day('2026-02-01') })).toEqual(['2025-11-01', '2025-12-01', '2026-01-01']);
    expect(monthsOf(presetPeriod('last-12-months', now))).toHaveLength(13);
  });
});
