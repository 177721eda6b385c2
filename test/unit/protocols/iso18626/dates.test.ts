import { dateTimeToDate, dateToDateTime, isValidDateTime } from '../../../../protocols/iso18626';

describe('xs:dateTime values in the model', () => {
  it.each([
    ['2024-12-12T20:12:00.62959771Z', '2024-12-12T20:12:00.629Z'],
    ['2024-12-12T21:12:00+01:00', '2024-12-12T20:12:00.000Z'],
    ['2024-12-12T15:12:00.5-05:00', '2024-12-12T20:12:00.500Z'],
    ['0001-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z'],
    ['1900-01-01T01:01:01+00:00', '1900-01-01T01:01:01.000Z'],
  ])('converts %s to the instant %s', (value, iso) => {
    expect(dateTimeToDate(value).toISOString()).toBe(iso);
  });

  it('writes a Date in UTC with milliseconds', () => {
    expect(dateToDateTime(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)))).toBe('2025-01-02T03:04:05.678Z');
  });

  it.each(['2024-12-12T20:12:00', '2024-12-12T20:12:00+0000', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '0000-01-01T00:00:00Z', '2024-12-12T24:00:00Z', '2024-12-12T20:12:00+14:30', '2024-12-12 20:12:00Z'])(
    'does not hold %s (build would be refused by the schema)',
    (value) => {
      expect(isValidDateTime(value)).toBe(false);
    },
  );

  it('holds leap days and the widest offsets', () => {
    expect(isValidDateTime('2024-02-29T00:00:00-14:00')).toBe(true);
    expect(isValidDateTime('2000-02-29T23:59:59.999999999+14:00')).toBe(true);
  });
});
