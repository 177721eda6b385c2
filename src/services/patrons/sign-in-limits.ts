/**
 * Limits on patron sign-in, apart from the staff API's failed-authentication limit: a library's
 * patrons and its staff often share one address (the library's network), and patrons mistyping
 * PINs at the catalogue PCs must not lock the staff out.
 *
 * - per card: a few wrong PINs for one barcode, from wherever they come, then that card is
 *   refused for the rest of the window (a right PIN included, so guessing learns nothing);
 * - per address: more wrong cards from one client address (many patrons share it);
 * - e-mail links: a few links per mailbox and more per address in the window, so nobody can
 *   fill a patron's mailbox or send mail through the library in bulk.
 *
 * Counted in the database, shared by every instance on it (the staff API's limit is counted in
 * each process's memory).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../store/db';
import { attemptsOf, countAttempt, deleteEndedAttempts } from '../../store/sign-in-attempts';

export interface AttemptLimit {
  readonly max: number;
  readonly windowMs: number;
}

export interface PatronSignInLimits {
  /** Wrong PINs (or unknown cards) per card and window. */
  readonly perCard: AttemptLimit;
  /** Wrong cards per client address and window. */
  readonly perAddress: AttemptLimit;
  /** Sign-in links mailed per e-mail address and window. */
  readonly linksPerMailbox: AttemptLimit;
  /** Sign-in links asked for per client address and window. */
  readonly linksPerAddress: AttemptLimit;
}

const MINUTE = 60_000;

export const DEFAULT_PATRON_SIGN_IN_LIMITS: PatronSignInLimits = {
  perCard: { max: 5, windowMs: 15 * MINUTE },
  perAddress: { max: 50, windowMs: 15 * MINUTE },
  linksPerMailbox: { max: 3, windowMs: 15 * MINUTE },
  linksPerAddress: { max: 20, windowMs: 15 * MINUTE },
};

/**
 * One limit's attempts per key, in fixed windows that start at a key's first attempt; counted in
 * the database (store/sign-in-attempts.ts), so that a guesser spreading attempts over the
 * instances behind a load balancer gets no more tries than at one.
 */
export class AttemptWindow {
  constructor(
    /** Which limit this is: the counts of one limit never mix with another's for the same key. */
    private readonly kind: string,
    private readonly limit: AttemptLimit,
    private readonly deps: { readonly db: Db; readonly now: () => Date },
  ) {}

  /** Seconds until the key may try again, or undefined when it may now. */
  async refusedFor(key: string): Promise<number | undefined> {
    const at = this.deps.now();
    const entry = await attemptsOf(this.deps.db, this.kind, key, at);
    if (!entry || entry.count < this.limit.max) return undefined;
    return Math.max(1, Math.ceil((entry.resetAt.getTime() - at.getTime()) / 1000));
  }

  async count(key: string): Promise<void> {
    const at = this.deps.now();
    await countAttempt(this.deps.db, this.kind, key, this.limit.windowMs, at);
    // Ended windows go as attempts come: the table holds the keys of the last window or so.
    await deleteEndedAttempts(this.deps.db, at);
  }
}

/** Keys that do not keep card numbers or addresses readable in memory. */
export function limitKey(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}
