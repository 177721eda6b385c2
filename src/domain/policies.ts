/**
 * A lender's policies, as routing reads them: a partner's (`partners.policies`) and a member
 * library's own (`libraries.settings.lending`, for its fellow member libraries served here). One
 * zod schema for both: the staff API and the directory file validate with it, routing relies on
 * its defaults, so an empty or absent block means "lends everything to everyone".
 */
import { z } from 'zod';
import { agencySymbolSchema } from './symbols';

const symbol = agencySymbolSchema;
const day = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}/, 'must be a date such as 2027-01-31');

export const lendingPoliciesSchema = z
  .object({
    /** Lends at all through this server. */
    lends: z.boolean().default(true),
    /** ISO 18626 service types it supplies. */
    services: z.array(z.enum(['Loan', 'Copy'])).min(1).default(['Loan', 'Copy']),
    /** Formats (open list: Book, Journal, DVD, ...) it will or will not lend; empty `willLend` = any. */
    formats: z
      .object({ willLend: z.array(z.string().trim().min(1)).default([]), willNotLend: z.array(z.string().trim().min(1)).default([]) })
      .default({ willLend: [], willNotLend: [] }),
    loanPeriodDays: z.number().int().positive().max(365).optional(),
    maxRenewals: z.number().int().min(0).max(20).optional(),
    /** New requests it accepts per day; beyond that it is skipped until tomorrow. */
    dailyLimit: z.number().int().positive().optional(),
    /** Lends only to the libraries listed in `reciprocalPartners`. */
    reciprocalOnly: z.boolean().default(false),
    reciprocalPartners: z.array(symbol).default([]),
    /** Temporarily not lending (holidays, stocktaking) until this day, inclusive. */
    suspendedUntil: day.optional(),
  })
  .strict();

export type LendingPolicies = z.output<typeof lendingPoliciesSchema>;

export function lendingPolicies(stored: unknown): LendingPolicies {
  const parsed = lendingPoliciesSchema.safeParse(stored ?? {});
  // A stored policy that no longer validates is treated as "lends nothing" rather than guessed at.
  return parsed.success ? parsed.data : { ...lendingPoliciesSchema.parse({}), lends: false };
}
