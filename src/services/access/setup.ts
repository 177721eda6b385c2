/**
 * First run: while no staff user exists, each server start makes a one-time setup code, logs
 * it, and stores its hash for a day. `POST /setup` with any valid code makes the first
 * administrator; the transaction that does so deletes every code first, so of two racing
 * setups exactly one wins (the other waits on the deleted rows and finds none). A fresh server
 * listening on 0.0.0.0 cannot be claimed by whoever reaches it first: only by who reads its log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { insertSetupCode, takeSetupCodes } from '../../store/setup-codes';
import { countStaffUsers, findStaffUserById } from '../../store/staff-users';
import type { ServiceDeps } from '../deps';
import { Conflict, Forbidden } from '../errors';
import { sameSecret } from './secrets';
import { createStaffUser, newStaffUserSchema } from './staff-users';

export const SETUP_CODE_LIFETIME_MS = 24 * 3600_000;

export const setupSchema = newStaffUserSchema
  .omit({ role: true, library: true })
  .extend({ code: z.string().trim().min(1).max(200).meta({ description: 'The one-time setup code from the server’s start-up log' }) })
  .strict();

/** Letters and digits without look-alikes, in groups of four: read from a log, typed by hand. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newCode(): string {
  // 32 characters of a 32-letter alphabet: 160 bits, well past guessing through the attempt limit.
  const chars = [...randomBytes(20 * 8 / 5)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** Codes are compared without their dashes and case, as a person may type them. */
function hashCode(code: string): string {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase(), 'utf8').digest('hex');
}

export async function setupNeeded(deps: ServiceDeps): Promise<boolean> {
  return (await countStaffUsers(deps.db)) === 0;
}

/** A new code when setup is needed (its hash stored), undefined otherwise. */
export async function issueSetupCode(deps: ServiceDeps): Promise<{ code: string; expiresAt: Date } | undefined> {
  if (!(await setupNeeded(deps))) return undefined;
  const code = newCode();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + SETUP_CODE_LIFETIME_MS);
  await insertSetupCode(deps.db, hashCode(code), now, expiresAt);
  return { code, expiresAt };
}

/** Makes the first administrator (all libraries); Forbidden for a wrong code, Conflict once users exist. */
export async function completeSetup(deps: ServiceDeps, input: z.output<typeof setupSchema>) {
  if (!(await setupNeeded(deps))) throw new Conflict('the first administrator exists already; sign in instead');
  const given = hashCode(input.code);
  const { code: _code, ...user } = input;
  const made = await deps.db.transaction(async (tx) => {
    const valid = await takeSetupCodes(tx, deps.now());
    if (!valid.some((hash) => sameSecret(hash, given))) {
      // Thrown to roll the deletion back: the codes stay for the right person.
      throw (await countStaffUsers(tx)) > 0 ? new Conflict('the first administrator exists already; sign in instead') : new Forbidden('the setup code is not valid (it is in the server’s start-up log; a restart makes a new one)');
    }
    return createStaffUser({ ...deps, db: tx }, { ...user, role: 'admin', library: null }, { db: tx });
  });
  return (await findStaffUserById(deps.db, made.id))!;
}
