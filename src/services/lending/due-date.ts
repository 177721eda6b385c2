/**
 * The due date of a loan we lend: what staff give at ship (a date-time, or a plain date meaning
 * the end of that day in the lending library's time zone), else the library's loan period.
 *
 * The loan period of our own lending is a library setting (`settings.lending`): a period per
 * requesting library (`partners`), else the library's `loanPeriodDays`. The same block says, in
 * the schema of a partner's `policies` (src/domain/policies.ts), what the library lends to the
 * other member libraries served here (borrowing/member-suppliers.ts reads that part). A partner's
 * own `policies` describe that partner's lending and say nothing about how long we lend. The time zone is the one the library's patron mail
 * shows dates in (`settings.mail.timeZone`); without one, UTC, as patron mail uses then.
 */
import { z } from 'zod';
import { lendingPoliciesSchema } from '../../domain/policies';
import { agencySymbolSchema } from '../../domain/symbols';
import type { LibraryRow } from '../../store/libraries';

const loanPeriodDays = z.number().int().positive().max(365);

/**
 * A member library's `settings.lending`: what it lends to the other member libraries served here,
 * as a partner's `policies` say it (routing reads that part), and how long its loans last:
 * `loanPeriodDays`, and a period per requesting library before it (the due date of a ship without one).
 */
export const lendingSettingsSchema = lendingPoliciesSchema
  .extend({
    loanPeriodDays: loanPeriodDays.optional().meta({ description: 'Days a loan to another library lasts when staff ship without a due date' }),
    partners: z
      .record(agencySymbolSchema, z.object({ loanPeriodDays }).strict())
      .optional()
      .meta({ description: 'A loan period per requesting library (agency symbol), before loanPeriodDays', example: { 'ISIL:DK-A': { loanPeriodDays: 14 } } }),
  })
  .strict();

export type LendingSettings = z.output<typeof lendingSettingsSchema>;

const DAY_MS = 24 * 3600 * 1000;
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The lending library's time zone: its patron mail's, else UTC. */
export function lendingTimeZone(library: Pick<LibraryRow, 'settings'>): string {
  const mail = library.settings.mail as { timeZone?: unknown } | undefined;
  const zone = typeof mail?.timeZone === 'string' ? mail.timeZone.trim() : '';
  if (zone === '') return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** Days the library lends to this requester for, when it has said. */
export function loanPeriodFor(library: Pick<LibraryRow, 'settings'>, requester: string): number | undefined {
  const parsed = lendingSettingsSchema.safeParse(library.settings.lending ?? {});
  if (!parsed.success) return undefined;
  const own = Object.entries(parsed.data.partners ?? {}).find(([symbol]) => symbol.toUpperCase() === requester.toUpperCase());
  return own?.[1].loanPeriodDays ?? parsed.data.loanPeriodDays;
}

/** The offset (ms) of `timeZone` from UTC at `at`. */
function offsetAt(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/** 23:59:59 of the calendar day `day` (YYYY-MM-DD) in `timeZone`, as an instant. */
export function endOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 23, 59, 59);
  // Twice: the offset at the guessed instant may differ from the one at the answer (a DST change that day).
  let at = wall - offsetAt(new Date(wall), timeZone);
  at = wall - offsetAt(new Date(at), timeZone);
  return new Date(at);
}

/** The calendar day (YYYY-MM-DD) `at` falls on in `timeZone`. */
export function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The due date a ship (or a renewal) carries, as an ISO date-time: staff's date-time as given, a
 * plain date as the end of that day, or nothing given: the end of the day the loan period ends.
 * Undefined when staff gave none and the library has no loan period for this requester.
 */
export function resolveDueDate(given: string | undefined, library: Pick<LibraryRow, 'settings'>, requester: string, now: Date, useLoanPeriod: boolean): string | undefined {
  const zone = lendingTimeZone(library);
  if (given !== undefined) return PLAIN_DATE.test(given) ? endOfDay(given, zone).toISOString() : given;
  const days = useLoanPeriod ? loanPeriodFor(library, requester) : undefined;
  if (days === undefined) return undefined;
  return endOfDay(dayIn(new Date(now.getTime() + days * DAY_MS), zone), zone).toISOString();
}
