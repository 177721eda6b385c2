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
 * Counted in this process's memory, like the staff limit: each instance limits on its own.
 */
import { createHash } from 'node:crypto';

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

/** Attempts per key in fixed windows that start at a key's first attempt. */
export class AttemptWindow {
  private readonly seen = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: AttemptLimit,
    private readonly now: () => Date,
  ) {}

  /** Seconds until the key may try again, or undefined when it may now. */
  refusedFor(key: string): number | undefined {
    const entry = this.current(key);
    if (!entry || entry.count < this.limit.max) return undefined;
    return Math.max(1, Math.ceil((entry.resetAt - this.now().getTime()) / 1000));
  }

  count(key: string): void {
    const at = this.now().getTime();
    const entry = this.current(key);
    if (entry) entry.count += 1;
    else this.seen.set(key, { count: 1, resetAt: at + this.limit.windowMs });
    if (this.seen.size > 10_000) this.sweep(at);
  }

  private current(key: string): { count: number; resetAt: number } | undefined {
    const entry = this.seen.get(key);
    if (entry && entry.resetAt <= this.now().getTime()) {
      this.seen.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(at: number): void {
    for (const [key, entry] of this.seen) if (entry.resetAt <= at) this.seen.delete(key);
  }
}

/** Keys that do not keep card numbers or addresses readable in memory. */
export function limitKey(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}
