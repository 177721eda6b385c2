/**
 * Signing in with the library card: the barcode and PIN go to the library's ILS in an NCIP
 * LookupUser with AuthenticationInput (Barcode Id + PIN), the way ILL systems check patrons; its
 * answer also gives the patron's name, e-mail and blocks, kept with the session.
 *
 * A blocked patron is signed in all the same, so the request form can tell them why before they
 * fill it in (submitting is refused). A wrong card or PIN is one answer, whichever was wrong.
 */
import { z } from 'zod';
import type { Db } from '../../store/db';
import { createNcipClient, type NcipFailure, type NcipRefusalProblem } from '../../ncip/client';
import type { ServiceDeps } from '../deps';
import { ServiceUnavailable, TooManyAttempts, Unauthenticated } from '../errors';
import { parseLibraryNcip } from '../ncip/settings';
import { patronLibraryRow, requireSignIn } from './library-info';
import { openPatronSession, type OpenedPatronSession, type PatronDetails, type PatronSessionLifetimes } from './sessions';
import { AttemptWindow, limitKey, type PatronSignInLimits } from './sign-in-limits';

export const cardSignInSchema = z
  .object({
    library: z.string().trim().min(1).max(100).meta({ description: 'The library’s symbol', example: 'ISIL:DE-1' }),
    barcode: z.string().trim().min(1).max(100).meta({ description: 'The library card’s number (barcode)' }),
    pin: z.string().min(1).max(100).meta({ description: 'The card’s PIN or password, as the ILS checks it' }),
  })
  .strict()
  .meta({ id: 'PatronCardSignIn' });

export type CardSignIn = z.output<typeof cardSignInSchema>;

export interface PatronSignInDeps extends ServiceDeps {
  readonly fetch?: typeof fetch;
}

/** The patron waits at the form: a slow ILS is answered as unavailable long before NCIP's own timeout for loans. */
export const SIGN_IN_TIMEOUT_MS = 10_000;

/** What tells the patron to try again soon when the ILS did not answer. */
const ILS_RETRY_AFTER_SECONDS = 30;

/** Problems that mean "not this card, or not this PIN" (NCIP 2.02 LookupUser problem types). */
const WRONG_CARD = new Set(['User Authentication Failed', 'Unknown User', 'User Access Denied']);

/** The ILS gave a verdict "blocked" without saying why. */
export const UNSTATED_BLOCK = 'The library has blocked this card';

/** The limits' windows, counted in the database: create once per server, share between requests. */
export interface SignInGuard {
  readonly limits: PatronSignInLimits;
  readonly cards: AttemptWindow;
  readonly addresses: AttemptWindow;
  readonly mailboxes: AttemptWindow;
  readonly linkAddresses: AttemptWindow;
}

export function signInGuard(limits: PatronSignInLimits, deps: { readonly db: Db; readonly now: () => Date }): SignInGuard {
  return {
    limits,
    cards: new AttemptWindow('card', limits.perCard, deps),
    addresses: new AttemptWindow('address', limits.perAddress, deps),
    mailboxes: new AttemptWindow('mailbox', limits.linksPerMailbox, deps),
    linkAddresses: new AttemptWindow('link_address', limits.linksPerAddress, deps),
  };
}

export async function signInWithCard(deps: PatronSignInDeps, guard: SignInGuard, input: CardSignIn, client: { readonly address: string }, lifetimes?: PatronSessionLifetimes): Promise<OpenedPatronSession> {
  const library = await patronLibraryRow(deps, input.library);
  requireSignIn(library, 'ils');

  const card = limitKey(library.id, input.barcode.toLowerCase());
  const address = limitKey(client.address);
  const wait = (await guard.cards.refusedFor(card)) ?? (await guard.addresses.refusedFor(address));
  if (wait !== undefined) throw new TooManyAttempts(`too many wrong card numbers or PINs; try again in ${wait} s`, wait);

  const ncip = parseLibraryNcip(library);
  if (!ncip.ok || !ncip.settings.enabled) throw unavailable(`${library.name}’s library system cannot check cards now`);
  const ils = createNcipClient(
    { ...ncip.settings, timeoutMs: Math.min(ncip.settings.timeoutMs, SIGN_IN_TIMEOUT_MS) },
    { ...(deps.fetch ? { fetch: deps.fetch } : {}), now: deps.now, onExchange: (e) => deps.metrics?.ncipCall('out', e.service, e.outcome) },
  );
  const result = await ils.lookupUser({ barcode: input.barcode, pin: input.pin });
  if (!result.ok) {
    if (isWrongCard(result.error)) {
      await guard.cards.count(card);
      await guard.addresses.count(address);
      throw new Unauthenticated('the card number or PIN is not right', false, 'wrong_card');
    }
    throw unavailable(`${library.name}’s library system did not check the card (${failureWord(result.error)}); try again shortly`);
  }
  const user = result.value;
  const blockReasons = user.verdict === 'blocked' ? (user.blockReasons.length > 0 ? user.blockReasons : [UNSTATED_BLOCK]) : [];
  const details: PatronDetails = {
    ...(user.name?.display ? { name: user.name.display } : {}),
    ...(user.email ? { email: user.email } : {}),
    blockReasons,
  };
  // An ILS that does not echo the UserId is known to mean the card it was asked about.
  const patronId = user.userId || input.barcode;
  return openPatronSession(deps, { libraryId: library.id, patronId, method: 'ils', details }, lifetimes);
}

function isWrongCard(failure: NcipFailure): boolean {
  return failure.kind === 'refused' && failure.problems.some((p: NcipRefusalProblem) => WRONG_CARD.has(p.recognized ?? p.type));
}

function failureWord(failure: NcipFailure): string {
  if (failure.kind === 'disabled') return 'NCIP is switched off';
  if (failure.kind === 'transient') return failure.reason === 'timeout' ? 'no answer in time' : 'no usable answer';
  return `it answered ${failure.problems.map((p) => p.type).join(', ')}`;
}

function unavailable(message: string): ServiceUnavailable {
  return new ServiceUnavailable(message, ILS_RETRY_AFTER_SECONDS, 'sign_in_unavailable');
}
