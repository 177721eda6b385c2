/**
 * xs:dateTime as the model keeps it: the sender's lexical form (any fraction length, its own
 * offset), always with a zone. Keeping the string rather than a Date is what makes
 * build(parse(x)) carry the same instant and the same precision as x: CrossLink sends
 * nanoseconds (`2024-12-12T20:12:00.62959771Z`), which a Date would cut to milliseconds.
 */

/** The form the model holds and build emits. Years 0001-9999 only (xs:dateTime has no year 0000). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** What parse accepts before normalising: a compact offset (`+0000`) or no zone at all. */
const LENIENT_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2}|[+-]\d{4})?$/;

export function isValidDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[8] !== 'Z') {
    const offsetMinutes = Number(m[9]) * 60 + Number(m[10]);
    // XML Schema: the zone offset lies within ±14:00.
    if (Number(m[10]) > 59 || offsetMinutes > 14 * 60) return false;
  }
  return true;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export type DateTimeFix = 'compact-offset' | 'missing-timezone';

/**
 * Brings a received value to the model's form. Returns undefined when it is no xs:dateTime at
 * all; otherwise the normalised value and which leniency, if any, was needed.
 */
export function normaliseDateTime(raw: string): { value: string; fix?: DateTimeFix } | undefined {
  const m = LENIENT_DATE_TIME.exec(raw);
  if (!m) return undefined;
  const [, local, zone] = m as unknown as [string, string, string | undefined];
  let value: string;
  let fix: DateTimeFix | undefined;
  if (zone === undefined) {
    // A zoneless time is ambiguous; UTC is the only reading both ends can agree on.
    value = `${local}Z`;
    fix = 'missing-timezone';
  } else if (/^[+-]\d{4}$/.test(zone)) {
    value = `${local}${zone.slice(0, 3)}:${zone.slice(3)}`;
    fix = 'compact-offset';
  } else {
    value = raw;
  }
  if (!isValidDateTime(value)) return undefined;
  return fix === undefined ? { value } : { value, fix };
}

/** The instant a model dateTime names (sub-millisecond digits are dropped: Date cannot hold them). */
export function dateTimeToDate(value: string): Date {
  const m = DATE_TIME.exec(value);
  if (!m || !isValidDateTime(value)) throw new RangeError(`not an xs:dateTime with a zone: ${JSON.stringify(value)}`);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000 + 1e-9);
  const date = new Date(0);
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  date.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), millis);
  if (m[8] !== 'Z') {
    const sign = m[8]!.startsWith('-') ? -1 : 1;
    date.setTime(date.getTime() - sign * (Number(m[9]) * 60 + Number(m[10])) * 60_000);
  }
  return date;
}

/** A Date as a model dateTime, in UTC with milliseconds (`2024-12-12T20:12:00.629Z`). */
export function dateToDateTime(date: Date): string {
  const value = date.toISOString();
  if (!isValidDateTime(value)) throw new RangeError(`date outside xs:dateTime years 0001-9999: ${value}`);
  return value;
}
